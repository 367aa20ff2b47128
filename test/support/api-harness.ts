/**
 * The real service for API tests: the Nest app over HTTP (supertest), a worker running the
 * workflow bundle with the real activities, the dev server and PostgreSQL from global setup.
 */
import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { PageOptions } from '../../src/infra/page-secrets';
import type { AppModuleOptions } from '../../api/app.module';
import { createApp } from '../../api/create-app';
import type { DeliveryRetry } from '../../src/contracts/event-delivery.contract';
import type { CrmWebhooksOptions } from '../../api/crm-webhooks/crm-webhooks.options';
import { DEFAULT_TEMPORAL_UI_ORIGINS, loadSettings } from '../../src/config/settings';
import { upsertCsms } from '../../src/persistence/csm-roster';
import { ApiKeyStore } from '../../src/persistence/api-key-store';
import { PRINCIPAL_ROLES, type PrincipalRole } from '../../src/domain/principal-roles';
import { dataSourceOptions } from '../../src/persistence/data-source';
import { TEST_CSMS } from '../fixtures/onboarding-input';
import { type SandboxPlatform, startSandboxPlatform } from '../../src/sandbox/sandbox-platform';
import { type SmtpInbox, startSmtpInbox } from './smtp-inbox';
import { createOnboardingWorker } from '../../worker/create-worker';
import { testEnv, testPayloadCodec, workflowBundle } from './test-env';
import { startTestWorker } from './test-worker';

// Kept here too: most test files take it with the harness.
export { eventually } from './eventually';

export interface ApiHarness {
  app: INestApplication;
  http: INestApplication['getHttpServer'] extends () => infer S ? S : never;
  client: Client;
  dataSource: DataSource;
  taskQueue: string;
  /** The real SMTP server the worker's notification activity sends to. */
  inbox: SmtpInbox;
  /** The platforms the worker's cutovers migrate between. */
  sandbox: SandboxPlatform;
  /** The secrets of tracker links and page sessions, shared by the worker and the API (as the stack does). */
  pages: PageOptions;
  /** HTTP calls as the run's owner key, which holds every role (what tests of other things use). */
  api: AuthenticatedAgent;
  /** The owner key itself. */
  ownerKey: string;
  /** How the audit log and the history name the owner key: `test owner [oo_xxxxxxxx]`. */
  ownerLabel: string;
  /** A new API key with these roles (and CSM id), as the CLI creates them. */
  createKey(roles: PrincipalRole[], opts?: { csmId?: string; name?: string }): Promise<string>;
  /** HTTP calls with this key. */
  as(key: string): AuthenticatedAgent;
  /**
   * Another API replica over the same worker, Temporal client and database, with other options
   * (auth, codec, rate limit...); initialised, and closed with the harness.
   */
  replica(overrides?: Partial<AppModuleOptions>): Promise<INestApplication>;
  close(): Promise<void>;
}

/** A supertest agent that sends `Authorization: Bearer <key>` on every request. */
export type AuthenticatedAgent = ReturnType<typeof request.agent>;

/** An agent for `http` that authenticates every request with `key`. */
export function authenticated(http: Parameters<typeof request.agent>[0], key: string): AuthenticatedAgent {
  return request.agent(http).set('authorization', `Bearer ${key}`);
}

/** `databaseUrl`: a database of the test's own (default: the run's shared one, whose read model other files fill too). */
export interface ApiHarnessOptions {
  databaseUrl?: string;
  /** The codec endpoint (/codec): on by default, as in the embedded default. */
  codecEndpoint?: boolean;
  /** The backoff of event deliveries (default: production's, seconds to an hour apart). */
  eventDeliveryRetry?: DeliveryRetry;
  /** Inbound CRM webhooks: none configured by default (their routes answer 404). */
  crmWebhooks?: CrmWebhooksOptions;
}

