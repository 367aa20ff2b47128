import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { devServerSearchAttributeArgs } from './search-attribute-registry';
import { resolveTemporalBinary } from './temporal-binaries';

/**
 * The Temporal CLI's dev server with its Web UI, for one-command starts. Its SQLite file lives
 * under the data folder, so workflows survive a restart; the onboarding search attributes are
 * registered on its command line.
 */
export interface TemporalDevServerHandle {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(opts: {
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  log?: (line: string) => void;
}): Promise<TemporalDevServerHandle> {
  const cli = resolveTemporalBinary('temporal');
  if (!cli) {
    throw new Error('Temporal CLI not found: run `npm run setup:temporal`, put `temporal` on PATH or set TEMPORAL_CLI_PATH');
  }
  // Without this check a leftover server on the port would answer our readiness probe.
  for (const port of [opts.port, opts.uiPort]) {
    if (await isListening(port)) {
      throw new Error(
        `port ${port} on 127.0.0.1 is already in use (another stack still running?): stop it, or set ` +
          'EMBEDDED_TEMPORAL_PORT / EMBEDDED_TEMPORAL_UI_PORT, or TEMPORAL_ADDRESS to use that server',
      );
    }
  }
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(opts.port),
    '--ui-port', String(opts.uiPort),
    '--namespace', opts.namespace,
    '--db-filename', path.join(opts.dataDir, 'temporal.sqlite'),
    '--log-level', 'warn',
    ...devServerSearchAttributeArgs(),
  ];
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const forward = (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach((l) => opts.log?.(l));
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const address = `127.0.0.1:${opts.port}`;
  await waitUntilServing(child, address);
  return {
    address,
    uiUrl: `http://127.0.0.1:${opts.uiPort}`,
    stop: () => stopChild(child),
  };
}

async function waitUntilServing(child: ChildProcess, address: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${signal ?? code}`));
  for (;;) {
    if (exited) throw new Error(`Temporal dev server ${exited} before serving on ${address}`);
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
        await stopChild(child);
        throw new Error(`Temporal dev server did not serve on ${address} within ${timeoutMs} ms: ${err}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
