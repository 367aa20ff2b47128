/**
 * `npm run test:cluster` (not part of `npm test`: it builds and starts a real Temporal cluster).
 * The service in production shape: four Temporal server processes on PostgreSQL persistence and
 * visibility, two worker processes and an API process, driven over HTTP. One worker is killed
 * with SIGKILL in the middle of a cutover's migration; the other carries it to its end, and the
 * target platform holds every legacy record exactly once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { closedWonBody } from '../fixtures/onboarding-input';
import { approveGoLive, authenticated, type AuthenticatedAgent, eventually } from '../support/api-harness';
import { TEMPORAL_SERVICES } from '../../src/infra/temporal-cluster';
import { type ClusterStack, startClusterStack } from './cluster-stack';

jest.setTimeout(300_000);

const log = (line: string) => process.stdout.write(`${line}\n`);
let stack: ClusterStack;
let api: AuthenticatedAgent;
const run = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  stack = await startClusterStack({ workers: 2, log });
  api = authenticated(stack.apiUrl, stack.ownerKey);
}, 600_000);

afterAll(async () => {
  await stack?.stop();
});

/** Polls the onboarding until cutover attempt `n` has ended (succeeded or rolled back). */
const ended = (onboarding: string, n: number, timeoutMs: number) =>
  eventually(async () => {
    const state = (await api.get(onboarding).expect(200)).body;
    const attempt = state.cutovers?.find((c: any) => c.attempt === n);
    return attempt && ['succeeded', 'rolled-back'].includes(attempt.status) ? attempt : undefined;
  }, timeoutMs);

it('runs each Temporal service in a process of its own, on PostgreSQL, with the search attributes registered', async () => {
  const pids = TEMPORAL_SERVICES.map((s) => stack.cluster.services[s].pid);
  expect(new Set(pids).size).toBe(4);
  for (const s of TEMPORAL_SERVICES) expect(stack.cluster.services[s].hasExited()).toBe(false);
  const config = fs.readFileSync(path.join(stack.workDir, 'temporal', 'temporal-server.yaml'), 'utf8');
  expect(JSON.parse(config).persistence.datastores['postgres-visibility'].sql.pluginName).toBe('postgres12');

  const connection = await Connection.connect({ address: stack.cluster.address });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(Object.keys(customAttributes ?? {})).toEqual(
      expect.arrayContaining(['OnboardingTier', 'OnboardingStage', 'OnboardingAtRisk', 'CutoverStatus']),
    );
  } finally {
    await connection.close();
  }
});

it('starts an onboarding through the API, records a milestone, and shows it in the read model and in visibility', async () => {
  const account = `cluster-${run}`;
  const onboarding = `/onboardings/onboarding-${account}`;
  await api.post('/onboardings').send(closedWonBody(account, 'enterprise')).expect(201);
  await eventually(async () => ((await api.get(onboarding)).body.csm ? true : undefined), 60_000);

  const recorded = await api
    .post(`${onboarding}/milestones/success-criteria-agreed`)
    .send({ actor: 'csm:ana' })
    .expect(200);
  expect(recorded.body.milestones.find((m: any) => m.key === 'success-criteria-agreed').achievedAt).toBeDefined();
  const row = await eventually(async () => {
    const res = await api.get('/onboardings').query({ tier: 'high-touch', limit: 500 }).expect(200);
    return res.body.items.find((r: any) => r.id === `onboarding-${account}` && r.revision >= recorded.body.revision);
  }, 60_000);
  expect(row.tier).toBe('high-touch');

  // The custom search attributes are written to PostgreSQL visibility and queryable there.
  const { client, connection } = await stack.temporalClient();
  try {
    const found = await eventually(async () => {
      const ids: string[] = [];
      for await (const w of client.workflow.list({
        query: `OnboardingAccountId = '${account}' AND OnboardingTier = 'high-touch'`,
      }))
        ids.push(w.workflowId);
      return ids.length ? ids : undefined;
    }, 30_000);
    expect(found).toEqual([`onboarding-${account}`]);
  } finally {
    await connection.close();
  }
});

