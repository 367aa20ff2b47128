import * as fs from 'node:fs';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { assertPortFree } from './port-in-use';
import { devServerSearchAttributeArgs } from './search-attribute-registry';
import { commandLine, logTail, type ServerProcess, spawnServer, stopLeftover } from './server-process';
import { resolveTemporalBinary } from './temporal-binaries';

/**
 * The Temporal CLI's dev server with its Web UI, for one-command starts. Its SQLite file lives
 * under the data folder, so workflows survive a restart; the onboarding search attributes are
 * registered on its command line. Its pid is kept in `temporal.pid` in the data folder, so a
 * server left running by a stack that was killed is recognised (by its SQLite file) and
 * stopped at the next start.
 */
export interface TemporalDevServerHandle {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

const STOP_SIGNAL = 'SIGTERM';
/** After its stop signal, the time it gets before SIGKILL. */
export const STOP_GRACE_MS = 10_000;

export async function startTemporalDevServer(opts: {
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** The codec endpoint the Web UI decodes payloads with (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string;
  /** Own session, away from the terminal's Ctrl-C (`npm start`); the owner must stop it. */
  ownProcessGroup?: boolean;
  log?: (line: string) => void;
}): Promise<TemporalDevServerHandle> {
  const cli = resolveTemporalBinary('temporal');
  if (!cli) {
    throw new Error(
      'Temporal CLI not found: run `npm run setup:temporal`, put `temporal` on PATH or set TEMPORAL_CLI_PATH',
    );
  }
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const dbFile = path.join(opts.dataDir, 'temporal.sqlite');
  const pidFile = path.join(opts.dataDir, 'temporal.pid');
  await stopLeftoverServer(pidFile, dbFile, opts.log);
  // Without this check a server on the port (another stack's) would answer our readiness probe.
  const setting = 'EMBEDDED_TEMPORAL_PORT / EMBEDDED_TEMPORAL_UI_PORT (or TEMPORAL_ADDRESS to use that server)';
  await assertPortFree(opts.port, { what: 'embedded Temporal', setting });
  await assertPortFree(opts.uiPort, { what: 'embedded Temporal UI', setting });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--ui-port',
    String(opts.uiPort),
    '--namespace',
    opts.namespace,
    '--db-filename',
    dbFile,
    '--log-level',
    'warn',
    ...devServerSearchAttributeArgs(),
    ...(opts.uiCodecEndpoint ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : []),
  ];
  const server = spawnServer({
    command: cli,
    args,
    logFile: path.join(opts.dataDir, 'temporal.log'),
    ownProcessGroup: opts.ownProcessGroup ?? false,
    stopSignal: STOP_SIGNAL,
  });
  fs.writeFileSync(pidFile, `${server.pid}\n`);
  const stop = async () => {
    await server.stop(STOP_SIGNAL, STOP_GRACE_MS);
    fs.rmSync(pidFile, { force: true });
  };
  const address = `127.0.0.1:${opts.port}`;
  try {
    await waitUntilServing(server, address);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, uiUrl: `http://127.0.0.1:${opts.uiPort}`, stop };
}

/** A dev server still running on this data folder's SQLite file was left by a stack that was killed. */
async function stopLeftoverServer(pidFile: string, dbFile: string, log?: (line: string) => void): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  const args = commandLine(pid);
  const db = args?.[args.indexOf('--db-filename') + 1];
  if (args && args.includes('start-dev') && db && path.resolve(db) === path.resolve(dbFile)) {
    log?.(`Temporal dev server (pid ${pid}) on ${dbFile} was left running by an earlier start: stopping it`);
    await stopLeftover(pid, STOP_SIGNAL, STOP_GRACE_MS);
  }
  fs.rmSync(pidFile, { force: true });
}

async function waitUntilServing(server: ServerProcess, address: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.hasExited()) {
      throw new Error(
        `Temporal dev server ${await server.exited} before serving on ${address}; the end of ${server.logFile}:\n${logTail(server.logFile)}`,
      );
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      if (Date.now() > deadline) {
        throw new Error(
          `Temporal dev server did not serve on ${address} within ${timeoutMs} ms: ${err}; see ${server.logFile}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
