/**
 * Bounded waits with real processes: this file runs its own Temporal dev server and PostgreSQL
 * (so pausing them disturbs no other test), a worker and the API with a 2 s dependency deadline.
 * Each dependency is paused with SIGSTOP (sockets stay open, nothing answers); every kind of API
 * call must answer within the deadline plus a margin, and after SIGCONT nothing that was accepted
 * is lost, and a command whose outcome was unknown is settled by its retry, once.
 */
import type { INestApplication } from '@nestjs/common';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type request from 'supertest';
import { DataSource } from 'typeorm';
import { CHANGE_FEED } from '../../api/common/change-feed.module';
import { createApp } from '../../api/create-app';
import type { ChangeListener } from '../../src/persistence/change-listener';
import { loadSettings } from '../../src/config/settings';
import { connectClient, connectWorker } from '../../src/infra/temporal-connection';
import { startTemporalDevServer, type TemporalDevServerHandle } from '../../src/infra/temporal-dev-server';
import { PRINCIPAL_ROLES } from '../../src/domain/principal-roles';
import { ApiKeyStore } from '../../src/persistence/api-key-store';
import { upsertCsms } from '../../src/persistence/csm-roster';
import { dataSourceOptions, migrate } from '../../src/persistence/data-source';
import { createOnboardingWorker } from '../../worker/create-worker';
import { closedWonBody, TEST_CSMS } from '../fixtures/onboarding-input';
import { authenticated, type AuthenticatedAgent, eventually } from '../support/api-harness';
import { freePort } from '../support/free-port';
import { type PostgresProcess, startPostgresProcess } from '../support/postgres-process';
import { pidsWithCommandLine, postmasterPid, processTree, whilePaused } from '../support/process-tree';
import { type SmtpInbox, startSmtpInbox } from '../support/smtp-inbox';
import { workflowBundle, testPayloadCodec } from '../support/test-env';

const DEADLINE_MS = 2_000;
/** Scheduling on a loaded 2-core machine, and pg's client-side limit trailing the server's. */
const MARGIN_MS = 1_500;

jest.setTimeout(180_000);

let workDir: string;
let postgres: PostgresProcess | undefined;
let temporal: TemporalDevServerHandle | undefined;
let workerConnection: NativeConnection | undefined;
let worker: Worker | undefined;
let running: Promise<void> | undefined;
let workerDb: DataSource | undefined;
let clientConnection: Connection | undefined;
let client: Client;
let app: INestApplication | undefined;
let inbox: SmtpInbox | undefined;
let http: ReturnType<INestApplication['getHttpServer']>;
/** Calls with a key holding every role. */
let api: AuthenticatedAgent;
const started = Date.now();
const timings: Record<string, number> = {};
const run = Math.random().toString(36).slice(2, 8);
const onboardingId = `onboarding-outage-${run}`;
const at = (suffix: string) => `/onboardings/${onboardingId}${suffix}`;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-outage-'));
  fs.chmodSync(workDir, 0o755); // PostgreSQL runs as its own user and must reach its folder
  postgres = await startPostgresProcess({
    dataDir: path.join(workDir, 'postgres'),
    port: await freePort(),
    database: 'outage',
  });
  await migrate(postgres.url);
  temporal = await startTemporalDevServer({
    dataDir: path.join(workDir, 'temporal'),
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
  });

  workerDb = await new DataSource(dataSourceOptions(postgres.url)).initialize();
  await upsertCsms(workerDb, TEST_CSMS);
  inbox = await startSmtpInbox();
  const taskQueue = `outage-${run}`;
  workerConnection = (await connectWorker(temporal.address, 'default')).connection;
  worker = await createOnboardingWorker({
    connection: workerConnection,
    namespace: 'default',
    taskQueue,
    dataSource: workerDb,
    maxCachedWorkflows: 10,
    workflowBundle: workflowBundle(),
    notifications: { ...loadSettings({}), smtpUrl: inbox.url },
    migrationPlatformUrl: 'http://127.0.0.1:9', // no cutover runs here
    payloadCodec: testPayloadCodec(),
  });
  running = worker.run();

  const connected = await connectClient(temporal.address, 'default', testPayloadCodec());
  client = connected.client;
  clientConnection = connected.connection;
  app = await createApp({
    databaseUrl: postgres.url,
    temporalClient: client,
    taskQueue,
    logger: false,
    dependencyTimeoutMs: DEADLINE_MS,
    // A state read waits this long for the workflow, then the read model answers, within the deadline.
    liveStateTimeoutMs: DEADLINE_MS / 2,
    // Heartbeats this often: the change listener notices a paused database within a second.
    changeFeed: { heartbeatMs: 250 },
  });
  await app.init();
  http = app.getHttpServer();
  const owner = await new ApiKeyStore(workerDb).create({ name: 'outage owner', roles: [...PRINCIPAL_ROLES] });
  api = authenticated(http, owner.key);

  await api
    .post('/onboardings')
    .send(closedWonBody(`outage-${run}`, 'mid-market'))
    .expect(201);
  const before = await api
    .post(at('/milestones/first-login'))
    .set('Idempotency-Key', `before-${run}`)
    .send({ actor: 'csm:ana' })
    .expect(200);
  // The read model has caught up, so what it serves during an outage can be checked.
  await eventually(async () => {
    const res = await api.get('/onboardings').expect(200);
    return res.body.items.find((r: any) => r.id === onboardingId && r.revision >= before.body.revision);
  }, 30_000);
});

