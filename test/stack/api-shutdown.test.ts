/**
 * The API process (dist/api/main.js, as production runs it) stops on SIGTERM while a client keeps
 * sending on one keep-alive connection: the busy connection does not keep the process up until it
 * is killed (api/common/connection-draining.ts).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../src/infra/free-port';
import {
  API_ENTRY,
  API_READY,
  type AppProcess,
  appEnvironment,
  prepareDatabase,
  spawnApp,
  untilLogged,
} from '../support/app-processes';
import { createOwnDatabase, type OwnDatabase } from '../support/own-database';
import { testEnv } from '../support/test-env';

let db: OwnDatabase;
let api: AppProcess;
let dataDir: string;

afterAll(async () => {
  await api?.server.stop('SIGKILL', 1_000);
  await db?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

it('stops on SIGTERM while a client keeps its keep-alive connection busy', async () => {
  db = await createOwnDatabase('api_shutdown');
  const key = await prepareDatabase(db.url, 'shutdown test');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-shutdown-'));
  const port = await freePort();
  const { env } = appEnvironment({
    databaseUrl: db.url,
    temporalAddress: testEnv('temporalAddress'),
    namespace: 'default',
    taskQueue: 'api-shutdown-test',
    migrationPlatformUrl: 'http://127.0.0.1:9',
    dataDir,
    apiPort: port,
    keyId: 'shutdown-test',
  });
  api = spawnApp({ name: 'api', entry: API_ENTRY, env, logFile: path.join(dataDir, 'api.log') });
  await untilLogged(api, API_READY);

  // One socket, reused for every request, as a pooled HTTP client does.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const answers: Array<{ status: number; connection?: string }> = [];
  let stopped = false;
  const client = (async () => {
    while (!stopped) {
      const answer = await new Promise<{ status: number; connection?: string } | undefined>((resolve) => {
        const req = http.get(
          { host: '127.0.0.1', port, path: '/playbooks', agent, headers: { authorization: `Bearer ${key}` } },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
          },
        );
        // Refused or reset once the API is gone: the client stops there.
        req.on('error', () => resolve(undefined));
      });
      if (!answer) return;
      answers.push(answer);
    }
  })();
  while (answers.length < 20) await new Promise((r) => setTimeout(r, 20));
  expect(answers.every((a) => a.status === 200 && a.connection === 'keep-alive')).toBe(true);

  process.kill(api.server.pid, 'SIGTERM');
  // Before the fix the busy connection kept the API up until something killed it.
  const exited = await Promise.race([
    api.server.exited,
    new Promise<string>((r) => setTimeout(() => r('still running 30 s after SIGTERM'), 30_000)),
  ]);
  stopped = true;
  await client;
  agent.destroy();
  // Stopped by its own SIGTERM handling (Nest closes the app, then lets the signal end the
  // process), not killed: the connection was closed under the client.
  expect(exited).toBe('was stopped by SIGTERM');
}, 90_000);
