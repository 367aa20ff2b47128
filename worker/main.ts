// The worker as its own process (docker-compose, or more workers against one cluster).
// The Temporal runtime owns SIGINT/SIGTERM here: it drains the worker, then run() resolves.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { pageOptions } from '../src/infra/page-secrets';
import { loadSettings } from '../src/config/settings';
import { createLogger, describeError, type Logger, temporalLogger } from '../src/infra/logger';
import { dataSourceOptions } from '../src/persistence/data-source';
import { connectClient, connectWorker } from '../src/infra/temporal-connection';
import { payloadCodecFor } from '../src/infra/payload-encryption';
import { ensureSearchAttributes } from '../src/infra/search-attribute-registry';
import { installTracing, stopTracing } from '../src/infra/tracing';
import { installTemporalRuntime } from '../src/infra/worker-telemetry';
import { createOnboardingWorker } from './create-worker';

async function main(): Promise<void> {
  const settings = loadSettings();
  const logger = createLogger({ level: settings.logLevel });
  installTemporalRuntime({ logger: temporalLogger(logger), metricsAddress: settings.workerMetricsAddress });
  if (settings.workerMetricsAddress) logger.info(`worker metrics on http://${settings.workerMetricsAddress}/metrics`);
  if (!settings.databaseUrl) throw new Error('DATABASE_URL is not set (npm start runs an embedded database instead)');
  installTracing('onboarding-worker');
  // Its own process against a cluster: keys are required (or PAYLOAD_ENCRYPTION=off), never made up here.
  const payloadCodec = payloadCodecFor(settings, { embedded: false, log: (line) => logger.warn(line) });
  const dataSource = await new DataSource(dataSourceOptions(settings.databaseUrl)).initialize();
  await registerSearchAttributes(settings.temporalAddress, settings.temporalNamespace, logger);
  const { connection, namespace } = await connectWorker(settings.temporalAddress, settings.temporalNamespace);
  try {
    const worker = await createOnboardingWorker({
      ...settings,
      notifications: settings,
      trackerLinks: pageOptions(settings).trackerLinks,
      connection,
      namespace,
      dataSource,
      payloadCodec,
    });
    logger.info(
      { taskQueue: settings.taskQueue, namespace },
      `worker polling task queue '${settings.taskQueue}' in namespace '${namespace}'`,
    );
    await worker.run();
  } finally {
    await connection.close();
    await dataSource.destroy();
    await stopTracing();
  }
}

async function registerSearchAttributes(address: string | undefined, namespace: string, logger: Logger): Promise<void> {
  const { connection } = await connectClient(address, namespace);
  try {
    const added = await ensureSearchAttributes(connection, namespace);
    if (added.length) logger.info({ added }, `registered search attributes: ${added.join(', ')}`);
  } catch (err) {
    logger.warn(
      { err },
      `could not register search attributes (add them with your cluster's tools): ${describeError(err)}`,
    );
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  process.stderr.write(`worker failed: ${describeError(err)}\n`);
  process.exit(1);
});
