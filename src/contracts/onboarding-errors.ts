import type { RuleViolationCode } from '../domain/onboarding-rule-violation';

/**
 * Workflows reject commands with an ApplicationFailure whose `type` is one of these codes; the
 * API turns the code into an HTTP status. Unknown codes are treated as server errors.
 */
export const HTTP_STATUS_BY_VIOLATION: Record<RuleViolationCode, number> = {
  InvalidCommand: 400,
  InvalidRisk: 400,
  GateApproverNotAllowed: 403,
  UnknownMilestone: 404,
  UnknownTask: 404,
  UnknownGate: 404,
  UnknownRisk: 404,
  UnknownEscalation: 404,
  MilestoneAlreadyRecorded: 409,
  OnboardingCompleted: 409,
  TaskLocked: 409,
  TaskAlreadyDone: 409,
  GateNotReady: 409,
  GateAlreadyApproved: 409,
  RiskAlreadyResolved: 409,
  EscalationAlreadyAcknowledged: 409,
  HandoffAlreadyComplete: 409,
  HandoffIncomplete: 409,
  CutoverNotReady: 409,
  CutoverInProgress: 409,
  NoCutoverPlan: 409,
  CutoverAlreadyDone: 409,
  HypercareNotOver: 409,
  GateCriteriaNotMet: 422,
};
