/**
 * A command the onboarding refuses. The code is stable and mapped to an HTTP status by the API
 * (src/contracts/onboarding-errors.ts); the message names what is wrong.
 */
export type RuleViolationCode =
  | 'InvalidCommand'
  | 'UnknownMilestone'
  | 'MilestoneAlreadyRecorded'
  | 'OnboardingCompleted'
  | 'UnknownTask'
  | 'TaskLocked'
  | 'TaskAlreadyDone'
  | 'UnknownGate'
  | 'GateNotReady'
  | 'GateAlreadyApproved'
  | 'GateApproverNotAllowed'
  | 'GateCriteriaNotMet'
  | 'InvalidRisk'
  | 'UnknownRisk'
  | 'RiskAlreadyResolved'
  | 'UnknownEscalation'
  | 'EscalationAlreadyAcknowledged'
  | 'HandoffAlreadyComplete'
  | 'HandoffIncomplete'
  | 'CutoverNotReady'
  | 'CutoverInProgress'
  | 'NoCutoverPlan'
  | 'CutoverAlreadyDone'
  | 'HypercareNotOver';

export class OnboardingRuleViolation extends Error {
  constructor(
    readonly code: RuleViolationCode,
    message: string,
  ) {
    super(message);
    this.name = 'OnboardingRuleViolation';
  }
}

export function refuse(code: RuleViolationCode, message: string): never {
  throw new OnboardingRuleViolation(code, message);
}
