/**
 * The requirement, with a real crash: a worker process (the real entry, dist/worker/main.js,
 * as users run it) is killed with SIGKILL in the middle of a migration; a second worker process
 * resumes the migration from the last checkpoint the server holds, and the target holds each
 * legacy record exactly once. Real dev server and database, the bundled sandbox platform.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Client, type Connection, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { CUTOVER_WORKFLOW_TYPE, type CutoverOperationRequest } from '../../src/contracts/cutover.contract';
import { type CutoverInput, type CutoverPlan, type CutoverState, DEFAULT_CUTOVER_PLAN } from '../../src/domain/cutover';
import { type SandboxPlatform, startSandboxPlatform } from '../../src/sandbox/sandbox-platform';
import { connectClient } from '../../src/infra/temporal-connection';
import { testEnv, testPayloadCodec } from '../support/test-env';

jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../..');
const entry = path.join(root, 'dist/worker/main.js');
const taskQueue = `cutover-kill-test-${Math.random().toString(36).slice(2)}`;

const RECORDS = Array.from({ length: 250 }, (_, i) => ({
  id: `rec-${String(i).padStart(4, '0')}`,
  kind: (['account', 'card', 'payment'] as const)[i % 3],
  data: { n: i, balance: i * 10 },
}));
// Small batches so the kill lands between checkpoints; a 2 s heartbeat timeout so the server
// gives up on the dead worker in seconds (production plans wait a minute); one health reading
// per rollout stage (each wait between readings is a timer of about a second on the dev server).
const PLAN: CutoverPlan = {
  ...DEFAULT_CUTOVER_PLAN,
  steps: DEFAULT_CUTOVER_PLAN.steps.map((s) =>
    s.healthCheck ? { ...s, healthCheck: { ...s.healthCheck, checks: 1 } } : s,
  ),
  batchSize: 25,
  retry: { initialIntervalMs: 50, stepAttempts: 3, compensationAttempts: 3, heartbeatTimeoutMs: 2_000 },
};

let sandbox: SandboxPlatform;
let connection: Connection;
let client: Client;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: npm test builds it (npm run build)`);
  sandbox = await startSandboxPlatform({ port: 0 });
  sandbox.seed(RECORDS);
  ({ client, connection } = await connectClient(testEnv('temporalAddress'), 'default', testPayloadCodec()));
});

afterAll(async () => {
  // Also after a failed assertion: no worker process outlives the test.
  await Promise.all(children.map(stop));
  await connection?.close();
  await sandbox?.close();
});

interface WorkerProcess {
  child: ChildProcess;
  /** What the worker reports as its identity in the history (the SDK's default, pid@host). */
  identity: string;
}

/** Starts the real worker entry against this run's servers; resolves once it polls the task queue. */
function startWorker(): Promise<WorkerProcess> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: testEnv('databaseUrl'),
    TEMPORAL_ADDRESS: testEnv('temporalAddress'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    MIGRATION_PLATFORM_URL: sandbox.url,
    // The real worker refuses to start against a cluster without keys: the run's, as the client's.
    PAYLOAD_ENCRYPTION_KEYS: testEnv('payloadKeys'),
    PAYLOAD_ENCRYPTION_KEY_ID: testEnv('payloadKeyId'),
  };
  const child = spawn(process.execPath, [entry], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    // It bundles the workflow code at start: seconds on a slow machine.
    const timer = setTimeout(() => reject(new Error(`worker not polling after 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`worker polling task queue '${taskQueue}'`)) {
        clearTimeout(timer);
        resolve({ child, identity: `${child.pid}@${os.hostname()}` });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${signal ?? code}) before it polled:\n${output}`));
    });
  });
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.signalCode ?? child.exitCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
}

/** SIGTERM (the runtime drains the worker), SIGKILL if it has not exited 10 s later. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}

async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Batches the target has answered (written, or replayed for a key it had seen); a call still held back by latency is not one. */
function batchesAnswered(): number {
  return (
    sandbox.counters.get('executed', 'POST /target/records/batch') +
    sandbox.counters.get('replayed', 'POST /target/records/batch')
  );
}

/** The running migration as the server sees it: its attempt, worker, and last checkpoint received. */
async function pendingMigration(handle: WorkflowHandle) {
  const { raw } = await handle.describe();
  const activity = raw.pendingActivities?.find((a) => a.heartbeatDetails?.payloads?.length);
  if (!activity) return undefined;
  // Heartbeat details are payloads: encrypted like the rest (the raw answer is not decoded).
  const [details] = await testPayloadCodec().decode([activity.heartbeatDetails!.payloads![0] as Payload]);
  const checkpoint = defaultPayloadConverter.fromPayload<{ after: string; migrated: number }>(details);
  return { attempt: activity.attempt!, identity: activity.lastWorkerIdentity!, ...checkpoint };
}

