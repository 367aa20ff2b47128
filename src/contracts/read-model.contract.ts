import type { OnboardingState } from '../domain/onboarding';
import type { AuditEntry } from '../domain/outbox';
import type { WaitingOn } from '../domain/waiting-on';

/** What the read model stores of an onboarding: its state plus what is derived for filtering. */
export interface OnboardingProjection {
  state: Omit<OnboardingState, 'outbox'>;
  waitingOn: WaitingOn;
  atRiskReasons: string[];
}

/**
 * The activities the workflow calls to keep PostgreSQL up to date. Declared here (not in
 * activities/) so the workflow depends on the contract, not on the implementation.
 *
 * Every call is idempotent: a projection carries the onboarding's (startedAt, revision) and the
 * row only moves forward; audit entries are keyed by (onboarding, seq). A retried or replayed
 * call changes nothing twice.
 */
export interface ReadModelActivities {
  projectOnboarding(projection: OnboardingProjection): Promise<void>;
  appendAudit(onboardingId: string, entries: AuditEntry[]): Promise<void>;
  /**
   * What one pass of the workflow owes the database, in one transaction: its audit entries and,
   * when the state moved on, its projection. Run as a local activity, so neither travels in the
   * history; as idempotent as the two calls it replaces.
   */
  recordOnboardingPass(pass: OnboardingPassRecords): Promise<void>;
}

export interface OnboardingPassRecords {
  onboardingId: string;
  audit: AuditEntry[];
  projection?: OnboardingProjection;
}
