/**
 * The checks that a burst of commands survived a fault: every command the API accepted is in the
 * workflow's own state (the API's query), in the audit log and in the read model, exactly once.
 */
import { randomUUID } from 'node:crypto';
import { closedWonBody } from '../fixtures/onboarding-input';
import { eventually } from '../support/eventually';
import type { ApiClient, CommandOutcome } from './api-client';
import type { FaultStack } from './fault-stack';

/** A command whose effect can be counted: a new risk (unique description) or a milestone. */
export type Command =
  | { onboarding: string; kind: 'risk'; description: string }
  | { onboarding: string; kind: 'milestone'; milestone: string };

export function commandRequest(c: Command): { method: string; path: string; body: unknown } {
  const base = `/onboardings/${c.onboarding}`;
  if (c.kind === 'milestone')
    return { method: 'POST', path: `${base}/milestones/${c.milestone}`, body: { evidence: 'fault suite' } };
  return {
    method: 'POST',
    path: `${base}/risks`,
    body: {
      category: 'data',
      description: c.description,
      blocker: false,
      owner: 'impl:faults',
      decisionDueDate: '2030-01-15',
      fallback: 'carry on',
    },
  };
}

/** A risk command with a description no other command has. */
export const newRisk = (onboarding: string, label: string): Command => ({
  onboarding,
  kind: 'risk',
  description: `${label} ${randomUUID().slice(0, 8)}`,
});

/** Sends a command under one key until it has a final answer (see ApiClient.command). */
export function sendCommand(api: ApiClient, c: Command, timeoutMs?: number): Promise<CommandOutcome> {
  const { method, path, body } = commandRequest(c);
  return api.command(method, path, body, { timeoutMs });
}

/**
 * For each onboarding, once the read model has caught up with the workflow (same revision, every
 * audit entry up to the workflow's count): the accepted commands each once in the state and in the
 * audit log, the audit log without a gap, and nothing that was not accepted.
 */
export async function expectAppliedOnce(
  stack: Pick<FaultStack, 'sql'>,
  api: ApiClient,
  accepted: Command[],
  timeoutMs = 180_000,
): Promise<{ onboardings: number; auditEntries: number }> {
  let auditEntries = 0;
  const ids = [...new Set(accepted.map((c) => c.onboarding))];
  for (const id of ids) {
    const mine = accepted.filter((c) => c.onboarding === id);
    const { state, audit } = await eventually(
      async () => {
        const state = await api.read(`/onboardings/${id}`);
        const [row] = await stack.sql<{ revision: number }>('SELECT revision FROM onboardings WHERE id = $1', [id]);
        const audit = await stack.sql<{ seq: number; action: string; details: any }>(
          'SELECT seq, action, details FROM audit_log WHERE onboarding_id = $1 ORDER BY seq',
          [id],
        );
        return row && Number(row.revision) === state.revision && audit.length >= state.auditSeq
          ? { state, audit }
          : undefined;
      },
      timeoutMs,
      500,
    );
    // Every entry the workflow numbered, once each (the key is (onboarding, seq)), none beyond.
    expect([id, audit.map((e) => e.seq)]).toEqual([id, Array.from({ length: state.auditSeq }, (_, i) => i + 1)]);
    for (const c of mine) {
      if (c.kind === 'risk') {
        const inState = state.risks.filter((r: any) => r.description === c.description).length;
        const inAudit = audit.filter((e) => e.action === 'risk-recorded' && e.details.description === c.description);
        expect([id, c.description, inState, inAudit.length]).toEqual([id, c.description, 1, 1]);
      } else {
        const m = state.milestones.find((x: any) => x.key === c.milestone);
        const inAudit = audit.filter((e) => e.action === 'milestone-recorded' && e.details.milestone === c.milestone);
        expect([id, c.milestone, Boolean(m?.achievedAt), inAudit.length]).toEqual([id, c.milestone, true, 1]);
      }
    }
    // Nothing applied that no client saw accepted (a refused command must leave no trace).
    const risks = new Set(mine.filter((c) => c.kind === 'risk').map((c) => (c as { description: string }).description));
    const unexpected = state.risks.filter((r: any) => !risks.has(r.description));
    expect([id, unexpected]).toEqual([id, []]);
    auditEntries += audit.length;
  }
  return { onboardings: ids.length, auditEntries };
}

/** Onboardings started through the API, each with its CSM (so journey commands are accepted). */
export async function startOnboardings(api: ApiClient, prefix: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const account = `${prefix}-${i}`;
    await api.accepted('POST', '/onboardings', closedWonBody(account, 'enterprise'), `${account}:start`);
    ids.push(`onboarding-${account}`);
  }
  for (const id of ids)
    await eventually(async () => ((await api.read(`/onboardings/${id}`)).csm ? true : undefined), 120_000, 300);
  return ids;
}
