import { produce } from './draft';
import type { OutboxState } from './outbox';
import { audit, notify } from './outbox';
import type { EscalationLadder, Playbook } from './playbook';
import type { Tier } from './segment';
import { MINUTE_MS } from './time';

/**
 * Waiting for a CSM with a free seat is a state of the onboarding, not a blocked activity: the
 * onboarding is projected, audited and listed at once (waiting on csm-assignment), the CS lead is
 * told, a ladder escalates if it lasts, and assignment is tried again every
 * CSM_ASSIGNMENT_RETRY_MINUTES and whenever the roster changes (the rosterChanged signal).
 */
export const CSM_ASSIGNMENT_RETRY_MINUTES = 15;

/** In the state while no CSM covering the tier has a free seat; gone once one is assigned. */
export interface CsmWait {
  since: string;
  attempts: number;
  lastAttemptAt: string;
  /** Set by the rosterChanged signal: try again at once. */
  rosterChangedAt?: string;
}

/** The part of an onboarding's state the wait reads and changes (OnboardingState has it). */
export interface OnboardingAwaitingCsm extends OutboxState {
  status: string;
  tier: Tier;
  csm?: { id: string };
  csmWait?: CsmWait;
  /**
   * A roster change signalled before the wait began (while the first try was on its way): the
   * wait starts with it, so the next try is due at once. Gone once the wait starts or a CSM joins.
   */
  csmRosterChangedAt?: string;
  revision: number;
}

/** Used when the playbook has no ladder keyed `csm-capacity` (playbooks published before it). */
export const DEFAULT_CSM_CAPACITY_LADDER: EscalationLadder = {
  key: 'csm-capacity',
  levels: [
    { notify: 'cs-lead', afterHours: 24 },
    { notify: 'vp-cs', afterHours: 72 },
  ],
};

export function csmCapacityLadder(playbook: Playbook): EscalationLadder {
  return (
    playbook.escalationLadders.find((l) => l.key === DEFAULT_CSM_CAPACITY_LADDER.key) ?? DEFAULT_CSM_CAPACITY_LADDER
  );
}

function waiting(state: OnboardingAwaitingCsm): boolean {
  return state.status === 'in-progress' && !state.csm;
}

/** The first try, a retry that is due, or a roster change since the last try. */
export function csmAssignmentDue(state: OnboardingAwaitingCsm, now: Date): boolean {
  if (!waiting(state)) return false;
  const w = state.csmWait;
  if (!w || w.rosterChangedAt) return true;
  return now.getTime() >= Date.parse(w.lastAttemptAt) + CSM_ASSIGNMENT_RETRY_MINUTES * MINUTE_MS;
}

/** When the next retry is due, while waiting (not a timer that fires: the workflow asks the roster). */
export function nextCsmAssignmentAt(state: OnboardingAwaitingCsm): number | undefined {
  const w = state.csmWait;
  if (!w || !waiting(state)) return undefined;
  return Date.parse(w.lastAttemptAt) + CSM_ASSIGNMENT_RETRY_MINUTES * MINUTE_MS;
}

/**
 * Nobody covering the tier has a free seat. The first time: the wait starts, is audited, and the
 * CS lead is mailed. Later tries only count (no new revision: nothing a reader needs changed).
 * `askedAt`: when the roster was asked; a roster change signalled after it (while the answer was
 * on its way) may have come too late for it, so it still makes the next try due at once.
 */
export function noCsmCapacity<S extends OnboardingAwaitingCsm>(state: S, now: Date, askedAt: Date = now): S {
  const at = now.toISOString();
  const changedSinceAsked = (changedAt?: string) =>
    changedAt && Date.parse(changedAt) > askedAt.getTime() ? { rosterChangedAt: changedAt } : {};
  const w = state.csmWait;
  if (w) {
    const changed = changedSinceAsked(w.rosterChangedAt);
    return { ...state, csmWait: { since: w.since, attempts: w.attempts + 1, lastAttemptAt: at, ...changed } };
  }
  return produce(state, (draft) => {
    const changed = changedSinceAsked(draft.csmRosterChangedAt);
    delete draft.csmRosterChangedAt;
    draft.csmWait = { since: at, attempts: 1, lastAttemptAt: at, ...changed };
    audit(draft, at, 'system', 'csm-assignment-waiting', { tier: draft.tier });
    notify(draft, `no-csm-capacity:${at}`, 'no-csm-capacity', [], { waiting: { since: at } });
    draft.revision += 1;
  });
}

/**
 * A roster change before the wait began: the first try is on its way (or about to start), and
 * its "no capacity" may come from before the change. Runs started before the workflow's
 * `roster-change-before-wait` patch ignore the signal then.
 */
export function rosterChangeBeforeWait(state: OnboardingAwaitingCsm): boolean {
  return waiting(state) && !state.csmWait;
}

/**
 * A CSM was added, raised a capacity or freed a seat: try again now. Recorded whenever the
 * onboarding waits for a CSM, also while its first try is on its way (before `csmWait` exists).
 */
export function rosterChanged<S extends OnboardingAwaitingCsm>(state: S, now: Date): S {
  if (!waiting(state)) return state;
  if (!state.csmWait) {
    // The first try is on its way and the main loop awaits it: no revision needed to wake it;
    // noCsmCapacity starts the wait with the change, so the next try is due at once.
    return { ...state, csmRosterChangedAt: now.toISOString() };
  }
  return produce(state, (draft) => {
    draft.csmWait!.rosterChangedAt = now.toISOString();
    // A new revision wakes the workflow's main loop.
    draft.revision += 1;
  });
}
