// `npm start`: the whole service on one machine. Starts what is not configured (an embedded
// PostgreSQL when DATABASE_URL is unset, a Temporal dev server with its UI when
// TEMPORAL_ADDRESS is unset), applies migrations, then runs the worker and the API in this
// process.
//
// This process owns the signals. npm's start script ends in `exec node ...`, so what npm
// receives (and forwards to its child) reaches this process; the servers run in process groups
// of their own, so a Ctrl-C in the terminal reaches only npm and this process (twice: npm
// forwards it), which stops everything in order: API, worker (drained), Temporal, PostgreSQL,
// each in a bounded time (see Shutdown). Servers left running by a stack that
// was killed are recognised by their data folder and stopped at the next start.
import 'reflect-metadata';
import * as path from 'node:path';
import type { Worker } from '@temporalio/worker';
import { DataSource } from 'typeorm';
import { createApp, OPENAPI_PATH } from '../../api/create-app';
import { createOnboardingWorker } from '../../worker/create-worker';
import { pageOptions } from '../infra/page-secrets';
import { loadSettings, type Settings } from '../config/settings';
import { crmWebhookConfig } from '../integrations/crm/crm-webhook-config';
import { EMBEDDED_DATABASE } from '../infra/embedded-database';
import { STOP_GRACE_MS as POSTGRES_STOP_GRACE_MS, startEmbeddedPostgres } from '../infra/embedded-postgres';
import { createLogger, describeError, type Logger, temporalLogger } from '../infra/logger';
import { assertPortFree } from '../infra/port-in-use';
import { ensureSearchAttributes } from '../infra/search-attribute-registry';
import { STOP_GRACE_MS as TEMPORAL_STOP_GRACE_MS, startTemporalDevServer } from '../infra/temporal-dev-server';
import { ensureSummarySchedules } from '../infra/summary-report-schedule';
import { connectClient, connectWorker } from '../infra/temporal-connection';
import { payloadCodecFor } from '../infra/payload-encryption';
import { installTracing, stopTracing } from '../infra/tracing';
import { installTemporalRuntime } from '../infra/worker-telemetry';
import { ensureEmbeddedAdminKey } from '../keys/embedded-admin-key';
import { seedDemoCsmRoster } from '../persistence/csm-roster';
import { dataSourceOptions, migrate } from '../persistence/data-source';
import { Shutdown } from './shutdown';

/** A part's time to stop beyond its own grace period. */
const STOP_MARGIN_MS = 10_000;

async function main(): Promise<void> {
  const settings = loadSettings();
  const logger = createLogger({ level: settings.logLevel });
  // The stack owns shutdown: the Temporal runtime must not react to signals on its own.
  installTemporalRuntime({
    logger: temporalLogger(logger),
    metricsAddress: settings.workerMetricsAddress,
    shutdownSignals: [],
  });
  // Each part has its own time to stop (the default: 10 s); the whole stop is given up after the
  // worker's grace plus a minute, and the process then exits 1 (see Shutdown).
  const shutdown = new Shutdown(logger, { totalMs: settings.workerShutdownGraceMs + 60_000 });
  shutdown.stopOnSignals();
  // Before any client or worker exists: they take Temporal's tracing plugin when it is on.
  if (installTracing('onboarding-orchestrator')) shutdown.add('tracing', stopTracing);
  const fail = (what: string) => (err: unknown) => {
    if (shutdown.started) return;
    logger.fatal({ err }, `${what}: ${describeError(err)}`);
    void shutdown.run(what).then(() => process.exit(1));
  };
  process.on('uncaughtException', fail('uncaught error'));
  process.on('unhandledRejection', fail('unhandled rejection'));

  try {
    await start(settings, logger, shutdown, fail);
  } catch (err) {
    logger.error({ err }, `start failed: ${describeError(err)}`);
    await shutdown.run('start failure');
    // Last, in plain words, where a person looks.
    process.stderr.write(`\nstart failed: ${describeError(err)}\n`);
    process.exit(1);
  }
}