/** Payloads are encrypted with the run's test keys, as in production. */
export async function startApiHarness(opts: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const databaseUrl = opts.databaseUrl ?? testEnv('databaseUrl');
  const payloadCodec = testPayloadCodec();
  const taskQueue = `api-test-${Math.random().toString(36).slice(2)}`;

  const pages: PageOptions = {
    trackerLinks: {
      secret: randomBytes(32).toString('base64url'),
      ttlDays: 90,
      // The API listens on a port chosen later (h.app.listen(0)): page tests take the link's path.
      publicBaseUrl: 'http://onboarding.test',
    },
    sessionSecret: randomBytes(32).toString('base64url'),
  };
  const dataSource = await new DataSource(dataSourceOptions(databaseUrl)).initialize();
  await upsertCsms(dataSource, TEST_CSMS);
  const inbox = await startSmtpInbox();
  const sandbox = await startSandboxPlatform({ port: 0 });
  const temporal = await startTestWorker(
    (connection) =>
      createOnboardingWorker({
        connection,
        namespace: 'default',
        taskQueue,
        dataSource,
        maxCachedWorkflows: 100,
        workflowBundle: workflowBundle(),
        notifications: { ...loadSettings({}), smtpUrl: inbox.url, mailFrom: 'Onboarding <onboarding@vendor.example>' },
        migrationPlatformUrl: sandbox.url,
        payloadCodec,
        eventDeliveryRetry: opts.eventDeliveryRetry,
        trackerLinks: pages.trackerLinks,
      }),
    { payloadCodec },
  );
  const { client } = temporal;
  const app = await createApp({
    databaseUrl,
    temporalClient: client,
    taskQueue,
    logger: false,
    codec: { enabled: opts.codecEndpoint ?? true, payloadCodec, uiOrigins: DEFAULT_TEMPORAL_UI_ORIGINS },
    pages,
    crmWebhooks: opts.crmWebhooks,
  });
  await app.init();
  const keys = new ApiKeyStore(dataSource);
  const createKey = async (roles: PrincipalRole[], opts: { csmId?: string; name?: string } = {}) =>
    (await keys.create({ name: opts.name ?? `test ${roles.join('+')}`, roles, csmId: opts.csmId })).key;
  const ownerKey = await createKey([...PRINCIPAL_ROLES], { name: 'test owner' });
  const http = app.getHttpServer();
  const replicas: INestApplication[] = [];

  return {
    app,
    http,
    api: authenticated(http, ownerKey),
    ownerKey,
    ownerLabel: `test owner [${ownerKey.slice(0, 11)}]`,
    createKey,
    as: (key) => authenticated(http, key),
    async replica(overrides = {}) {
      // The same page secrets: a replica checks the links and sessions the others made.
      const other = await createApp({
        databaseUrl,
        temporalClient: client,
        taskQueue,
        logger: false,
        pages,
        ...overrides,
      });
      replicas.push(other);
      await other.init();
      return other;
    },
    client,
    dataSource,
    taskQueue,
    inbox,
    sandbox,
    pages,
    async close() {
      for (const other of replicas) await other.close();
      await app.close();
      await temporal.close();
      await dataSource.destroy();
      await inbox.close();
      await sandbox.close();
    },
  };
}

/**
 * The harness for a test file: started before its tests and closed after them. The object is
 * filled in by that `beforeAll`, so read it in hooks and tests, not at the file's top level.
 */
export function useApiHarness(opts: ApiHarnessOptions = {}): ApiHarness {
  const harness = {} as ApiHarness;
  beforeAll(async () => {
    Object.assign(harness, await startApiHarness(opts));
  });
  afterAll(async () => {
    // Absent when the start failed: there is nothing to close then.
    await harness.close?.();
  });
  return harness;
}

/** Whether Temporal has a workflow with this id (running or closed): what a refused request must not have started. */
export async function workflowExists(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** A high-touch onboarding through its stages to go-live readiness, approved by its named role (the cutover's gate). */
export async function approveGoLive(api: AuthenticatedAgent, onboardingPath: string): Promise<void> {
  for (const m of ['success-criteria-agreed', 'first-login', 'initial-setup-complete', 'first-value-achieved']) {
    await api.post(`${onboardingPath}/milestones/${m}`).send({ actor: 'csm:ana' }).expect(200);
  }
  const criteria = ['UAT scenarios passed', 'Migration rehearsal passed', 'Rollback plan signed off'].map(
    (criterion) => ({ criterion, met: true }),
  );
  await api
    .post(`${onboardingPath}/gates/go-live-readiness/approve`)
    .send({ actor: 'lead:kim', role: 'cs-lead', criteria })
    .expect(200);
}
