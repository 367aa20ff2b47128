import type { OnboardingState } from '../domain/onboarding';

/**
 * The activities the workflow calls to keep PostgreSQL's read model up to date. Declared here
 * (not in activities/) so the workflow depends on the contract, not on the implementation.
 *
 * Every call is idempotent: a write carries the onboarding's (startedAt, revision), and the row
 * only moves forward, so a retried or replayed call changes nothing twice.
 */
export interface ReadModelActivities {
  projectOnboarding(state: OnboardingState): Promise<void>;
}
