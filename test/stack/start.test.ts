/**
 * The README's first command line, as a user runs it: `npm start` (the built
 * dist/src/stack/start.js) brings up PostgreSQL, the Temporal dev server with its UI, the
 * worker and the API, and stops them in order however it is told to stop: Ctrl-C in a
 * terminal (SIGINT to the whole foreground process group), a signal to the npm process alone (a
 * process manager, a container runtime), or a SIGKILL, after which the next start takes over.
 * Each test starts the stack in a process group of its own, as a terminal would. The Ctrl-C and
 * SIGTERM tests run the real `npm start` (setup, build, then `exec node`), so npm is in the
 * process group the terminal signals, and forwards the signal to the stack as well.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { isListening } from '../../src/infra/port-in-use';
import { commandLine, isRunning, stopLeftover } from '../../src/infra/server-process';
import { closedWonBody, COMPLETE_HANDOFF, SALES_OWNER } from '../fixtures/onboarding-input';
import { authenticated, eventually } from '../support/api-harness';
import { freePort } from '../support/free-port';

jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../..');
const entry = path.join(root, 'dist/src/stack/start.js');
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;
let dataDir: string;
let env: NodeJS.ProcessEnv;
let api: string;
let ui: string;
let ports: number[];
/** The payload key file the first start created; later starts must keep using it. */
let adminKey: string;
let keyFileContent: string;
const launched: Stack[] = [];

