/**
 * The README's first command line, as a user runs it: `npm start` (the built
 * dist/src/stack/start.js) brings up PostgreSQL, the Temporal dev server with its UI, the
 * worker and the API; Ctrl-C stops all of it; a second start finds the onboardings again.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { closedWonBody } from '../fixtures/onboarding-input';
import { eventually } from '../support/api-harness';
import { freePort } from '../support/free-port';

jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../..');
const entry = path.join(root, 'dist/src/stack/start.js');
let dataDir: string;
let env: NodeJS.ProcessEnv;
let api: string;
let ui: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: npm test builds it (npm run build)`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-stack-'));
  fs.chmodSync(dataDir, 0o755);
  const [apiPort, pgPort, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  api = `http://127.0.0.1:${apiPort}`;
  ui = `http://127.0.0.1:${uiPort}`;
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    PORT: String(apiPort),
    EMBEDDED_POSTGRES_PORT: String(pgPort),
    EMBEDDED_TEMPORAL_PORT: String(temporalPort),
    EMBEDDED_TEMPORAL_UI_PORT: String(uiPort),
  };
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the stack and resolves with its output once it says it is running. */
function startStack(): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [entry], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl-C to stop.')) resolve({ child, output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`stack exited with ${code} before it was running:\n${output}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

it('starts everything, stops cleanly on Ctrl-C, and keeps the onboardings across a restart', async () => {
  const first = await startStack();
  expect(first.output()).toContain(`API          http://localhost:${env.PORT}`);
  expect(first.output()).toContain(`Temporal UI  ${ui}`);
  expect(first.output()).toContain('migrations applied: CreateOnboardings1764150000000');

  await request(api).post('/onboardings').send(closedWonBody('stack-1', 'smb')).expect(201);
  const recorded = await request(api).post('/onboardings/onboarding-stack-1/milestones/first-login').send({ actor: 'csm:ana' }).expect(200);
  const revision = recorded.body.revision;
  await eventually(async () => {
    const res = await request(api).get('/onboardings').expect(200);
    return res.body.items.find((r: any) => r.id === 'onboarding-stack-1' && r.revision >= revision);
  });
  // The demo roster of the embedded stack assigned a CSM.
  const live = await request(api).get('/onboardings/onboarding-stack-1').expect(200);
  expect(live.body.csm).toMatchObject({ id: expect.stringMatching(/^csm-/) });
  // Without SMTP_URL the welcome mail is built and logged, not sent.
  const mailLog = /mail not sent \(SMTP_URL is not set\): to .*, subject "Get started with your account, Account stack-1"/;
  await eventually(async () => (mailLog.test(first.output()) ? true : undefined));
  const uiPage = await request(ui).get('/').expect(200);
  expect(uiPage.text).toContain('<html');

  expect(await stop(first.child)).toBe(0);
  for (const part of ['API', 'worker', 'Temporal dev server', 'PostgreSQL']) expect(first.output()).toContain(`stopped ${part}`);

  const second = await startStack();
  expect(second.output()).toContain('database schema is up to date');
  const state = await request(api).get('/onboardings/onboarding-stack-1').expect(200);
  expect(state.body).toMatchObject({ tier: 'self-service', stage: { key: 'technical-setup' }, revision: live.body.revision });
  const list = await request(api).get('/onboardings').expect(200);
  expect(list.body.items.map((r: any) => r.id)).toContain('onboarding-stack-1');
  expect(await stop(second.child)).toBe(0);
});