it('carries a cutover to its end when the worker running its migration is killed with SIGKILL half-way', async () => {
  const account = `cluster-cutover-${run}`;
  const onboarding = `/onboardings/onboarding-${account}`;
  const RECORDS = 1_000;
  stack.sandbox.seed(
    Array.from({ length: RECORDS }, (_, i) => ({
      id: `acct-${String(i).padStart(5, '0')}`,
      kind: 'account' as const,
      data: { n: i },
    })),
  );
  await api.post('/onboardings').send(closedWonBody(account, 'enterprise')).expect(201);
  await eventually(async () => ((await api.get(onboarding)).body.csm ? true : undefined), 60_000);
  await approveGoLive(api, onboarding);
  await api.post(`${onboarding}/cutovers`).send({ mode: 'rehearsal', actor: 'impl:lee' }).expect(200);
  expect(await ended(onboarding, 1, 120_000)).toMatchObject({ status: 'succeeded' });

  // Slow batches (100 records each), so the migration is seen in the middle.
  stack.sandbox.faults.set({ latencyMs: 400 });
  await api.post(`${onboarding}/cutovers`).send({ mode: 'cutover', actor: 'impl:lee' }).expect(200);
  // The onboarding starts the cutover as its child: the API answers before it exists.
  const { cutoverId } = await eventually(async () => {
    const res = await api.get(`${onboarding}/cutovers/2`);
    return res.status === 200 && res.body.status !== 'requested' ? res.body : undefined;
  }, 60_000);

  const temporalClient = await stack.temporalClient();
  let killed: (typeof stack.workers)[number];
  let heldAtKill: number;
  try {
    // The worker the server says runs the migration, once it has written some batches and not all.
    killed = await eventually(async () => {
      const { raw } = await temporalClient.client.workflow.getHandle(cutoverId).describe();
      const migration = raw.pendingActivities?.find((a) => a.activityType?.name && a.lastWorkerIdentity);
      const held = stack.sandbox.target.size;
      if (!migration || held < 200 || held >= RECORDS) return undefined;
      const worker = stack.workers.find((w) => w.identity === migration.lastWorkerIdentity);
      if (!worker) throw new Error(`no worker of ours is ${migration.lastWorkerIdentity}`);
      process.kill(worker.server.pid, 'SIGKILL');
      heldAtKill = held;
      return worker;
    }, 60_000);
  } finally {
    await temporalClient.connection.close();
  }
  expect(await killed.server.exited).toBe('was stopped by SIGKILL');
  log(`cutover: killed ${killed.name} (${killed.identity}) with ${heldAtKill!} of ${RECORDS} records on the target`);
  expect(heldAtKill!).toBeLessThan(RECORDS);
  stack.sandbox.faults.set({ latencyMs: null });

  // The server gives up on the dead worker after the plan's heartbeat timeout (60 s), and the
  // other worker resumes the migration from the last checkpoint it heard of.
  const attempt = await ended(onboarding, 2, 240_000);
  expect(attempt).toMatchObject({
    status: 'succeeded',
    reconciliation: { sourceCount: RECORDS, targetCount: RECORDS, accuracy: 1 },
  });
  const survivor = stack.workers.find((w) => w !== killed)!;
  expect(survivor.server.hasExited()).toBe(false);
  // Nothing missing, nothing written twice: the same records with the same contents, and no
  // record stored again (a batch resent under its idempotency key is replayed, not written).
  expect(stack.sandbox.target.size).toBe(RECORDS);
  expect(stack.sandbox.target.checksum().sha256).toBe(stack.sandbox.legacy.checksum().sha256);
  expect(stack.sandbox.target.stats.overwrites).toBe(0);
  // The history: the migration's retry, after the dead worker's heartbeat timed out, ran on the survivor.
  const { client, connection } = await stack.temporalClient();
  try {
    const { events } = await client.workflow.getHandle(cutoverId).fetchHistory();
    const retries = events!
      .map((e) => e.activityTaskStartedEventAttributes)
      .filter((a) => a?.lastFailure?.timeoutFailureInfo);
    expect(retries).toHaveLength(1);
    expect(retries[0]!.lastFailure!.timeoutFailureInfo!.timeoutType).toBe(
      temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT,
    );
    expect(retries[0]!.identity).toBe(survivor.identity);
  } finally {
    await connection.close();
  }
  log(
    `cutover: ${attempt.status} on ${survivor.name}; target ${stack.sandbox.target.size} records, ${stack.sandbox.target.stats.overwrites} overwritten`,
  );
});
