/**
 * The service as it runs in production, on this machine: the embedded PostgreSQL (from the
 * run's global setup), a Temporal
 * cluster of four server processes on it (src/infra/temporal-cluster.ts), two worker processes
 * and an API process started from their real entries (dist/worker/main.js, dist/api/main.js), and
 * the sandbox migration platform in the test's own process, so the test can read both stores.
 */
import * as path from 'node:path';
import { EMBEDDED_POSTGRES_PASSWORD, EMBEDDED_POSTGRES_USER } from '../../src/infra/embedded-database';
import { freePort } from '../../src/infra/free-port';
import { AesGcmPayloadCodec } from '../../src/infra/payload-codec';
import { connectClient, type TemporalClientHandle } from '../../src/infra/temporal-connection';
import { type TemporalClusterHandle, startTemporalCluster } from '../../src/infra/temporal-cluster';
import { type SandboxPlatform, startSandboxPlatform } from '../../src/sandbox/sandbox-platform';
import {
  API_ENTRY,
  API_READY,
  type AppProcess,
  appEnvironment,
  assertBuilt,
  prepareDatabase,
  spawnApp,
  untilLogged,
  WORKER_ENTRY,
  workerReady,
} from '../support/app-processes';
import { clusterEnv } from './cluster-env';

export type { AppProcess } from '../support/app-processes';

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
  assertBuilt('npm run test:cluster');
  const workDir = clusterEnv('workDir');
  const started: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of started.reverse()) await s().catch((err) => opts.log(`stopping: ${String(err)}`));
  };
  try {
    const databaseUrl = clusterEnv('databaseUrl');
    const pgPort = Number(clusterEnv('postgresPort'));
    const ownerKey = await prepareDatabase(databaseUrl, 'cluster owner');

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

    const apiPort = await freePort();
    const { env, keySet } = appEnvironment({
      databaseUrl,
      temporalAddress: cluster.address,
      namespace: cluster.namespace,
      taskQueue: 'onboarding-cluster',
      migrationPlatformUrl: sandbox.url,
      dataDir: path.join(workDir, 'app'),
      apiPort,
      keyId: 'cluster-current',
    });

    t = Date.now();
    const app = (name: string, entry: string): AppProcess => {
      const spawned = spawnApp({ name, entry, env, logFile: path.join(workDir, `${name}.log`) });
      started.push(() => spawned.server.stop('SIGTERM', 15_000));
      return spawned;
    };
    const workers = Array.from({ length: opts.workers }, (_, i) => app(`worker-${i + 1}`, WORKER_ENTRY));
    const api = app('api', API_ENTRY);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await Promise.all([
      ...workers.map((w) => untilLogged(w, workerReady(env.TEMPORAL_TASK_QUEUE!))),
      untilLogged(api, API_READY),
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
