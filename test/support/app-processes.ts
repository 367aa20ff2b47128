/**
 * The API and the worker as real processes, started from their built entries (dist/api/main.js,
 * dist/worker/main.js) as production runs them: a test that kills one kills a real process. Used
 * by the cluster run (test/cluster) and the fault suite (test/faults).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { formatKeyList, generateKeySet, type PayloadKeySet } from '../../src/infra/payload-codec';
import { logTail, type ServerProcess, spawnServer } from '../../src/infra/server-process';
import { ApiKeyStore } from '../../src/persistence/api-key-store';
import { upsertCsms } from '../../src/persistence/csm-roster';
import { dataSourceOptions, migrate } from '../../src/persistence/data-source';
import { PRINCIPAL_ROLES } from '../../src/domain/principal-roles';
import { TEST_CSMS } from '../fixtures/onboarding-input';

const root = path.resolve(__dirname, '../..');

export const WORKER_ENTRY = 'dist/worker/main.js';
export const API_ENTRY = 'dist/api/main.js';

export interface AppProcess {
  name: string;
  server: ServerProcess;
  /** What the worker reports as its identity to Temporal (the SDK's default, pid@host). */
  identity: string;
}

/** Fails at once, naming the command to run, when the entries have not been built. */
export function assertBuilt(command: string): void {
  for (const entry of [WORKER_ENTRY, API_ENTRY])
    if (!fs.existsSync(path.join(root, entry))) throw new Error(`${entry} is missing: ${command} builds it`);
}

/** Migrates the database, loads the test CSMs, and returns a new API key holding every role. */
export async function prepareDatabase(databaseUrl: string, keyName: string): Promise<string> {
  await migrate(databaseUrl);
  const dataSource = await new DataSource(dataSourceOptions(databaseUrl)).initialize();
  try {
    await upsertCsms(dataSource, TEST_CSMS);
    return (await new ApiKeyStore(dataSource).create({ name: keyName, roles: [...PRINCIPAL_ROLES] })).key;
  } finally {
    await dataSource.destroy();
  }
}

/**
 * The environment the API and worker processes share: where Temporal, PostgreSQL and the
 * migration platform are, one payload key set, and the page secrets (each process would make its
 * own in DATA_DIR otherwise). `extra` adds or overrides variables.
 */
export function appEnvironment(opts: {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  migrationPlatformUrl: string;
  dataDir: string;
  apiPort: number;
  keyId: string;
  extra?: NodeJS.ProcessEnv;
}): { env: NodeJS.ProcessEnv; keySet: PayloadKeySet } {
  const keySet = generateKeySet(opts.keyId);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: opts.databaseUrl,
    TEMPORAL_ADDRESS: opts.temporalAddress,
    TEMPORAL_NAMESPACE: opts.namespace,
    TEMPORAL_TASK_QUEUE: opts.taskQueue,
    MIGRATION_PLATFORM_URL: opts.migrationPlatformUrl,
    PAYLOAD_ENCRYPTION_KEYS: formatKeyList(keySet),
    PAYLOAD_ENCRYPTION_KEY_ID: keySet.currentKeyId,
    TRACKER_LINK_SECRET: randomBytes(32).toString('base64url'),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    DATA_DIR: opts.dataDir,
    PORT: String(opts.apiPort),
    LOG_LEVEL: 'info',
    ...opts.extra,
  };
  return { env, keySet };
}

/** Starts `entry` as its own process (own process group), its output in `logFile`. */
export function spawnApp(opts: { name: string; entry: string; env: NodeJS.ProcessEnv; logFile: string }): AppProcess {
  const server = spawnServer({
    command: process.execPath,
    args: [path.join(root, opts.entry)],
    logFile: opts.logFile,
    ownProcessGroup: true,
    stopSignal: 'SIGTERM',
    env: opts.env,
  });
  return { name: opts.name, server, identity: `${server.pid}@${os.hostname()}` };
}

/** The line a worker logs once it polls its task queue. */
export const workerReady = (taskQueue: string) => `worker polling task queue '${taskQueue}'`;
/** The line the API logs once it listens. */
export const API_READY = 'API on http://';

/** Waits for a line in the process's log (its structured JSON output); fails with the log's end when it exits first. */
export async function untilLogged(app: AppProcess, text: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = fs.existsSync(app.server.logFile) ? fs.readFileSync(app.server.logFile, 'utf8') : '';
    if (log.includes(text)) return;
    if (app.server.hasExited())
      throw new Error(`${app.name} ${await app.server.exited}:\n${logTail(app.server.logFile, 30)}`);
    if (Date.now() > deadline)
      throw new Error(`${app.name}: no '${text}' within ${timeoutMs} ms:\n${logTail(app.server.logFile)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