async function start(
  settings: Settings,
  logger: Logger,
  shutdown: Shutdown,
  fail: (what: string) => (err: unknown) => void,
): Promise<void> {
  // Before anything starts: a second stack would otherwise bring up its servers, then fail.
  await assertPortFree(settings.apiPort, { host: settings.host, what: 'API', setting: 'PORT' });
  // CRM webhooks answer only with their secrets set (no default secret is safe); a bad mapping file stops the start now.
  const crmWebhooks = crmWebhookConfig(settings.crmWebhooks);
  const log = (line: string) => logger.warn(line);
  // The embedded dev server keeps its data in DATA_DIR: with no keys configured, a key file is
  // created there once. Against any other Temporal, keys (or PAYLOAD_ENCRYPTION=off) are required.
  const payloadCodec = payloadCodecFor(settings, { embedded: !settings.temporalAddress, log });
  const api = `http://${urlHost(settings.host)}:${settings.apiPort}`;
  // On by default only in the embedded default on this machine, where the local UI calls it without a key.
  const codecEndpoint = settings.codecEndpoint ?? (!settings.temporalAddress && isLoopback(settings.host));

  let databaseUrl = settings.databaseUrl;
  if (!databaseUrl) {
    const dataDir = path.join(settings.dataDir, 'postgres');
    const pg = await startEmbeddedPostgres({
      dataDir,
      port: settings.embeddedPostgresPort,
      database: EMBEDDED_DATABASE,
      ownProcessGroup: true,
      log,
    });
    // Its fast shutdown, then SIGKILL after its grace; the margin covers the SIGKILL taking effect.
    shutdown.add('PostgreSQL', pg.stop, POSTGRES_STOP_GRACE_MS + STOP_MARGIN_MS);
    databaseUrl = pg.url;
    logger.info(
      { port: settings.embeddedPostgresPort, dataDir },
      `PostgreSQL (embedded) on 127.0.0.1:${settings.embeddedPostgresPort}`,
    );
  }

  let temporalAddress = settings.temporalAddress;
  let temporalUi = 'the UI of your Temporal cluster';
  if (!temporalAddress) {
    const temporal = await startTemporalDevServer({
      dataDir: settings.dataDir,
      port: settings.embeddedTemporalPort,
      uiPort: settings.embeddedTemporalUiPort,
      namespace: settings.temporalNamespace,
      uiCodecEndpoint: codecEndpoint ? `${api}/codec` : undefined,
      ownProcessGroup: true,
      log,
    });
    shutdown.add('Temporal dev server', temporal.stop, TEMPORAL_STOP_GRACE_MS + STOP_MARGIN_MS);
    temporalAddress = temporal.address;
    temporalUi = temporal.uiUrl;
    logger.info({ address: temporalAddress }, `Temporal dev server on ${temporalAddress}`);
  }

  const applied = await migrate(databaseUrl);
  logger.info(
    { applied },
    applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date',
  );

  const client = await connectClient(temporalAddress, settings.temporalNamespace, payloadCodec);
  shutdown.add('Temporal client', () => client.connection.close());
  if (settings.temporalAddress) {
    await ensureSearchAttributes(client.connection, client.namespace).catch((err) =>
      logger.warn(
        { err },
        `could not register search attributes (add them with your cluster's tools): ${describeError(err)}`,
      ),
    );
  }

  // Tracker links are signed by the worker and checked by the API: one secret, from settings or DATA_DIR.
  const pages = pageOptions(settings);
  // The weekly summary's schedule, created or brought up to REPORT_* (a failure does not stop the service).
  await ensureSummarySchedules(client.client, { taskQueue: settings.taskQueue, reports: settings.reports }).catch(
    (err) => logger.warn({ err }, `could not create or update the summary report schedules: ${describeError(err)}`),
  );

  const dataSource = await new DataSource(dataSourceOptions(databaseUrl)).initialize();
  shutdown.add('worker database pool', () => dataSource.destroy());
  const workerConnection = await connectWorker(temporalAddress, settings.temporalNamespace);
  shutdown.add('worker connection', () => workerConnection.connection.close());
  const worker = await createOnboardingWorker({
    ...settings,
    notifications: settings,
    trackerLinks: pages.trackerLinks,
    ...workerConnection,
    dataSource,
    payloadCodec,
  });
  if (!settings.databaseUrl) await seedDemoCsmRoster(dataSource);
  const running = worker.run();
  // Running activities get the grace, then are cancelled; one that ignores its cancellation
  // would keep the worker running forever, so the worker is given up after a margin.
  shutdown.add(
    'worker',
    async () => {
      worker.shutdown();
      await running;
    },
    settings.workerShutdownGraceMs + STOP_MARGIN_MS,
  );
  running.catch(fail('worker failure'));

  // Open routes (the codec endpoint, /metrics) without a key only in the embedded default on this machine.
  const embeddedDefault = codecEndpoint && settings.codecEndpoint === undefined;
  // The embedded database's owner gets a key with every role, so the README's examples just work.
  const adminKey = settings.databaseUrl ? undefined : await ensureEmbeddedAdminKey(dataSource, settings.dataDir);
  const app = await createApp({
    databaseUrl,
    temporalClient: client.client,
    taskQueue: settings.taskQueue,
    logger,
    codec: { enabled: codecEndpoint, payloadCodec, uiOrigins: settings.temporalUiOrigins },
    pages,
    // The local UI calls the codec endpoint without a key: open only when it listens on this machine.
    auth: {
      oidc: settings.oidc,
      embeddedDefault,
      rateLimitPerMinute: settings.rateLimitPerMinute,
    },
    crmWebhooks,
  });
  await app.listen(settings.apiPort, settings.host);
  shutdown.add('API', () => app.close());

  await untilPolling(worker);
  const embedded = !settings.databaseUrl || !settings.temporalAddress;
  process.stdout.write(
    [
      '',
      'Onboarding Orchestrator is running:',
      `  API          ${api}`,
      `  OpenAPI docs ${api}/${OPENAPI_PATH}`,
      `  Health       ${api}/health`,
      `  Metrics      ${api}/metrics (API${embeddedDefault ? '' : ', operator key'}); worker: ${
        settings.workerMetricsAddress
          ? `http://${settings.workerMetricsAddress}/metrics`
          : 'off (WORKER_METRICS_ADDRESS)'
      }`,
      ...(adminKey
        ? [
            adminKey.created
              ? `  Admin key    ${adminKey.created} (every role; shown once, kept in ${adminKey.file})`
              : `  Admin key    in ${adminKey.file} (every role): -H "authorization: Bearer $(cat ${adminKey.file})"`,
          ]
        : []),
      ...(process.env.OTEL_EXPORTER_OTLP_ENDPOINT
        ? [`  Traces       OTLP to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT}`]
        : []),
      `  Temporal UI  ${temporalUi}${codecEndpoint ? ` (decodes payloads through ${api}/codec)` : ''}`,
      `  Temporal     ${temporalAddress} (namespace ${client.namespace}, task queue ${settings.taskQueue})`,
      `  Logs         JSON lines on this output (LOG_LEVEL=${settings.logLevel})${embedded ? `; the servers' in ${settings.dataDir}` : ''}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

/** The worker logs its start; waiting for it keeps those lines above the URL block. */
async function untilPolling(worker: Worker): Promise<void> {
  for (let i = 0; i < 50 && worker.getState() !== 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 100));
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}

/** A wildcard address is not a URL a browser can open; this machine can open it on 127.0.0.1. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

main().catch((err) => {
  // Settings that do not parse, or a failure before the logger exists.
  process.stderr.write(`start failed: ${describeError(err)}\n`);
  process.exit(1);
});