interface Stack {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

beforeAll(async () => {
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: npm test builds it (npm run build)`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-stack-'));
  fs.chmodSync(dataDir, 0o755);
  ports = [await freePort(), await freePort(), await freePort(), await freePort()];
  const [apiPort, pgPort, temporalPort, uiPort] = ports;
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

// A failed test must leave neither a stack nor its servers running (the next test needs the ports).
afterEach(async () => {
  for (const stack of launched.splice(0)) {
    if (stack.child.exitCode === null && stack.child.signalCode === null) signalGroup(stack, 'SIGKILL');
    await stack.exited;
  }
  const { postgres, temporal } = serverPids();
  if (postgres && isRunning(postgres)) await stopLeftover(postgres, 'SIGQUIT', 5_000);
  if (temporal && isRunning(temporal)) await stopLeftover(temporal, 'SIGKILL', 5_000);
});

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Like a shell: the command leads a process group of its own (the terminal's foreground group). */
function launch(command: string, args: string[]): Stack {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const stack = { child, output: () => output, exited };
  launched.push(stack);
  return stack;
}

/** Resolves once the stack says it is running. */
async function untilRunning(stack: Stack): Promise<Stack> {
  const deadline = Date.now() + 120_000;
  let ended: string | undefined;
  void stack.exited.then(({ code, signal }) => (ended = `${signal ?? code}`));
  while (!stack.output().includes('Press Ctrl-C to stop.')) {
    if (ended !== undefined) throw new Error(`stack exited with ${ended} before it was running:\n${stack.output()}`);
    if (Date.now() > deadline) throw new Error(`stack not running after 120 s:\n${stack.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return stack;
}

const startStack = () => untilRunning(launch(process.execPath, [entry]));

function signalGroup(stack: Stack, signal: NodeJS.Signals): void {
  process.kill(-stack.child.pid!, signal);
}

/** The embedded servers' pids as their data folder records them. */
function serverPids(): { postgres?: number; temporal?: number } {
  const firstLine = (file: string) => {
    try {
      return Number(fs.readFileSync(path.join(dataDir, file), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  };
  return { postgres: firstLine('postgres/postmaster.pid'), temporal: firstLine('temporal.pid') };
}

/**
 * What the stack's own process wrote under `npm start`: npm's script banners and the setup's
 * line come first, the last of them the build's (`> tsc -p tsconfig.build.json`).
 */
function stackOutput(output: string): string {
  const buildBanner = `> ${scripts.build}\n\n`;
  const at = output.indexOf(buildBanner);
  if (at < 0) throw new Error(`npm's banner for the build is not in the output:\n${output}`);
  return output.slice(at + buildBanner.length);
}

/** Nothing of the process group is left (npm, node), nor the servers in their own groups. */
async function expectNothingLeft(stack: Stack, servers: { postgres?: number; temporal?: number }): Promise<void> {
  expect(() => process.kill(-stack.child.pid!, 0)).toThrow(/ESRCH/);
  expect(isRunning(servers.postgres!) || isRunning(servers.temporal!)).toBe(false);
  expect(serverPids()).toEqual({ postgres: undefined, temporal: undefined });
  for (const port of ports) expect(await isListening(port)).toBe(false);
}

/** The stop lines, in the order they were logged. */
function stopOrder(output: string): string[] {
  return [...output.matchAll(/"msg":"stopped ([^"]+)"/g)].map((m) => m[1]);
}

const DOCUMENTED_ORDER = ['API', 'worker', 'Temporal dev server', 'PostgreSQL'];

function expectStoppedInOrder(output: string): void {
  expect(stopOrder(output).filter((part) => DOCUMENTED_ORDER.includes(part))).toEqual(DOCUMENTED_ORDER);
}

/** Calls with the key the first start created and kept in the data folder, as the README's examples do. */
const admin = () => authenticated(api, fs.readFileSync(path.join(dataDir, 'admin.key'), 'utf8').trim());

/** A closed-won onboarding, recorded in the read model (the projection activity ran). */
async function createOnboarding(accountId: string): Promise<void> {
  await admin().post('/onboardings').send(closedWonBody(accountId, 'smb')).expect(201);
  await eventually(async () => {
    const res = await admin().get('/onboardings').expect(200);
    return res.body.items.find((r: any) => r.id === `onboarding-${accountId}`);
  });
}

it('npm start: the URL block last, JSON lines without personal data, and on Ctrl-C it stops in order', async () => {
  // As typed in a terminal: the foreground process group is npm and, after its `exec`, the stack.
  const stack = await untilRunning(launch('npm', ['start']));
  const started = stackOutput(stack.output());
  // What a person needs is the last thing on the screen; Nest's route lines are at debug.
  expect(started.trimEnd().split('\n').at(-1)).toBe('Press Ctrl-C to stop.');
  expect(started).toContain(`API          ${api}`);
  expect(started).toContain(`Temporal UI  ${ui}`);
  expect(started).not.toContain('Mapped {');
  const block = started.slice(started.indexOf('\nOnboarding Orchestrator is running:'));
  for (const line of started
    .slice(0, started.length - block.length)
    .split('\n')
    .filter(Boolean))
    expect(() => JSON.parse(line)).not.toThrow();
  expect(started).toContain('migrations applied: CreateOnboardings1764150000000');
  // The first start made the owner's key: shown once in the URL block, kept readable by its owner only.
  const adminKeyFile = path.join(dataDir, 'admin.key');
  expect(fs.statSync(adminKeyFile).mode & 0o777).toBe(0o600);
  adminKey = fs.readFileSync(adminKeyFile, 'utf8').trim();
  expect(started).toContain(`  Admin key    ${adminKey} (every role; shown once, kept in ${adminKeyFile})`);
  await request(api).get('/onboardings').expect(401);

  await createOnboarding('stack-1');
  const live = await admin().get('/onboardings/onboarding-stack-1').expect(200);
  // The demo roster of the embedded stack assigned a CSM.
  expect(live.body.csm).toMatchObject({ id: expect.stringMatching(/^csm-/) });
  // Without SMTP_URL the welcome mail is built and logged by ids, not sent.
  const mailLine = await eventually(async () =>
    stack
      .output()
      .split('\n')
      .find((l) => l.includes('"msg":"mail not sent (SMTP_URL is not set)"') && l.includes('"event":"welcome"')),
  );
  expect(JSON.parse(mailLine)).toMatchObject({ workflowId: 'onboarding-stack-1', recipients: expect.any(Number) });
  await request(ui).get('/').expect(200);
  // The weekly summary's schedule was created at start, and its reports can be listed.
  const connection = await Connection.connect({ address: `127.0.0.1:${ports[2]}` });
  try {
    // Listing schedules goes through visibility, which may trail the create by a moment.
    await eventually(async () => {
      for await (const schedule of new Client({ connection }).schedule.list())
        if (schedule.scheduleId === 'summary-report-weekly') return true;
      return undefined;
    });
  } finally {
    await connection.close();
  }
  await admin().get('/reports').expect(200, { reports: [], total: 0 });
  // Payloads are encrypted with the key file the first start created, and the UI decodes them through the API.
  const keyFile = path.join(dataDir, 'payload-keys.json');
  expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
  keyFileContent = fs.readFileSync(keyFile, 'utf8');
  const devServerArgs = commandLine(serverPids().temporal!)!;
  expect(devServerArgs[devServerArgs.indexOf('--ui-codec-endpoint') + 1]).toBe(`${api}/codec`);
  const encoded = await request(api).post('/codec/encode').set('Origin', ui).send({ payloads: [] }).expect(200);
  expect(encoded.headers['access-control-allow-origin']).toBe(ui);

  // A failed request: its id is kept and logged; its query string and body are not.
  const failed = await admin()
    .post('/onboardings?notify=ana.query@customer.example')
    .set('X-Request-Id', 'stack-test-failed-1')
    .send({ ...closedWonBody('stack-bad'), segment: 'nonsense' })
    .expect(400);
  expect(failed.headers['x-request-id']).toBe('stack-test-failed-1');
  const requestLine = await eventually(async () =>
    stack
      .output()
      .split('\n')
      .find((l) => l.includes('stack-test-failed-1')),
  );
  expect(JSON.parse(requestLine)).toMatchObject({
    req: { id: 'stack-test-failed-1', method: 'POST', path: '/onboardings' },
    res: { statusCode: 400 },
  });
  await admin()
    .post('/onboardings')
    .set('content-type', 'application/json')
    .send('{"email": "broken.json@customer.example"')
    .expect(400);

  // Activities are running (CSM assignment, projection, welcome) when Ctrl-C arrives.
  await admin().post('/onboardings').send(closedWonBody('stack-2', 'smb')).expect(201);
  const servers = serverPids();
  expect(isRunning(servers.postgres!) && isRunning(servers.temporal!)).toBe(true);
  signalGroup(stack, 'SIGINT');
  // npm's exit status is the stack's.
  expect(await stack.exited).toEqual({ code: 0, signal: null });
  const output = stackOutput(stack.output());
  expectStoppedInOrder(output);
  expect(output).toMatch(/"msg":"SIGINT: stopping"/);
  // The terminal's SIGINT and, when npm forwards it in time, npm's copy reach the stack: it stops once.
  expect(output.match(/"msg":"SIGINT: stopping"/g)).toHaveLength(1);
  expect((output.match(/"msg":"SIGINT while stopping: already stopping"/g) ?? []).length).toBeLessThanOrEqual(1);
  await expectNothingLeft(stack, servers);
  // PostgreSQL was not stopped under the worker (the terminal's SIGINT did not reach it): it got
  // its shutdown request only after the stack had stopped the worker and Temporal.
  const stoppedTemporalAt = JSON.parse(
    output.split('\n').find((l) => l.includes('"msg":"stopped Temporal dev server"'))!,
  ).time;
  const shutdownRequest = /^(\S+ \S+) UTC \[\d+\] LOG: {2}received fast shutdown request$/m.exec(
    fs.readFileSync(path.join(dataDir, 'postgres.log'), 'utf8'),
  );
  expect(Date.parse(`${shutdownRequest![1].replace(' ', 'T')}Z`)).toBeGreaterThanOrEqual(stoppedTemporalAt);
  expect(output).not.toMatch(/terminating connection due to administrator command|Activity failed/);
  expect(output).not.toMatch(/"level":[56]0/);

  const personal = [
    COMPLETE_HANDOFF.stakeholders![0].name,
    SALES_OWNER.name,
    'Ana Lopez',
    'Get started with your account',
  ];
  expect(output).not.toMatch(/[\w.+-]+@[\w-]+(\.[\w-]+)+/);
  for (const text of personal) expect(output).not.toContain(text);
});

it('stops in order when only the npm process gets SIGTERM, and leaves no server of its data folder running', async () => {
  // The real script (setup, build, then the stack), as a process manager runs it.
  const npm = await untilRunning(launch('npm', ['start']));
  const servers = serverPids();
  expect(isRunning(servers.postgres!) && isRunning(servers.temporal!)).toBe(true);
  await admin().get('/onboardings/onboarding-stack-1').expect(200);

  process.kill(npm.child.pid!, 'SIGTERM');
  expect(await npm.exited).toEqual({ code: 0, signal: null });
  expectStoppedInOrder(npm.output());
  expect(npm.output()).toMatch(/"msg":"SIGTERM: stopping"/);
  await expectNothingLeft(npm, servers);
});

it('after a SIGKILL of the whole stack, the next start stops the servers it left and serves the onboardings again', async () => {
  const crashed = await startStack();
  await createOnboarding('stack-3');
  const left = serverPids();
  signalGroup(crashed, 'SIGKILL');
  expect((await crashed.exited).signal).toBe('SIGKILL');
  // In their own process groups, the servers outlived the stack.
  expect(isRunning(left.postgres!) && isRunning(left.temporal!)).toBe(true);

  // As the README says: run `npm start` again.
  const next = await untilRunning(launch('npm', ['start']));
  expect(next.output()).toContain(
    `PostgreSQL (pid ${left.postgres}) on ${path.join(dataDir, 'postgres')} was left running by an earlier start: stopping it`,
  );
  expect(next.output()).toContain(
    `Temporal dev server (pid ${left.temporal}) on ${path.join(dataDir, 'temporal.sqlite')} was left running by an earlier start: stopping it`,
  );
  expect(isRunning(left.postgres!) || isRunning(left.temporal!)).toBe(false);
  const list = await admin().get('/onboardings').expect(200);
  expect(list.body.items.map((r: any) => r.id)).toEqual(
    expect.arrayContaining(['onboarding-stack-1', 'onboarding-stack-3']),
  );
  // Decoded with the same key: the key file was read, not made again.
  await admin().get('/onboardings/onboarding-stack-3').expect(200);
  await admin().get('/onboardings/onboarding-stack-1').expect(200);
  expect(fs.readFileSync(path.join(dataDir, 'payload-keys.json'), 'utf8')).toBe(keyFileContent);
  // The owner's key is kept too, and not shown again.
  expect(fs.readFileSync(path.join(dataDir, 'admin.key'), 'utf8').trim()).toBe(adminKey);
  expect(next.output()).not.toContain(adminKey);
  expect(next.output()).toContain(`  Admin key    in ${path.join(dataDir, 'admin.key')} (every role)`);

  signalGroup(next, 'SIGINT');
  expect(await next.exited).toEqual({ code: 0, signal: null });
  expectStoppedInOrder(next.output());
});

it('names the port and the process in the way, and what to do, instead of starting', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(Number(env.PORT), '127.0.0.1', resolve));
  try {
    const stack = launch(process.execPath, [entry]);
    expect(await stack.exited).toEqual({ code: 1, signal: null });
    expect(stack.output().trimEnd().split('\n').at(-1)).toMatch(
      new RegExp(
        `^start failed: port ${env.PORT} \\(API\\) is already in use by process ${process.pid} \\(.*node.*\\): stop it, or set PORT to a free port$`,
      ),
    );
    expect(serverPids()).toEqual({ postgres: undefined, temporal: undefined });
  } finally {
    await new Promise((r) => blocker.close(r));
  }
});
