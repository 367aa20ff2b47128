/**
 * The cutover saga on the real dev server, with the real HTTP adapter against the bundled
 * sandbox platform: what the legacy and target platforms hold is read back from the sandbox.
 */
import { type WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createCutoverActivities } from '../../activities/cutover.activities';
import {
  CUTOVER_WORKFLOW_TYPE,
  getCutoverStateQuery,
  operatorDecisionUpdate,
  signOffStageUpdate,
} from '../../src/contracts/cutover.contract';
import { CUTOVER_STATUS } from '../../src/contracts/search-attributes';
import { type CutoverInput, type CutoverState, DEFAULT_CUTOVER_PLAN } from '../../src/domain/cutover';
import { type SandboxPlatform, startSandboxPlatform } from '../../src/sandbox/sandbox-platform';
import { freePort } from '../support/free-port';
import { workflowBundle } from '../support/test-env';
import { startTestWorker, type TestWorker } from '../support/test-worker';

jest.setTimeout(120_000);

let sandbox: SandboxPlatform;
let temporal: TestWorker;
const taskQueue = `cutover-test-${Math.random().toString(36).slice(2)}`;

const RECORDS = Array.from({ length: 250 }, (_, i) => ({
  id: `rec-${String(i).padStart(4, '0')}`,
  kind: (['account', 'card', 'payment'] as const)[i % 3],
  data: { n: i, balance: i * 10 },
}));
// Fast retries so failure paths take seconds; production plans keep the defaults.
const PLAN = {
  ...DEFAULT_CUTOVER_PLAN,
  steps: DEFAULT_CUTOVER_PLAN.steps.map((s) =>
    s.healthCheck ? { ...s, healthCheck: { ...s.healthCheck, intervalMs: 10 } } : s,
  ),
  retry: { initialIntervalMs: 50, stepAttempts: 3, compensationAttempts: 3 },
};

beforeAll(async () => {
  sandbox = await startSandboxPlatform({ port: 0 });
  temporal = await startTestWorker((connection) =>
    Worker.create({
      connection,
      taskQueue,
      workflowBundle: workflowBundle(),
      activities: createCutoverActivities({ baseUrl: sandbox.url, timeoutMs: 5_000 }),
    }),
  );
});

afterAll(async () => {
  await temporal?.close();
  await sandbox?.close();
});

beforeEach(() => {
  sandbox.reset();
  sandbox.seed(RECORDS);
});

let attempt = 0;
async function startCutover(mode: CutoverInput['mode'] = 'cutover', plan = PLAN): Promise<WorkflowHandle> {
  attempt += 1;
  const input: CutoverInput = {
    cutoverId: `onboarding-acme:${mode}:${attempt}`,
    onboardingId: 'onboarding-acme',
    attempt,
    mode,
    plan,
  };
  return temporal.client.workflow.start(CUTOVER_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: input.cutoverId,
    args: [input],
  });
}

/** The legacy platform exactly as before the cutover, and nothing left on the target. */
function expectLegacyAsItWas(): void {
  const s = sandbox.state();
  expect(s.legacy).toMatchObject({ frozen: false, count: RECORDS.length });
  expect(s.target.count).toBe(0);
  expect(s.sso).toBe('legacy');
  expect(Object.values(s.flags).every((on) => on === false)).toBe(true);
  expect(s.cohorts).toEqual({ pilot: false, everyone: false });
}

it('cuts over cleanly: every step done, every record on the target once, reconciled', async () => {
  const result: CutoverState = await (await startCutover()).result();
  expect(result.status).toBe('succeeded');
  expect(result.steps.every((s) => s.status === 'done')).toBe(true);
  expect(result.reconciliation).toEqual({ sourceCount: 250, targetCount: 250, accuracy: 1 });
  expect(result.rollbackInvoked).toBe(false);
  const s = sandbox.state();
  expect(s.legacy.frozen).toBe(true);
  expect(s.target.count).toBe(250);
  expect(s.target.stats.overwrites).toBe(0);
  expect(sandbox.target.checksum().sha256).toBe(sandbox.legacy.checksum().sha256);
  expect(s.sso).toBe('target');
  expect(s.flags).toEqual({ 'new-ledger': true, 'card-issuing': true });
  expect(s.cohorts).toEqual({ pilot: true, everyone: true });
  // Each rollout stage was watched before the next opened.
  expect(result.healthChecks!.map((c) => c.step)).toEqual([
    ...Array(3).fill('open-pilot-cohort'),
    ...Array(3).fill('open-to-everyone'),
  ]);
});

it('rolls back when the pilot cohort breaches the error threshold (blast-radius limit)', async () => {
  sandbox.faults.set({ metrics: { errorRate: 0.2 } });
  const result: CutoverState = await (await startCutover()).result();
  expect(result.status).toBe('rolled-back');
  expect(result.failure).toEqual({
    step: 'open-pilot-cohort',
    error: 'Open to the pilot cohort: error rate 20.0% above the 2.0% threshold',
  });
  expect(result.steps.find((s) => s.key === 'open-to-everyone')!.status).toBe('pending');
  expect(result.compensationOrder[0]).toBe('open-pilot-cohort');
  expectLegacyAsItWas();
});

