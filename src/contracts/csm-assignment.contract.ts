import type { Tier } from '../domain/segment';

export interface AssignedCsm {
  id: string;
  name: string;
  email: string;
}

/**
 * Picks the CSM for an onboarding among those stored in the database who cover its tier, by
 * spare capacity (a simple capacity-aware rule). Idempotent: asked again for the same
 * onboarding it returns the same CSM. Throws, and Temporal retries, while nobody has capacity.
 * Release gives the capacity back when the onboarding completes.
 */
export interface CsmAssignmentActivities {
  assignCsm(request: { onboardingId: string; tier: Tier }): Promise<AssignedCsm>;
  releaseCsm(onboardingId: string): Promise<void>;
}
