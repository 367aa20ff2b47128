import type { CutoverAttempt, OnboardingState } from './onboarding';

/**
 * The decisions of one pass of an onboarding's main loop, taken from the state alone. The
 * workflow (workflows/onboarding.workflow.ts) and the playbook preview (preview.ts) both ask
 * these, so the preview cannot drift from what a running onboarding does between two sleeps.
 */

/** The onboarding needs a CSM: the handoff is complete and nobody is assigned yet. */
export function csmAssignmentWanted(state: OnboardingState): boolean {
  return state.status === 'in-progress' && !state.csm;
}

/** Cutover or rehearsal attempts requested but not yet started as a child workflow. */
export function cutoversToStart(state: OnboardingState): CutoverAttempt[] {
  return (state.cutovers ?? []).filter((c) => c.status === 'requested');
}

/**
 * Something changed since the pass began (a timer, the CSM assignment, an update) or effects
 * wait to be carried out: go round again instead of sleeping.
 */
export function changedSince(state: OnboardingState, seenRevision: number): boolean {
  return state.revision !== seenRevision || state.outbox.length > 0;
}

/** Done: completed, every effect carried out and the last revision projected. */
export function journeyOver(state: OnboardingState, projectedRevision: number): boolean {
  return state.status === 'completed' && state.outbox.length === 0 && projectedRevision === state.revision;
}
