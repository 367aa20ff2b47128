import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import { EMBEDDED_POSTGRES_PASSWORD, EMBEDDED_POSTGRES_USER, embeddedDatabaseUrl } from './embedded-database';
import { assertPortFree } from './port-in-use';
import { commandLine, logTail, spawnServer, stopLeftover } from './server-process';

/**
 * A real PostgreSQL (the `embedded-postgres` package ships the server binaries) for one-command
 * starts and tests. Its data folder persists, so onboardings survive a restart.
 *
 * The package creates the cluster (initdb, and a `postgres` system user when run as root), but
 * the server is started here: the package's start() runs it in our process group, where a
 * Ctrl-C in the terminal stops it under a worker that is still draining, and it rejects with
 * no reason (`undefined`) when PostgreSQL does not come up.
 */
export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

// embedded-postgres is an ES module; a native import() keeps TypeScript's CommonJS output
// from turning it into require(). Resolved to a file first, so it works from any directory.
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;
const importPackage = (name: string) => importEsm(pathToFileURL(require.resolve(name)).href);

const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;

/**
 * On import, embedded-postgres installs `async-exit-hook`, which answers SIGINT/SIGTERM by
 * stopping PostgreSQL and exiting at once, in the middle of our own ordered shutdown (worker
 * drain, API close). Whoever starts it here stops it, so those listeners are removed.
 */
async function importEmbeddedPostgres(): Promise<any> {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await importPackage('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return mod.default;
}

/** The `postgres` binary of the platform package embedded-postgres installed for this machine. */
async function postgresBinary(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return (await importPackage(`@embedded-postgres/${platform}-${process.arch}`)).postgres;
}

/** PostgreSQL's fast shutdown: open transactions roll back, then a clean checkpoint. */
const STOP_SIGNAL = 'SIGINT';
/** After its stop signal, the time it gets before SIGKILL. */
export const STOP_GRACE_MS = 30_000;

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database: string;
  /** Own session, away from the terminal's Ctrl-C (`npm start`); the owner must stop it. */
  ownProcessGroup?: boolean;
  log?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const user = EMBEDDED_POSTGRES_USER;
  const password = EMBEDDED_POSTGRES_PASSWORD;
  // initialise() fails on a folder that already holds a cluster.
  if (!fs.existsSync(path.join(opts.dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(path.dirname(opts.dataDir), { recursive: true });
    const pg = new EmbeddedPostgres({
      databaseDir: opts.dataDir,
      user,
      password,
      // Root cannot run postgres; the package then creates and uses a `postgres` system user.
      createPostgresUser: true,
      onLog: () => undefined,
      onError: (m: unknown) => opts.log?.(String(m).trimEnd()),
    });
    await pg.initialise();
  }
  await stopLeftoverPostgres(opts.dataDir, opts.log);
  await assertPortFree(opts.port, {
    what: 'embedded PostgreSQL',
    setting: 'EMBEDDED_POSTGRES_PORT (or DATABASE_URL to use a PostgreSQL of yours)',
  });

  // Run as the owner of the data folder: initialise() gave it to the `postgres` user when root.
  const owner = fs.statSync(opts.dataDir);
  const server = spawnServer({
    command: await postgresBinary(),
    // Log times in UTC, like the stack's own log lines, so that the two can be read side by side.
    args: ['-D', opts.dataDir, '-p', String(opts.port), '-c', 'log_timezone=UTC'],
    logFile: path.join(path.dirname(opts.dataDir), 'postgres.log'),
    ownProcessGroup: opts.ownProcessGroup ?? false,
    ...(process.getuid?.() === 0 ? { uid: owner.uid, gid: owner.gid } : {}),
    stopSignal: STOP_SIGNAL,
  });
  const connection = { host: '127.0.0.1', port: opts.port, user, password };
  try {
    await waitUntilAccepting(connection, server, opts.dataDir);
    await createDatabaseIfMissing(connection, opts.database);
  } catch (err) {
    await server.stop(STOP_SIGNAL, STOP_GRACE_MS);
    throw err;
  }
  return {
    url: embeddedDatabaseUrl(opts.port, opts.database),
    stop: () => server.stop(STOP_SIGNAL, STOP_GRACE_MS),
  };
}

/**
 * postmaster.pid names the server that runs on a data folder. When that server is still running
 * on this very folder, a stack that was killed (SIGKILL, OOM) left it behind: it is ours, so it
 * is stopped cleanly before a new one starts. A postmaster.pid whose process is gone is stale,
 * and PostgreSQL replaces it itself.
 */
async function stopLeftoverPostgres(dataDir: string, log?: (line: string) => void): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  const args = commandLine(pid);
  const folder = args?.[args.indexOf('-D') + 1];
  if (!args || path.basename(args[0]) !== 'postgres' || !folder || path.resolve(folder) !== path.resolve(dataDir))
    return;
  log?.(`PostgreSQL (pid ${pid}) on ${dataDir} was left running by an earlier start: stopping it`);
  await stopLeftover(pid, STOP_SIGNAL, STOP_GRACE_MS);
}

type Connection = { host: string; port: number; user: string; password: string };

async function waitUntilAccepting(
  connection: Connection,
  server: ReturnType<typeof spawnServer>,
  dataDir: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.hasExited()) {
      const tail = logTail(server.logFile);
      const hint = /postmaster\.pid/.test(tail)
        ? `\nIf no PostgreSQL runs on ${dataDir} any more, delete ${path.join(dataDir, 'postmaster.pid')} and start again.`
        : '';
      throw new Error(
        `PostgreSQL ${await server.exited} before accepting connections on port ${connection.port}; ` +
          `the end of ${server.logFile}:\n${tail}${hint}`,
      );
    }
    const client = new Client({ ...connection, database: 'postgres', connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      return;
    } catch (err) {
      // A wrong password will not get better by waiting (a data folder made with other credentials).
      if (['28P01', '28000'].includes((err as { code?: string }).code ?? '')) throw err;
      if (Date.now() > deadline) {
        await server.stop(STOP_SIGNAL, STOP_GRACE_MS);
        throw new Error(
          `PostgreSQL did not accept connections on port ${connection.port} within ${timeoutMs} ms; see ${server.logFile}`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

async function createDatabaseIfMissing(connection: Connection, database: string): Promise<void> {
  const client = new Client({ ...connection, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
