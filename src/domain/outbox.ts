import type { MessageEvent } from './message-events';
import type { ActingPrincipal, Attributed } from './principal';
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
  /** The authenticated caller whose command this entry records, and the role it acted in. */
  principal?: ActingPrincipal;
  /** The caller's own note on who acted (the body's `actor`): shown beside the principal, never instead. */
  actorNote?: string;
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
  /** The principal behind a decision that reached the onboarding through a child (a cutover's sign-off). */
  by?: Partial<Attributed>,
): void {
  draft.auditSeq += 1;
  const entry: AuditEntry = { seq: draft.auditSeq, at, actor, action, details, evidence };
  if (by?.principal) Object.assign(entry, { principal: by.principal }, by.actorNote ? { actorNote: by.actorNote } : {});
  draft.outbox.push({ kind: 'audit', entry });
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

/**
 * Names the command's principal on the audit entries its pass queued (those after `sinceSeq`).
 * Pure: the same command gives the same entries on replay. Commands without a principal (in
 * histories from before principals existed) leave the state as it is.
 */
export function attributeAudit<S extends OutboxState>(state: S, sinceSeq: number, command: Partial<Attributed>): S {
  const { principal, actorNote } = command ?? {};
  if (!principal) return state;
  return {
    ...state,
    outbox: state.outbox.map((e) =>
      e.kind === 'audit' && e.entry.seq > sinceSeq
        ? { ...e, entry: { ...e.entry, principal, ...(actorNote ? { actorNote } : {}) } }
        : e,
    ),
  };
}
