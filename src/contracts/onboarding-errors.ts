import type { RuleViolationCode } from '../domain/onboarding-rule-violation';

/**
 * Workflows reject commands with an ApplicationFailure whose `type` is one of these codes; the
 * API turns the code into an HTTP status. Unknown codes are treated as server errors.
 */
export const HTTP_STATUS_BY_VIOLATION: Record<RuleViolationCode, number> = {
  InvalidCommand: 400,
  UnknownMilestone: 404,
  MilestoneAlreadyRecorded: 409,
  OnboardingCompleted: 409,
};
