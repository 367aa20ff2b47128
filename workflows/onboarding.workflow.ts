import {
  ApplicationFailure,
  condition,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { getStateQuery, recordMilestoneUpdate } from '../src/contracts/onboarding.contract';
import type { ReadModelActivities } from '../src/contracts/read-model.contract';
import { STAGE, STATUS } from '../src/contracts/search-attributes';
import {
  checkRecordMilestone,
  OnboardingInput,
  OnboardingState,
  recordMilestone,
  startOnboarding,
} from '../src/domain/onboarding';
import { OnboardingRuleViolation } from '../src/domain/onboarding-rule-violation';

const readModel = proxyActivities<ReadModelActivities>({
  startToCloseTimeout: '30 seconds',
  // The read model may be down for a while; keep trying, the onboarding itself goes on.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * One customer onboarding, interpreting the playbook it was started with. Temporal holds the
 * live state; each accepted change is projected to PostgreSQL by an idempotent activity.
 */
export async function onboardingWorkflow(input: OnboardingInput): Promise<OnboardingState> {
  let state = startOnboarding(input, new Date());
  let projectedRevision = 0;

  setHandler(getStateQuery, () => state);

  setHandler(
    recordMilestoneUpdate,
    (command) => {
      state = asFailure(() => recordMilestone(state, input.playbook.stages, command, new Date()));
      publish(state);
      return state;
    },
    // Synchronous on purpose: an async validator's rejection is never seen.
    { validator: (command) => asFailure(() => checkRecordMilestone(state, command, new Date())) },
  );

  publish(state);
  // Project in the main loop rather than in handlers: one write at a time, bursts coalesce,
  // and a slow database never delays the answer to a CSM's update.
  for (;;) {
    await condition(() => state.revision > projectedRevision);
    const snapshot = state;
    await readModel.projectOnboarding(snapshot);
    projectedRevision = snapshot.revision;
    if (snapshot.status === 'completed') return snapshot;
  }
}

/** Surfaces the state to operators: search attributes for filtering, details for the UI. */
function publish(state: OnboardingState): void {
  upsertSearchAttributes([
    { key: STAGE, value: state.stage.key },
    { key: STATUS, value: state.status },
  ]);
  const pending = state.milestones.filter((m) => !m.achievedAt).map((m) => m.key);
  setCurrentDetails(
    `**${state.status}**, stage *${state.stage.name}* since ${state.stage.enteredAt}` +
      (pending.length ? `\n\nMilestones to go: ${pending.join(', ')}` : ''),
  );
}

/**
 * Domain rules throw OnboardingRuleViolation; Temporal only rejects an update cleanly on an
 * ApplicationFailure (anything else fails the workflow task and retries forever).
 */
function asFailure<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof OnboardingRuleViolation) {
      throw ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: true });
    }
    throw err;
  }
}
