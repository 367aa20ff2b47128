/**
 * The service as it runs in production, on this machine: the embedded PostgreSQL (from the
 * run's global setup), a Temporal
 * cluster of four server processes on it (src/infra/temporal-cluster.ts), two worker processes
 * and an API process started from their real entries (dist/worker/main.js, dist/api/main.js), and
 * the sandbox migration platform in the test's own process, so the test can read both stores.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { EMBEDDED_POSTGRES_PASSWORD, EMBEDDED_POSTGRES_USER } from '../../src/infra/embedded-database';
import { freePort } from '../../src/infra/free-port';
import { AesGcmPayloadCodec, formatKeyList, generateKeySet } from '../../src/infra/payload-codec';
import { connectClient, type TemporalClientHandle } from '../../src/infra/temporal-connection';
import { logTail, type ServerProcess, spawnServer } from '../../src/infra/server-process';
import { type TemporalClusterHandle, startTemporalCluster } from '../../src/infra/temporal-cluster';
import { ApiKeyStore } from '../../src/persistence/api-key-store';
import { upsertCsms } from '../../src/persistence/csm-roster';
import { dataSourceOptions, migrate } from '../../src/persistence/data-source';
import { PRINCIPAL_ROLES } from '../../src/domain/principal-roles';
import { type SandboxPlatform, startSandboxPlatform } from '../../src/sandbox/sandbox-platform';
import { TEST_CSMS } from '../fixtures/onboarding-input';
import { clusterEnv } from './cluster-env';

const root = path.resolve(__dirname, '../..');

export interface AppProcess {
  name: string;
  server: ServerProcess;
  /** What the worker reports as its identity to Temporal (the SDK's default, pid@host). */
  identity: string;
}

export interface ClusterStack {
  workDir: string;
  cluster: TemporalClusterHandle;
  sandbox: SandboxPlatform;
  workers: AppProcess[];
  api: AppProcess;
  apiUrl: string;
  /** An API key holding every role. */
  ownerKey: string;
  /** The environment the app processes got (TEMPORAL_ADDRESS, the payload keys...). */
  env: NodeJS.ProcessEnv;
  /** A Temporal client on the cluster with the processes' payload encryption; close its connection. */
  temporalClient(): Promise<TemporalClientHandle>;
  stop(): Promise<void>;
}

export async function startClusterStack(opts: { workers: number; log: (line: string) => void }): Promise<ClusterStack> {
  for (const entry of ['dist/worker/main.js', 'dist/api/main.js'])
    if (!fs.existsSync(path.join(root, entry))) throw new Error(`${entry} is missing: npm run test:cluster builds it`);
  const workDir = clusterEnv('workDir');
  const started: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of started.reverse()) await s().catch((err) => opts.log(`stopping: ${String(err)}`));
  };
  try {
    const databaseUrl = clusterEnv('databaseUrl');
    const pgPort = Number(clusterEnv('postgresPort'));
    await migrate(databaseUrl);
    const dataSource = await new DataSource(dataSourceOptions(databaseUrl)).initialize();
    let ownerKey: string;
    try {
      await upsertCsms(dataSource, TEST_CSMS);
      ownerKey = (await new ApiKeyStore(dataSource).create({ name: 'cluster owner', roles: [...PRINCIPAL_ROLES] })).key;
    } finally {
      await dataSource.destroy();
    }

    let t = Date.now();
    const cluster = await startTemporalCluster({
      workDir: path.join(workDir, 'temporal'),
      postgres: { host: '127.0.0.1', port: pgPort, user: EMBEDDED_POSTGRES_USER, password: EMBEDDED_POSTGRES_PASSWORD },
      log: opts.log,
    });
    started.push(() => cluster.stop());
    opts.log(`cluster: serving after ${Date.now() - t} ms`);

    const sandbox = await startSandboxPlatform({ port: 0 });
    started.push(() => sandbox.close());

    const keySet = generateKeySet('cluster-current');
    const apiPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: cluster.address,
      TEMPORAL_NAMESPACE: cluster.namespace,
      TEMPORAL_TASK_QUEUE: 'onboarding-cluster',
      MIGRATION_PLATFORM_URL: sandbox.url,
      PAYLOAD_ENCRYPTION_KEYS: formatKeyList(keySet),
      PAYLOAD_ENCRYPTION_KEY_ID: keySet.currentKeyId,
      // The API and the workers share these; each process would make its own in DATA_DIR otherwise.
      TRACKER_LINK_SECRET: randomBytes(32).toString('base64url'),
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      DATA_DIR: path.join(workDir, 'app'),
      PORT: String(apiPort),
      LOG_LEVEL: 'info',
    };

    t = Date.now();
    const app = (name: string, entry: string): AppProcess => {
      const server = spawnServer({
        command: process.execPath,
        args: [path.join(root, entry)],
        logFile: path.join(workDir, `${name}.log`),
        ownProcessGroup: true,
        stopSignal: 'SIGTERM',
        env,
      });
      started.push(() => server.stop('SIGTERM', 15_000));
      return { name, server, identity: `${server.pid}@${os.hostname()}` };
    };
    const workers = Array.from({ length: opts.workers }, (_, i) => app(`worker-${i + 1}`, 'dist/worker/main.js'));
    const api = app('api', 'dist/api/main.js');
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await Promise.all([
      ...workers.map((w) => untilLogged(w, `worker polling task queue '${env.TEMPORAL_TASK_QUEUE}'`)),
      untilLogged(api, 'API on http://'),
    ]);
    opts.log(`cluster: ${workers.length} workers polling and the API listening after ${Date.now() - t} ms`);
    const payloadCodec = new AesGcmPayloadCodec(keySet);
    const temporalClient = () => connectClient(cluster.address, cluster.namespace, payloadCodec);
    return { workDir, cluster, sandbox, workers, api, apiUrl, ownerKey, env, temporalClient, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Waits for a line in the process's log (its structured JSON output); fails with the log's end when it exits first. */
async function untilLogged(app: AppProcess, text: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = fs.existsSync(app.server.logFile) ? fs.readFileSync(app.server.logFile, 'utf8') : '';
    if (log.includes(text)) return;
    if (app.server.hasExited())
      throw new Error(`${app.name} ${await app.server.exited}:\n${logTail(app.server.logFile, 30)}`);
    if (Date.now() > deadline)
      throw new Error(`${app.name}: no '${text}' within ${timeoutMs} ms:\n${logTail(app.server.logFile)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
