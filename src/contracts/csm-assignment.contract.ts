import type { Tier } from '../domain/segment';

export interface AssignedCsm {
  id: string;
  name: string;
  email: string;
}

/** No seat is a normal answer, not an error: the onboarding waits on csm-assignment meanwhile. */
export type CsmAssignmentResult = { outcome: 'assigned'; csm: AssignedCsm } | { outcome: 'no-capacity' };

/**
 * Picks the CSM for an onboarding among those stored in the database who cover its tier, by
 * spare capacity (a simple capacity-aware rule). Idempotent: asked again for the same
 * onboarding it returns the same CSM. Release gives the capacity back when the onboarding
 * completes, and tells the few onboardings waiting longest for a seat (the rosterChanged signal;
 * best effort and bounded: a failed signal never fails the release).
 */
export interface CsmAssignmentActivities {
  tryAssignCsm(request: { onboardingId: string; tier: Tier }): Promise<CsmAssignmentResult>;
  /**
   * The same, but throws (and Temporal retries) while nobody has capacity: what runs started
   * before the csm-capacity-wait patch still call. Not used by new runs.
   */
  assignCsm(request: { onboardingId: string; tier: Tier }): Promise<AssignedCsm>;
  releaseCsm(onboardingId: string): Promise<void>;
}
