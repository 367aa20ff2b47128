// The API as its own process (docker-compose, or several API replicas behind a balancer).
import 'reflect-metadata';
import { pageOptions } from '../src/infra/page-secrets';
import { loadSettings } from '../src/config/settings';
import { crmWebhookConfig } from '../src/integrations/crm/crm-webhook-config';
import { createLogger, describeError } from '../src/infra/logger';
import { payloadCodecFor } from '../src/infra/payload-encryption';
import { ensureSummarySchedules } from '../src/infra/summary-report-schedule';
import { connectClient } from '../src/infra/temporal-connection';
import { installTracing, stopTracing } from '../src/infra/tracing';
import { createApp } from './create-app';

async function main(): Promise<void> {
  const settings = loadSettings();
  const logger = createLogger({ level: settings.logLevel });
  installTracing('onboarding-api');
  if (!settings.databaseUrl) throw new Error('DATABASE_URL is not set (npm start runs an embedded database instead)');
  // Its own process against a cluster: keys are required (or PAYLOAD_ENCRYPTION=off), never made up here.
  // Before connecting: a bad field mapping file stops the start here, naming what is wrong.
  const crmWebhooks = crmWebhookConfig(settings.crmWebhooks);
  const payloadCodec = payloadCodecFor(settings, { embedded: false, log: (line) => logger.warn(line) });
  const { client, connection } = await connectClient(
    settings.temporalAddress,
    settings.temporalNamespace,
    payloadCodec,
  );
  // Every replica brings the report schedules up to its REPORT_* settings (idempotent).
  await ensureSummarySchedules(client, { taskQueue: settings.taskQueue, reports: settings.reports }).catch((err) =>
    logger.warn({ err }, `could not create or update the summary report schedules: ${describeError(err)}`),
  );
  const app = await createApp({
    databaseUrl: settings.databaseUrl,
    temporalClient: client,
    taskQueue: settings.taskQueue,
    logger,
    dependencyTimeoutMs: settings.apiDependencyTimeoutMs,
    idempotency: { ttlMs: settings.idempotencyTtlHours * 3_600_000 },
    // Off unless CODEC_ENDPOINT=on; then it needs the operator role (the UI forwards the operator's token).
    codec: { enabled: settings.codecEndpoint ?? false, payloadCodec, uiOrigins: settings.temporalUiOrigins },
    auth: { oidc: settings.oidc, embeddedDefault: false, rateLimitPerMinute: settings.rateLimitPerMinute },
    pages: pageOptions(settings),
    crmWebhooks,
  });
  app.enableShutdownHooks();
  app.getHttpServer().on('close', () => void connection.close().finally(stopTracing));
  // HOST is 127.0.0.1 unless set: a container sets 0.0.0.0 to be reachable through its published port.
  await app.listen(settings.apiPort, settings.host);
  logger.info(
    { host: settings.host, port: settings.apiPort },
    `API on http://${settings.host}:${settings.apiPort} (OpenAPI: /docs)`,
  );
}

main().catch((err) => {
  process.stderr.write(`API start failed: ${describeError(err)}\n`);
  process.exit(1);
});
