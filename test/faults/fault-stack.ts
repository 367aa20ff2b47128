/**
 * The whole service as separate processes that a fault test can kill, stop and start again:
 * PostgreSQL (its own process, on a data folder and port that stay the same across restarts), the
 * Temporal dev server (on a SQLite file and port that stay the same), the worker and the API from
 * dist/, and the sandbox migration platform in the test's own process (so the test reads its
 * stores directly). One stack per test file.
 *
 * With `lanes` > 1 there are that many (sandbox, worker, API) triples on one PostgreSQL and one
 * Temporal server, each lane on a task queue of its own: the sandbox has one legacy platform
 * and one target, so concurrent cutovers need a sandbox each, and a worker is configured with
 * one migration platform (its onboardings, and their cutover children, on its task queue).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client as PgClient } from 'pg';
import { freePort } from '../../src/infra/free-port';
import { type TemporalDevServerHandle, startTemporalDevServer } from '../../src/infra/temporal-dev-server';
import { type SandboxPlatform, startSandboxPlatform } from '../../src/sandbox/sandbox-platform';
import {
  API_ENTRY,
  API_READY,
  type AppProcess,
  appEnvironment,
  prepareDatabase,
  spawnApp,
  untilLogged,
  WORKER_ENTRY,
  workerReady,
} from '../support/app-processes';
import { type PostgresProcess, startPostgresProcess } from '../support/postgres-process';
import { faultsWorkDir } from './faults-env';

/** The API or the worker: one process at a time, killed or stopped and started again. */
export class AppService {
  current!: AppProcess;
  private incarnation = 0;

  constructor(
    private readonly opts: { name: string; entry: string; env: NodeJS.ProcessEnv; dir: string; ready: string },
  ) {}

  /** Starts a new process and waits until it is ready (polling, or listening); answers how long that took. */
  async start(): Promise<number> {
    const t = Date.now();
    this.incarnation++;
    const name = `${this.opts.name}-${this.incarnation}`;
    this.current = spawnApp({ ...this.opts, name, logFile: path.join(this.opts.dir, `${name}.log`) });
    await untilLogged(this.current, this.opts.ready);
    return Date.now() - t;
  }

  /** SIGKILL: a crash, nothing drained or closed. */
  async kill(): Promise<void> {
    if (!this.current.server.hasExited()) process.kill(this.current.server.pid, 'SIGKILL');
    await this.current.server.exited;
  }

  async stop(): Promise<void> {
    await this.current?.server.stop('SIGTERM', 15_000);
  }
}

/** A server stopped and started again on the same data and port. */
export interface RestartableServer {
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A sandbox platform with the worker that migrates to it and the API that starts onboardings on that worker's task queue. */
export interface Lane {
  taskQueue: string;
  sandbox: SandboxPlatform;
  worker: AppService;
  api: AppService;
  apiUrl: string;
}

export interface FaultStack extends Lane {
  workDir: string;
  databaseUrl: string;
  postgres: RestartableServer;
  temporal: RestartableServer & { address: string };
  /** Every lane; the stack's own sandbox, worker and API are the first one's. */
  lanes: Lane[];
  /** An API key holding every role. */
  ownerKey: string;
  /** One query on the read model's database, on a connection of its own. */
  sql<T = any>(text: string, values?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export async function startFaultStack(opts: {
  name: string;
  log: (line: string) => void;
  /** More environment for the API and the worker. */
  env?: NodeJS.ProcessEnv;
  /** Default 1. */
  lanes?: number;
}): Promise<FaultStack> {
  const workDir = path.join(faultsWorkDir(), opts.name);
  fs.mkdirSync(workDir, { recursive: true });
  fs.chmodSync(workDir, 0o755); // PostgreSQL runs as its own user and must reach its folder
  const started: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of started.reverse()) await s().catch((err) => opts.log(`stopping: ${String(err)}`));
  };
  try {
    const t = Date.now();
    const pgOptions = { dataDir: path.join(workDir, 'postgres'), port: await freePort(), database: 'onboarding' };
    let pg: PostgresProcess | undefined = await startPostgresProcess(pgOptions);
    const databaseUrl = pg.url;
    const postgres: RestartableServer = {
      stop: async () => {
        await pg?.stop();
        pg = undefined;
      },
      start: async () => {
        pg = await startPostgresProcess(pgOptions);
      },
    };
    started.push(() => postgres.stop());

    const temporalOptions = {
      dataDir: path.join(workDir, 'temporal'),
      port: await freePort(),
      uiPort: await freePort(),
      namespace: 'default',
      log: opts.log,
    };
    let dev: TemporalDevServerHandle | undefined = await startTemporalDevServer(temporalOptions);
    const temporal = {
      address: dev.address,
      stop: async () => {
        await dev?.stop();
        dev = undefined;
      },
      start: async () => {
        dev = await startTemporalDevServer(temporalOptions);
      },
    };
    started.push(() => temporal.stop());

    const ownerKey = await prepareDatabase(databaseUrl, `${opts.name} owner`);
    const { env } = appEnvironment({
      databaseUrl,
      temporalAddress: temporal.address,
      namespace: 'default',
      taskQueue: `faults-${opts.name}`,
      migrationPlatformUrl: 'set per lane',
      dataDir: path.join(workDir, 'app'),
      apiPort: 0,
      keyId: `${opts.name}-current`,
      extra: {
        // A request that dies leaves its idempotency claim for 6 deadlines: 30 s rather than a minute.
        API_DEPENDENCY_TIMEOUT_MS: '5000',
        // The fault tests send bursts from one key.
        RATE_LIMIT_PER_MINUTE: '0',
        REPORT_SCHEDULE_CRON: 'off',
        ...opts.env,
      },
    });
    const lanes: Lane[] = [];
    for (let i = 1; i <= (opts.lanes ?? 1); i++) {
      const sandbox = await startSandboxPlatform({ port: 0 });
      started.push(() => sandbox.close());
      const apiPort = await freePort();
      const name = opts.lanes && opts.lanes > 1 ? `-${i}` : '';
      const taskQueue = `faults-${opts.name}${name}`;
      const laneEnv = {
        ...env,
        TEMPORAL_TASK_QUEUE: taskQueue,
        MIGRATION_PLATFORM_URL: sandbox.url,
        PORT: String(apiPort),
      };
      const worker = new AppService({
        name: `worker${name}`,
        entry: WORKER_ENTRY,
        env: laneEnv,
        dir: workDir,
        ready: workerReady(taskQueue),
      });
      const api = new AppService({
        name: `api${name}`,
        entry: API_ENTRY,
        env: laneEnv,
        dir: workDir,
        ready: API_READY,
      });
      started.push(() => worker.stop());
      started.push(() => api.stop());
      lanes.push({ taskQueue, sandbox, worker, api, apiUrl: `http://127.0.0.1:${apiPort}` });
    }
    await Promise.all(lanes.flatMap((l) => [l.worker.start(), l.api.start()]));
    opts.log(
      `${opts.name}: PostgreSQL, Temporal dev server, ${lanes.length} worker(s) and API(s) up after ${Date.now() - t} ms`,
    );

    const sql = async (text: string, values?: unknown[]) => {
      const client = new PgClient({ connectionString: databaseUrl });
      await client.connect();
      try {
        return (await client.query(text, values)).rows;
      } finally {
        await client.end();
      }
    };
    return {
      ...lanes[0],
      lanes,
      workDir,
      databaseUrl,
      postgres,
      temporal,
      ownerKey,
      sql,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