it('resumes a migration whose worker process was killed half-way from its checkpoint: every record on the target exactly once', async () => {
  const first = await startWorker();
  // Slow enough that the test sees the migration's progress batch by batch.
  sandbox.faults.set({ latencyMs: 50 });
  const input: CutoverInput = {
    cutoverId: 'onboarding-acme:cutover:1',
    onboardingId: 'onboarding-acme',
    attempt: 1,
    mode: 'cutover',
    plan: PLAN,
  };
  const handle = await client.workflow.start(CUTOVER_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: input.cutoverId,
    args: [input],
  });

  await until('two batches on the target', () => (sandbox.target.size >= 2 * PLAN.batchSize ? true : undefined));
  // The platform stops answering (for longer than the test): the worker waits in a call, where a
  // crash usually finds it, while its last checkpoint reaches the server (the SDK sends heartbeats
  // at most every 80% of the heartbeat timeout). It is killed once the server's checkpoint covers
  // every record on the target, within the heartbeat timeout, before the server retries on its own.
  sandbox.faults.set({ latencyMs: 60_000 });
  const atKill = await until('the server holding the checkpoint of every record on the target', async () => {
    const migration = await pendingMigration(handle);
    if (migration && migration.attempt !== 1)
      throw new Error(`migration retried before the kill: ${JSON.stringify(migration)}`);
    // Read and kill in one go: no sandbox write can come in between.
    const held = sandbox.target.size;
    if (migration?.migrated !== held) return undefined;
    first.child.kill('SIGKILL');
    return { ...migration, held, batchesAnswered: batchesAnswered() };
  });
  expect(await exited(first.child)).toBe('SIGKILL');
  sandbox.faults.set({ latencyMs: null });

  // Killed in the middle of the migration it was running: more than a batch on the target (a
  // restart from the start would send more again than a resume may), not every record.
  expect(atKill.identity).toBe(first.identity);
  expect(atKill.held).toBeGreaterThan(PLAN.batchSize);
  expect(atKill.held).toBeLessThan(RECORDS.length);
  expect(atKill.after).toBe(RECORDS[atKill.held - 1].id);

  const second = await startWorker();
  // About 10 s longer than the migration needs: the next workflow task goes to the dead worker's
  // sticky queue first and reaches the second worker after its schedule-to-start timeout.
  const result: CutoverState = await handle.result();

  expect(result.status).toBe('succeeded');
  expect(result.steps.every((s) => s.status === 'done')).toBe(true);
  expect(result.reconciliation).toEqual({ sourceCount: 250, targetCount: 250, accuracy: 1 });
  expect(sandbox.target.size).toBe(RECORDS.length);
  expect(sandbox.target.checksum().sha256).toBe(sandbox.legacy.checksum().sha256);
  // Resumed from the checkpoint: at most the interrupted batch was sent again, never the ones
  // before it. A batch sent again under its idempotency key is replayed, not written, so the
  // overwrites alone would not tell a resume from a restart; the batches sent after the kill do.
  expect(sandbox.target.stats.overwrites).toBeLessThanOrEqual(PLAN.batchSize);
  const batchesLeft = Math.ceil((RECORDS.length - atKill.migrated) / PLAN.batchSize);
  expect(batchesAnswered() - atKill.batchesAnswered).toBeLessThanOrEqual(batchesLeft + 1);

  // The history: the migration's second attempt, after the first one's heartbeat timed out, ran on the second worker.
  const { events } = await handle.fetchHistory();
  // fetchHistory() gives the payloads as stored: decrypted here.
  const codec = testPayloadCodec();
  const operations = await Promise.all(
    events!.map(async (e) => {
      const payload = e.activityTaskScheduledEventAttributes?.input?.payloads?.[0];
      if (!payload) return undefined;
      const [decoded] = await codec.decode([payload as Payload]);
      return defaultPayloadConverter.fromPayload<CutoverOperationRequest>(decoded).operation;
    }),
  );
  const scheduled = events![operations.indexOf('records.migrate')];
  const started = events!.find(
    (e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled.eventId),
  )!;
  expect(Number(scheduled.activityTaskScheduledEventAttributes!.heartbeatTimeout!.seconds)).toBe(
    PLAN.retry.heartbeatTimeoutMs! / 1000,
  );
  const { attempt, identity, lastFailure } = started.activityTaskStartedEventAttributes!;
  expect(attempt).toBe(2);
  expect(lastFailure?.timeoutFailureInfo?.timeoutType).toBe(temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
  expect(identity).toBe(second.identity);
  expect(
    events!.some((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(scheduled.eventId)),
  ).toBe(true);
});
