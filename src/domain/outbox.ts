import type { MessageEvent } from './message-events';
import type { Role } from './roles';

/**
 * Side effects go through an outbox in the state: rules never call activities, they queue
 * effects here, and the workflow carries them out in order and removes them.
 */

/** A message the workflow must send; rendered from the playbook's template for its event. */
export interface Notice {
  key: string;
  event: MessageEvent;
  /** Recipients beyond the template's `to`: a task's owner, an escalation level's role. */
  extraRoles: Role[];
  context: Record<string, unknown>;
}

/** An entry for the audit log: who decided what, when, on what evidence. */
export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
  evidence?: string;
}

/** Side effects decided by the rules and carried out by the workflow through activities. */
export type Effect = { kind: 'notice'; notice: Notice } | { kind: 'audit'; entry: AuditEntry };

/** The part of an onboarding's state that queues effects (OnboardingState has it). */
export interface OutboxState {
  onboardingId: string;
  /** Side effects not yet carried out; continue-as-new carries them over. */
  outbox: Effect[];
  auditSeq: number;
}

export function audit(
  draft: OutboxState,
  at: string,
  actor: string,
  action: string,
  details: Record<string, unknown>,
  evidence?: string,
): void {
  draft.auditSeq += 1;
  draft.outbox.push({ kind: 'audit', entry: { seq: draft.auditSeq, at, actor, action, details, evidence } });
}

/** Queues a message; the key makes it unique per onboarding, so it is sent once. */
export function notify(
  draft: OutboxState,
  key: string,
  event: MessageEvent,
  extraRoles: Role[],
  context: Record<string, unknown>,
): void {
  draft.outbox.push({ kind: 'notice', notice: { key: `${draft.onboardingId}:${key}`, event, extraRoles, context } });
}
