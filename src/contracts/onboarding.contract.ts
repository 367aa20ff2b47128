import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { OnboardingState, RecordMilestoneCommand } from '../domain/onboarding';

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

export const getStateQuery = defineQuery<OnboardingState>('getState');

export const recordMilestoneUpdate = defineUpdate<OnboardingState, [RecordMilestoneCommand]>('recordMilestone');
