import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CutoverOutcome } from '../domain/cutover';
import type {
  AcknowledgeEscalationCommand,
  ApproveGateCommand,
  CompleteHandoffCommand,
  CompleteTaskCommand,
  RecordMilestoneCommand,
  RecordRiskCommand,
  RequestCutoverCommand,
  ResolveRiskCommand,
  SetCohortCommand,
} from '../domain/commands';
import type { OnboardingState } from '../domain/onboarding';
import type { WaitingOn } from '../domain/waiting-on';

/**
 * The one place where the onboarding workflow's name, task queue, id scheme, queries and
 * updates are defined. The API and the workflow both import these, so they cannot drift.
 */
export const ONBOARDING_WORKFLOW_TYPE = 'onboardingWorkflow';
export const DEFAULT_TASK_QUEUE = 'onboarding';

/**
 * One onboarding per CRM account: the id is derived from the account id, so a repeated
 * closed-won call finds the running onboarding instead of starting a second one. Account ids
 * are CRM identifiers, not personal data, so they may appear in ids and search attributes.
 */
export function onboardingIdForAccount(accountId: string): string {
  return `onboarding-${accountId}`;
}

/** The state as callers see it: without the outbox, with what it waits on and why it is at risk. */
export type OnboardingView = Omit<OnboardingState, 'outbox'> & {
  waitingOn: WaitingOn;
  atRisk: boolean;
  atRiskReasons: string[];
  timeToValueDays: number | null;
};

export const getStateQuery = defineQuery<OnboardingView>('getState');

// Updates, not signals: the caller learns at once whether the change was accepted.
export const recordMilestoneUpdate = defineUpdate<OnboardingView, [RecordMilestoneCommand]>('recordMilestone');
export const completeTaskUpdate = defineUpdate<OnboardingView, [CompleteTaskCommand]>('completeTask');
export const approveGateUpdate = defineUpdate<OnboardingView, [ApproveGateCommand]>('approveGate');
export const recordRiskUpdate = defineUpdate<OnboardingView, [RecordRiskCommand]>('recordRisk');
export const resolveRiskUpdate = defineUpdate<OnboardingView, [ResolveRiskCommand]>('resolveRisk');
export const completeHandoffUpdate = defineUpdate<OnboardingView, [CompleteHandoffCommand]>('completeHandoff');
export const acknowledgeEscalationUpdate = defineUpdate<OnboardingView, [AcknowledgeEscalationCommand]>(
  'acknowledgeEscalation',
);
export const requestCutoverUpdate = defineUpdate<OnboardingView, [RequestCutoverCommand]>('requestCutover');
export const setCohortUpdate = defineUpdate<OnboardingView, [SetCohortCommand]>('setCohort');

/** Sent by a cutover child to its onboarding when it ends (a signal reaches the latest run, even after continue-as-new). */
export const cutoverFinishedSignal = defineSignal<[CutoverOutcome]>('cutoverFinished');

/** Sent by a cutover child when it starts or stops waiting for an operator, so the onboarding shows it. */
export const cutoverStatusSignal =
  defineSignal<[{ cutoverId: string; status: 'running' | 'needs-operator' }]>('cutoverStatus');

/**
 * The CSM roster changed (a CSM added or reactivated, a capacity raised, a seat freed): an
 * onboarding waiting on csm-assignment tries again at once. Sent by the roster API and by the
 * release of a CSM to every run found by WAITING_FOR_CSM_QUERY; others ignore it.
 */
export const rosterChangedSignal = defineSignal<[]>('rosterChanged');

/** Visibility query for the onboardings waiting for a CSM with a free seat. */
export const WAITING_FOR_CSM_QUERY = `WorkflowType = '${ONBOARDING_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' AND OnboardingWaitingOn = 'csm-assignment'`;
