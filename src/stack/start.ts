// `npm start`: the whole service on one machine. Starts what is not configured (an embedded
// PostgreSQL when DATABASE_URL is unset, a Temporal dev server with its UI when
// TEMPORAL_ADDRESS is unset), applies migrations, then runs the worker and the API in this
// process. Ctrl-C (or SIGTERM) stops everything in reverse order.
import 'reflect-metadata';
import * as path from 'node:path';
import { Runtime } from '@temporalio/worker';
import { DataSource } from 'typeorm';
import { createApp, OPENAPI_PATH } from '../../api/create-app';
import { createOnboardingWorker } from '../../worker/create-worker';
import { loadSettings } from '../config/settings';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { ensureSearchAttributes } from '../infra/search-attribute-registry';
import { startTemporalDevServer } from '../infra/temporal-dev-server';
import { connectClient, connectWorker } from '../infra/temporal-connection';
import { seedDemoCsmRoster } from '../persistence/csm-roster';
import { dataSourceOptions, migrate } from '../persistence/data-source';

type Stop = () => Promise<unknown>;

async function main(): Promise<void> {
  // This process owns shutdown: the Temporal runtime must not react to signals on its own.
  Runtime.install({ shutdownSignals: [] });
  const settings = loadSettings();
  const stops: Array<[string, Stop]> = [];
  let stopping: Promise<void> | undefined;
  const stopAll = (reason: string) =>
    (stopping ??= (async () => {
      console.log(`\n${reason}: stopping...`);
      for (const [name, stop] of stops.reverse()) {
        try {
          await stop();
          console.log(`  stopped ${name}`);
        } catch (err) {
          console.error(`  could not stop ${name}: ${err}`);
        }
      }
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // `on`, not `once`: a second Ctrl-C must not kill the process before PostgreSQL is stopped.
    process.on(signal, () => void stopAll(signal).then(() => process.exit(0)));
  }

  try {
    let databaseUrl = settings.databaseUrl;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({
        dataDir: path.join(settings.dataDir, 'postgres'),
        port: settings.embeddedPostgresPort,
        database: 'onboarding',
      });
      stops.push(['PostgreSQL', pg.stop]);
      databaseUrl = pg.url;
      console.log(`PostgreSQL (embedded) on 127.0.0.1:${settings.embeddedPostgresPort}, data in ${settings.dataDir}/postgres`);
    }

    let temporalAddress = settings.temporalAddress;
    let temporalUi = 'the UI of your Temporal cluster';
    if (!temporalAddress) {
      const temporal = await startTemporalDevServer({
        dataDir: settings.dataDir,
        port: settings.embeddedTemporalPort,
        uiPort: settings.embeddedTemporalUiPort,
        namespace: settings.temporalNamespace,
        log: (line) => console.log(`[temporal] ${line}`),
      });
      stops.push(['Temporal dev server', temporal.stop]);
      temporalAddress = temporal.address;
      temporalUi = temporal.uiUrl;
    }

    const applied = await migrate(databaseUrl);
    console.log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date');

    const client = await connectClient(temporalAddress, settings.temporalNamespace);
    stops.push(['Temporal client', () => client.connection.close()]);
    if (settings.temporalAddress) {
      await ensureSearchAttributes(client.connection, client.namespace).catch((err) =>
        console.warn(`could not register search attributes (add them with your cluster's tools): ${err}`),
      );
    }

    const dataSource = await new DataSource(dataSourceOptions(databaseUrl)).initialize();
    stops.push(['worker database pool', () => dataSource.destroy()]);
    const workerConnection = await connectWorker(temporalAddress, settings.temporalNamespace);
    stops.push(['worker connection', () => workerConnection.connection.close()]);
    const worker = await createOnboardingWorker({ ...settings, notifications: settings, ...workerConnection, dataSource });
    if (!settings.databaseUrl) await seedDemoCsmRoster(dataSource);
    const running = worker.run();
    stops.push(['worker', async () => {
      worker.shutdown();
      await running;
    }]);
    running.catch((err) => {
      console.error('worker failed:', err);
      void stopAll('worker failure').then(() => process.exit(1));
    });

    const app = await createApp({
      databaseUrl,
      temporalClient: client.client,
      taskQueue: settings.taskQueue,
    });
    await app.listen(settings.apiPort);
    stops.push(['API', () => app.close()]);

    const api = `http://localhost:${settings.apiPort}`;
    console.log(
      [
        '',
        'Onboarding Orchestrator is running:',
        `  API          ${api}`,
        `  OpenAPI docs ${api}/${OPENAPI_PATH}`,
        `  Health       ${api}/health`,
        `  Temporal UI  ${temporalUi}`,
        `  Temporal     ${temporalAddress} (namespace ${client.namespace}, task queue ${settings.taskQueue})`,
        'Press Ctrl-C to stop.',
      ].join('\n'),
    );
  } catch (err) {
    console.error('start failed:', err);
    await stopAll('start failure');
    process.exit(1);
  }
}

void main();