afterAll(async () => {
  await app?.close();
  worker?.shutdown();
  await running;
  await workerConnection?.close();
  await clientConnection?.close();
  await workerDb?.destroy();
  await inbox?.close();
  await temporal?.stop();
  await postgres?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
  console.log(
    `dependency outage test: ${Date.now() - started} ms; API answers while paused (ms): ${JSON.stringify(timings)}`,
  );
});

/** The dev server: the process whose command line holds its own SQLite file, and its children. */
const temporalProcesses = () =>
  pidsWithCommandLine(path.join(workDir, 'temporal', 'temporal.sqlite')).flatMap((pid) => processTree(pid));
/** The postmaster alone keeps no backend from answering: stop the whole tree. */
const postgresProcesses = () => processTree(postmasterPid(path.join(workDir, 'postgres')));

/** Sends the call, records how long the answer took, and checks it came within the deadline. */
async function timed(name: string, call: () => request.Test): Promise<request.Response> {
  const t0 = Date.now();
  const res = await call();
  timings[name] = Date.now() - t0;
  if (timings[name] >= DEADLINE_MS + MARGIN_MS) throw new Error(`${name} answered after ${timings[name]} ms`);
  return res;
}

function expectUnavailable(res: request.Response, code: 'DependencyUnavailable' | 'OutcomeUnknown') {
  expect({ status: res.status, code: res.body.code }).toEqual({ status: 503, code });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

async function auditEntries(milestone: string): Promise<unknown[]> {
  const res = await api.get(at('/audit')).expect(200);
  return res.body.entries.filter((e: any) => e.action === 'milestone-recorded' && e.details.milestone === milestone);
}

it('answers within the deadline while Temporal is paused: 503 for what needs it, the read model for the rest; nothing is lost', async () => {
  const newAccount = `outage-new-${run}`;
  const [start, command, live, list, audit, playbooks, segmentation, health] = await whilePaused(
    temporalProcesses,
    () =>
      Promise.all([
        timed('temporal: POST /onboardings', () =>
          api.post('/onboardings').set('Idempotency-Key', `start-${run}`).send(closedWonBody(newAccount, 'smb')),
        ),
        timed('temporal: POST milestone', () =>
          api
            .post(at('/milestones/initial-setup-complete'))
            .set('Idempotency-Key', `during-temporal-${run}`)
            .send({ actor: 'csm:ana' }),
        ),
        timed('temporal: GET /onboardings/:id', () => api.get(at(''))),
        timed('temporal: GET /onboardings', () => api.get('/onboardings')),
        timed('temporal: GET audit', () => api.get(at('/audit'))),
        timed('temporal: GET /playbooks', () => api.get('/playbooks')),
        timed('temporal: GET /segmentation', () => api.get('/segmentation')),
        timed('temporal: GET /health', () => api.get('/health')),
      ]),
  );
  expectUnavailable(start, 'OutcomeUnknown');
  expectUnavailable(command, 'OutcomeUnknown');
  // No worker can answer a query while the server is paused: the read model answers, marked.
  expect({ status: live.status, source: live.headers['onboarding-state-source'] }).toEqual({
    status: 200,
    source: 'read-model',
  });
  expect(live.body).toMatchObject({ onboardingId, stateSource: { kind: 'read-model', revision: expect.any(Number) } });
  expect(live.body.milestones.find((m: any) => m.key === 'first-login').achievedAt).toEqual(expect.any(String));
  expect(list.status).toBe(200);
  expect(list.body.items.map((r: any) => r.id)).toContain(onboardingId);
  expect(audit.status).toBe(200);
  expect(playbooks.status).toBe(200);
  expect(segmentation.status).toBe(200);
  expect(health.status).toBe(503);
  expect(Number(health.headers['retry-after'])).toBeGreaterThan(0);
  expect(health.body.details).toMatchObject({ temporal: { status: 'down' }, database: { status: 'up' } });

  // Resumed: the retries under the same keys settle both unknown outcomes, each applied once.
  const resumed = Date.now();
  const settled = await eventually(async () => {
    const res = await api
      .post(at('/milestones/initial-setup-complete'))
      .set('Idempotency-Key', `during-temporal-${run}`)
      .send({ actor: 'csm:ana' });
    return res.status === 200 ? res : undefined;
  }, 30_000);
  timings['temporal: resumed until the retry settled'] = Date.now() - resumed;
  expect(settled.body.milestones.filter((m: any) => m.achievedAt).map((m: any) => m.key)).toEqual([
    'first-login',
    'initial-setup-complete',
  ]);
  const restarted = await api
    .post('/onboardings')
    .set('Idempotency-Key', `start-${run}`)
    .send(closedWonBody(newAccount, 'smb'));
  expect([200, 201]).toContain(restarted.status);
  expect(restarted.body).toMatchObject({ onboardingId: `onboarding-${newAccount}`, tier: 'self-service' });
  // One run of it (visibility trails a moment behind the start).
  const runs = await eventually(async () => {
    let count = 0;
    for await (const _ of client.workflow.list({ query: `WorkflowId = "onboarding-${newAccount}"` })) count++;
    return count > 0 ? count : undefined;
  });
  expect(runs).toBe(1);
  await eventually(async () => ((await auditEntries('initial-setup-complete')).length > 0 ? true : undefined), 30_000);
  expect(await auditEntries('initial-setup-complete')).toHaveLength(1);
  expect(await auditEntries('first-login')).toHaveLength(1);
});

it('answers within the deadline while PostgreSQL is paused: 503 for what needs it, live state from Temporal; nothing is lost', async () => {
  const listener = app!.get<ChangeListener>(CHANGE_FEED);
  const [list, audit, playbooks, keyed, unkeyed, live, start, health] = await whilePaused(
    postgresProcesses,
    async () => {
      // Until its heartbeat is overdue the listener vouches for the cached playbooks, and a start
      // needs no database; once it has noticed, a start reads PostgreSQL, which is what this checks.
      await eventually(async () => (listener.isLive ? undefined : true));
      return Promise.all([
        timed('postgres: GET /onboardings', () => api.get('/onboardings')),
        timed('postgres: GET audit', () => api.get(at('/audit'))),
        timed('postgres: GET /playbooks', () => api.get('/playbooks')),
        // The key's record cannot be claimed: refused before anything runs.
        timed('postgres: POST milestone with a key', () =>
          api
            .post(at('/milestones/first-value-achieved'))
            .set('Idempotency-Key', `during-postgres-${run}`)
            .send({ actor: 'csm:ana' }),
        ),
        // Without a key nothing needs the database: Temporal accepts it, the projection follows later.
        timed('postgres: POST milestone without a key', () =>
          api.post(at('/milestones/first-feature-adopted')).send({ actor: 'csm:ana' }),
        ),
        timed('postgres: GET /onboardings/:id', () => api.get(at(''))),
        timed('postgres: POST /onboardings', () =>
          api.post('/onboardings').send(closedWonBody(`outage-pg-${run}`, 'smb')),
        ),
        timed('postgres: GET /health', () => api.get('/health')),
      ]);
    },
  );
  expectUnavailable(list, 'DependencyUnavailable');
  expectUnavailable(audit, 'DependencyUnavailable');
  expectUnavailable(playbooks, 'DependencyUnavailable');
  expectUnavailable(keyed, 'DependencyUnavailable');
  expectUnavailable(start, 'DependencyUnavailable');
  expect(unkeyed.status).toBe(200);
  expect(live.status).toBe(200);
  expect(health.status).toBe(503);
  expect(health.body.details).toMatchObject({ database: { status: 'down' }, temporal: { status: 'up' } });

  const resumed = Date.now();
  // A claim that reached the database just as it paused holds the key for its lease (409 meanwhile).
  const retried = await eventually(async () => {
    const res = await api
      .post(at('/milestones/first-value-achieved'))
      .set('Idempotency-Key', `during-postgres-${run}`)
      .send({ actor: 'csm:ana' });
    return res.status === 200 ? res : undefined;
  }, 30_000);
  timings['postgres: resumed until the retry settled'] = Date.now() - resumed;
  expect(retried.body.milestones.find((m: any) => m.key === 'first-value-achieved').achievedAt).toEqual(
    expect.any(String),
  );
  // The milestone Temporal accepted while the database was paused reaches the read model.
  await eventually(async () => ((await auditEntries('first-value-achieved')).length > 0 ? true : undefined), 60_000);
  expect(await auditEntries('first-feature-adopted')).toHaveLength(1);
  expect(await auditEntries('first-value-achieved')).toHaveLength(1);
  const row = await eventually(async () => {
    const res = await api.get('/onboardings').expect(200);
    const found = res.body.items.find((r: any) => r.id === onboardingId);
    return found?.revision >= retried.body.revision ? found : undefined;
  }, 60_000);
  expect(row.milestones.filter((m: any) => m.achievedAt).map((m: any) => m.key)).toEqual(
    expect.arrayContaining(['first-login', 'initial-setup-complete', 'first-feature-adopted', 'first-value-achieved']),
  );
});