const FAULT_PATH: Record<string, string> = {
  'freeze-legacy-writes': '/legacy/freeze',
  'migrate-records': '/target/records/batch',
  reconcile: '/target/checksum',
  'switch-sso': '/sso/switch',
  'enable-feature-flags': '/flags/card-issuing',
  'open-pilot-cohort': '/cohorts/pilot/open',
  'open-to-everyone': '/cohorts/everyone/open',
};

it.each(PLAN.steps.map((s, i) => [s.key, i] as const))(
  'compensates a failure at %s in exact reverse order and leaves the legacy platform as it was',
  async (key, index) => {
    // Fail the step's call for as long as the step retries; the compensations then succeed.
    sandbox.faults.set({ failStep: { path: FAULT_PATH[key], times: PLAN.retry.stepAttempts, status: 503 } });
    const result: CutoverState = await (await startCutover()).result();

    expect(result.status).toBe('rolled-back');
    expect(result.failure).toMatchObject({ step: key, error: expect.stringContaining('503') });
    expect(result.rollbackInvoked).toBe(true);
    const attempted = PLAN.steps.slice(0, index + 1).map((s) => s.key);
    expect(result.compensationOrder).toEqual([...attempted].reverse());
    expect(result.steps.slice(index + 1).every((s) => s.status === 'pending')).toBe(true);
    expectLegacyAsItWas();
  },
);

describe("a rollout stage that needs its owner's sign-off", () => {
  const SIGNED = {
    ...PLAN,
    steps: PLAN.steps.map((s) => (s.key === 'open-to-everyone' ? { ...s, signOff: { role: 'cs-lead' as const } } : s)),
  };

  it('waits for the named role, refuses anyone else, and goes on once signed off', async () => {
    const handle = await startCutover('cutover', SIGNED);
    const waiting = await waitFor(handle, (s) => s.status === 'awaiting-sign-off');
    expect(waiting.awaitingSignOff).toEqual({ step: 'open-to-everyone', role: 'cs-lead' });
    expect(sandbox.state().cohorts).toEqual({ pilot: true, everyone: true });
    await expect(
      handle.executeUpdate(signOffStageUpdate, {
        args: [{ step: 'open-to-everyone', actor: 'ana', role: 'csm', approve: true }],
      }),
    ).rejects.toThrow();
    await handle.executeUpdate(signOffStageUpdate, {
      args: [{ step: 'open-to-everyone', actor: 'kim', role: 'cs-lead', approve: true }],
    });
    const result: CutoverState = await handle.result();
    expect(result.status).toBe('succeeded');
    expect(result.signOffs).toEqual([{ step: 'open-to-everyone', actor: 'kim', role: 'cs-lead', approve: true }]);
  });

  it('rolls back when the owner refuses', async () => {
    const handle = await startCutover('cutover', SIGNED);
    await waitFor(handle, (s) => s.status === 'awaiting-sign-off');
    await handle.executeUpdate(signOffStageUpdate, {
      args: [{ step: 'open-to-everyone', actor: 'kim', role: 'cs-lead', approve: false, note: 'tickets spiking' }],
    });
    const result: CutoverState = await handle.result();
    expect(result.status).toBe('rolled-back');
    expect(result.failure).toEqual({
      step: 'open-to-everyone',
      error: 'Open to everyone: sign-off refused by kim (tickets spiking)',
    });
    expectLegacyAsItWas();
  });
});

it('stops in needs-operator when a compensation keeps failing, and goes on after an operator decision', async () => {
  sandbox.faults.set({ failStep: { path: '/cohorts/pilot/open', times: PLAN.retry.stepAttempts, status: 503 } });
  const handle = await startCutover();
  await waitFor(handle, (s) => s.steps.find((x) => x.key === 'open-pilot-cohort')!.status === 'running');
  sandbox.faults.set({ failStep: { path: '/sso/switch', times: 99, status: 503 } });

  const stuck = await waitFor(handle, (s) => s.status === 'needs-operator');
  expect(stuck.operatorNeeded).toMatchObject({ step: 'switch-sso', error: expect.stringContaining('503') });
  // Operators find it in the Temporal UI with CutoverStatus = "needs-operator".
  expect((await handle.describe()).typedSearchAttributes.get(CUTOVER_STATUS)).toBe('needs-operator');
  expect(stuck.compensationOrder).toEqual(['open-pilot-cohort', 'enable-feature-flags']);
  expect(sandbox.state().sso).toBe('target');

  await expect(
    handle.executeUpdate(operatorDecisionUpdate, { args: [{ decision: 'maybe' as never, actor: 'ops:kim' }] }),
  ).rejects.toThrow();
  sandbox.faults.set({ failStep: null }); // the operator fixed the SSO provider
  await handle.executeUpdate(operatorDecisionUpdate, {
    args: [{ decision: 'retry', actor: 'ops:kim', note: 'IdP back' }],
  });
  const result: CutoverState = await handle.result();
  expect(result.status).toBe('rolled-back');
  expect((await handle.describe()).typedSearchAttributes.get(CUTOVER_STATUS)).toBe('rolled-back');
  expect(result.compensationOrder).toEqual([
    'open-pilot-cohort',
    'enable-feature-flags',
    'switch-sso',
    'reconcile',
    'migrate-records',
    'freeze-legacy-writes',
  ]);
  expectLegacyAsItWas();
});

