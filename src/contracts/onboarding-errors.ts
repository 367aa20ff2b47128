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

/** The refusals of the cutover workflow's own updates (operator decisions, stage sign-offs). */
export type CutoverRefusalCode = 'NoDecisionPending' | 'NoSignOffPending' | 'SignOffNotAllowed' | 'InvalidCommand';

export const HTTP_STATUS_BY_CUTOVER_REFUSAL: Record<CutoverRefusalCode, number> = {
  NoDecisionPending: 409,
  NoSignOffPending: 409,
  SignOffNotAllowed: 403,
  InvalidCommand: 400,
};

/** The HTTP status of a workflow's refusal code, or undefined for a code no workflow defines. */
export function httpStatusOfRefusal(code: string | undefined | null): number | undefined {
  if (!code) return undefined;
  return (
    (HTTP_STATUS_BY_VIOLATION as Record<string, number>)[code] ??
    (HTTP_STATUS_BY_CUTOVER_REFUSAL as Record<string, number>)[code]
  );
}
