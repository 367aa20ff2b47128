/**
 * The onboarding workflow on the real time-skipping test server, with the read-model activity
 * mocked: what the workflow answers, how it rejects, what it projects, and target dates over
 * skipped days.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  getStateQuery,
  ONBOARDING_WORKFLOW_TYPE,
  recordMilestoneUpdate,
} from '../../src/contracts/onboarding.contract';
import type { ReadModelActivities } from '../../src/contracts/read-model.contract';
import type { OnboardingState } from '../../src/domain/onboarding';
import { testingExecutable } from '../../src/infra/temporal-binaries';
import { onboardingInput } from '../fixtures/onboarding-input';
import { timeSkippingWorkflowBundle } from '../support/test-env';

const DAY = 24 * 60 * 60 * 1000;
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testingExecutable('temporal-test-server') } });
});

afterAll(async () => {
  await env?.teardown();
});

/** Runs `fn` against a fresh worker whose read-model activity records what it was sent. */
async function withWorker<T>(fn: (projections: OnboardingState[], taskQueue: string) => Promise<T>): Promise<T> {
  const projections: OnboardingState[] = [];
  const activities: ReadModelActivities = {
    async projectOnboarding(state) {
      projections.push(state);
    },
  };
  const taskQueue = `wf-test-${Math.random().toString(36).slice(2)}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: timeSkippingWorkflowBundle(),
    activities,
  });
  return worker.runUntil(fn(projections, taskQueue));
}

async function rejection(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

it('walks a tech-touch onboarding through every stage to completion, projecting each revision', async () => {
  await withWorker(async (projections, taskQueue) => {
    const input = onboardingInput('wf-happy', 'mid-market');
    const handle = await env.client.workflow.start(ONBOARDING_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: input.onboardingId,
      args: [input],
    });
    const milestones = ['first-login', 'initial-setup-complete', 'first-feature-adopted', 'first-value-achieved', 'bau-accepted'];
    const stagesSeen: string[] = [];
    for (const milestone of milestones) {
      const state = await handle.executeUpdate(recordMilestoneUpdate, { args: [{ milestone, actor: 'csm:ana' }] });
      stagesSeen.push(state.status === 'completed' ? 'done' : state.stage.key);
    }
    expect(stagesSeen).toEqual(['technical-setup', 'training', 'adoption', 'handoff-to-bau', 'done']);

    const result: OnboardingState = await handle.result();
    expect(result.status).toBe('completed');
    expect(result.milestones.every((m) => m.achievedAt && m.recordedBy === 'csm:ana')).toBe(true);
    // Every projection moves forward, and the last one is the completed state.
    const revisions = projections.map((p) => p.revision);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    expect(new Set(revisions).size).toBe(revisions.length);
    expect(projections.at(-1)).toMatchObject({ status: 'completed', revision: 6 });
  });
});

it('rejects an unknown or repeated milestone through the validator, leaving the state unchanged', async () => {
  await withWorker(async (_projections, taskQueue) => {
    const input = onboardingInput('wf-reject');
    const handle = await env.client.workflow.start(ONBOARDING_WORKFLOW_TYPE, { taskQueue, workflowId: input.onboardingId, args: [input] });

    const unknown = await rejection(handle.executeUpdate(recordMilestoneUpdate, { args: [{ milestone: 'go-live', actor: 'csm:ana' }] }));
    expect(unknown.type).toBe('UnknownMilestone');
    expect(unknown.message).toContain("'go-live'");

    await handle.executeUpdate(recordMilestoneUpdate, { args: [{ milestone: 'success-criteria-agreed', actor: 'csm:ana' }] });
    const repeated = await rejection(
      handle.executeUpdate(recordMilestoneUpdate, { args: [{ milestone: 'success-criteria-agreed', actor: 'csm:bo' }] }),
    );
    expect(repeated.type).toBe('MilestoneAlreadyRecorded');

    const state = await handle.query(getStateQuery);
    expect(state.revision).toBe(2);
    expect(state.stage.key).toBe('access-environment-data');
    expect(state.milestones.find((m) => m.key === 'success-criteria-agreed')!.recordedBy).toBe('csm:ana');
    await handle.terminate('test done');
  });
});

it('judges "within target" against workflow time, across days skipped by the test server', async () => {
  await withWorker(async (_projections, taskQueue) => {
    const closedWon = new Date(await env.currentTimeMs());
    const input = onboardingInput('wf-late', 'smb', closedWon);
    const handle = await env.client.workflow.start(ONBOARDING_WORKFLOW_TYPE, { taskQueue, workflowId: input.onboardingId, args: [input] });
    // The test server skips no time while a client waits on an update, so move time first.
    await env.sleep(3 * DAY); // self-service target for first login: day 1
    const state = await handle.executeUpdate(recordMilestoneUpdate, { args: [{ milestone: 'first-login', actor: 'product' }] });
    const firstLogin = state.milestones.find((m) => m.key === 'first-login')!;
    expect(Date.parse(firstLogin.achievedAt!) - closedWon.getTime()).toBeGreaterThanOrEqual(3 * DAY);
    expect(firstLogin.withinTarget).toBe(false);
    await handle.terminate('test done');
  });
});