it('names the unreachable platform in the error of a rehearsal run while it is down', async () => {
  // A worker of its own, pointed at a port nobody listens on.
  const down = `http://127.0.0.1:${await freePort()}`;
  const queue = `${taskQueue}-down`;
  const downWorker = await Worker.create({
    connection: temporal.workerConnection,
    taskQueue: queue,
    workflowBundle: workflowBundle(),
    activities: createCutoverActivities({ baseUrl: down, timeoutMs: 1_000 }),
  });
  await downWorker.runUntil(async () => {
    attempt += 1;
    const input: CutoverInput = {
      cutoverId: `onboarding-acme:rehearsal:${attempt}`,
      onboardingId: 'onboarding-acme',
      attempt,
      mode: 'rehearsal',
      plan: PLAN,
    };
    const handle = await temporal.client.workflow.start(CUTOVER_WORKFLOW_TYPE, {
      taskQueue: queue,
      workflowId: input.cutoverId,
      args: [input],
    });
    const stuck = await waitFor(handle, (s) => s.status === 'needs-operator');
    const refused = `failed: connect ECONNREFUSED ${down.slice('http://'.length)}`;
    expect(stuck.failure).toEqual({
      step: 'migrate-records',
      error: `GET ${down}/legacy/records?limit=${PLAN.batchSize} ${refused}`,
    });
    expect(stuck.operatorNeeded).toMatchObject({
      step: 'migrate-records',
      error: `POST ${down}/staging/target/purge ${refused}`,
    });
    await handle.terminate('test over');
  });
});

it('resumes a migration that failed half-way from its checkpoint: every record on the target exactly once', async () => {
  sandbox.faults.set({ failAfterRecords: 150 });
  const handle = await startCutover();
  // Let the crash happen, then let the retry through.
  for (let i = 0; i < 200 && sandbox.target.size < 150; i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  sandbox.faults.set({ failAfterRecords: null });
  const result: CutoverState = await handle.result();
  expect(sandbox.counters.get('injectedFailures', 'POST /target/records/batch')).toBe(1);
  expect(result.status).toBe('succeeded');
  expect(sandbox.target.size).toBe(250);
  expect(sandbox.target.checksum().sha256).toBe(sandbox.legacy.checksum().sha256);
  // Only the interrupted batch was sent again, never the ones before the checkpoint.
  expect(sandbox.target.stats.overwrites).toBeLessThanOrEqual(PLAN.batchSize);
});

it('rehearses against the staging target: migrates, reconciles, reports, cleans up, touches nothing live', async () => {
  const result: CutoverState = await (await startCutover('rehearsal')).result();
  expect(result).toMatchObject({
    status: 'succeeded',
    rehearsal: { passed: true, accuracy: 1 },
    rollbackInvoked: false,
  });
  expect(result.steps.map((s) => s.key)).toEqual(['migrate-records', 'reconcile']);
  expect(result.compensationOrder).toEqual(['reconcile', 'migrate-records']);
  const s = sandbox.state();
  expect(s.staging.stats.writes).toBe(250);
  expect(s.staging.count).toBe(0);
  expectLegacyAsItWas();
});

it('reports a failed rehearsal with its reconciliation accuracy when the copy does not match', async () => {
  sandbox.faults.set({ latencyMs: 30 });
  const handle = await startCutover('rehearsal');
  while (sandbox.staging.size === 0) await new Promise((r) => setTimeout(r, 10));
  // A record written on the legacy platform behind the migration's cursor (legacy writes are not frozen in a rehearsal).
  sandbox.legacy.put({ id: 'aaa-late-record', kind: 'payment', data: { late: true } });
  const result: CutoverState = await handle.result();
  expect(result.status).toBe('rolled-back');
  expect(result.rehearsal).toEqual({ passed: false, accuracy: 250 / 251 });
  expect(result.failure).toMatchObject({ step: 'reconcile', error: expect.stringContaining('250 of 251 records') });
  expect(result.reconciliation).toEqual({ sourceCount: 251, targetCount: 250, accuracy: 250 / 251 });
  expect(sandbox.state().staging.count).toBe(0);
});

async function waitFor(handle: WorkflowHandle, predicate: (s: CutoverState) => boolean): Promise<CutoverState> {
  for (let i = 0; i < 400; i++) {
    const state = await handle.query(getCutoverStateQuery);
    if (predicate(state)) return state;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('cutover never reached the expected state');
}
