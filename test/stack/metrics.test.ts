/**
 * Metrics as an operator scrapes them from `npm start` (the built dist/src/stack/start.js): the
 * API's /metrics (open in the embedded default), the worker's through the Temporal runtime's own
 * Prometheus exporter on WORKER_METRICS_ADDRESS (which the runtime can install only once per
 * process, hence a stack of its own), the domain counters moving when an onboarding starts, and
 * the Grafana dashboard asking only for metrics the service exports.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { isRunning, stopLeftover } from '../../src/infra/server-process';
import { closedWonBody } from '../fixtures/onboarding-input';
import { authenticated, eventually } from '../support/api-harness';
import { freePort } from '../support/free-port';
import { dashboardPanels, metricNamesOf } from '../support/grafana-dashboard';

jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../..');
const entry = path.join(root, 'dist/src/stack/start.js');
let dataDir: string;
let stack: ChildProcess | undefined;
let output = '';
let api: string;
let workerMetrics: string;
let env: NodeJS.ProcessEnv;
/** An OTLP/HTTP receiver on this machine: the spans the stack exports. */
let collector: Server;
const spans: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; service: string }> = [];

beforeAll(async () => {
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: npm test builds it (npm run build)`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-metrics-'));
  // As the start test does: the embedded PostgreSQL may run as another user, which must reach it.
  fs.chmodSync(dataDir, 0o755);
  const [apiPort, pgPort, temporalPort, uiPort, metricsPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.headers['content-type'] === 'application/json')
        for (const rs of JSON.parse(body).resourceSpans ?? []) {
          const service = rs.resource.attributes.find((a: any) => a.key === 'service.name')?.value.stringValue;
          for (const ss of rs.scopeSpans) for (const span of ss.spans) spans.push({ ...span, service });
        }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${apiPort}`;
  workerMetrics = `http://127.0.0.1:${metricsPort}/metrics`;
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    PORT: String(apiPort),
    EMBEDDED_POSTGRES_PORT: String(pgPort),
    EMBEDDED_TEMPORAL_PORT: String(temporalPort),
    EMBEDDED_TEMPORAL_UI_PORT: String(uiPort),
    WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
    // Spans leave in batches: a short delay keeps the test short.
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  stack = spawn(process.execPath, [entry], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  stack.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  stack.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 120_000;
  while (!output.includes('Press Ctrl-C to stop.')) {
    if (stack.exitCode !== null) throw new Error(`stack exited with ${stack.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`stack not running after 120 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  if (stack && stack.exitCode === null && stack.signalCode === null) {
    const exited = new Promise((resolve) => stack!.once('exit', resolve));
    process.kill(-stack.pid!, 'SIGINT');
    await exited;
  }
  // Servers a failed stop left behind (their data folder records their pids).
  for (const [file, signal] of [
    ['postgres/postmaster.pid', 'SIGQUIT'],
    ['temporal.pid', 'SIGKILL'],
  ] as const) {
    const pid = Number(fs.readFileSync(path.join(dataDir, file), { encoding: 'utf8', flag: 'a+' }).split('\n')[0]);
    if (pid && isRunning(pid)) await stopLeftover(pid, signal, 5_000);
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  await new Promise((resolve) => collector?.close(resolve));
});

/** Temporal runtime metrics a quiet stack does not show yet: emitted from their first occurrence. */
const TEMPORAL_ON_FIRST_OCCURRENCE = [
  'temporal_activity_execution_failed_total',
  'temporal_local_activity_execution_failed_total',
  // An onboarding's first pass runs local activities only; regular ones come with a cutover, a
  // hypercare reading or a message the local try could not deliver.
  'temporal_activity_execution_latency_seconds_bucket',
  'temporal_activity_schedule_to_start_latency_seconds_bucket',
];

/** The value of one series, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find(
      (l) =>
        (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) &&
        wanted.every((w) => l.slice(0, l.lastIndexOf(' ')).includes(w)),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Every metric family a scrape shows. */
const families = (text: string) =>
  new Set([...text.matchAll(/^# TYPE (\S+) (\w+)$/gm)].flatMap(([, name, type]) => expandedNames(name, type)));
const expandedNames = (name: string, type: string) =>
  type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];

it('serves the API and worker metrics, and counts an onboarding started once', async () => {
  expect(output).toContain(`  Metrics      ${api}/metrics (API); worker: ${workerMetrics}`);
  expect(output).toContain(`  Traces       OTLP to ${env.OTEL_EXPORTER_OTLP_ENDPOINT}`);
  const admin = authenticated(api, fs.readFileSync(path.join(dataDir, 'admin.key'), 'utf8').trim());
  await admin.post('/onboardings').send(closedWonBody('metrics-1', 'smb')).expect(201);

  // The embedded default listens on this machine only: open without a key, like the codec endpoint.
  const apiText = (await request(api).get('/metrics').expect(200)).text;
  expect(sample(apiText, 'http_requests_total', { method: 'POST', route: '/onboardings', status: '201' })).toBe(1);
  expect(apiText).not.toContain('metrics-1');

  // The projection recorded the start: counted once, however often the state is projected.
  // The pass's local activity records (and counts) the events inside the workflow task: wait for
  // that task's own metrics too, recorded once it completes.
  const workerText = await eventually(async () => {
    const text = await (await fetch(workerMetrics)).text();
    const recorded = sample(text, 'onboarding_events_total', { type: 'onboarding.csm_assigned' });
    return recorded && sample(text, 'temporal_workflow_task_execution_latency_seconds_count') ? text : undefined;
  });
  expect(sample(workerText, 'onboarding_events_total', { type: 'onboarding.started' })).toBe(1);
  expect(workerText).not.toContain('metrics-1');
  for (const name of [
    'temporal_workflow_task_schedule_to_start_latency_seconds_count',
    'temporal_local_activity_execution_latency_seconds_count',
    'temporal_worker_task_slots_available',
  ])
    expect(sample(workerText, name)).toBeGreaterThan(0);

  // Every query of the dashboard names a metric the service exports: seen in these scrapes, or
  // one exported from its first occurrence (a failed activity, an escalation): Temporal's listed
  // below (its SDK metrics reference), ours declared in src/infra/domain-counters.ts.
  const exported = new Set([...families(apiText), ...families(workerText)]);
  const counters = fs.readFileSync(path.join(root, 'src/infra/domain-counters.ts'), 'utf8');
  const unknown: string[] = [];
  for (const panel of dashboardPanels())
    for (const name of metricNamesOf(panel)) {
      const declared = name.startsWith('onboarding_') && counters.includes(`'${name.replace(/_total$/, '')}'`);
      if (!exported.has(name) && !declared && !TEMPORAL_ON_FIRST_OCCURRENCE.includes(name))
        unknown.push(`${panel.title}: ${name}`);
    }
  expect(unknown).toEqual([]);
});

it('names WORKER_METRICS_ADDRESS when its port is taken, before starting anything', async () => {
  // The running stack's worker holds the port (the other ports too: nothing else gets that far).
  const second = spawn(process.execPath, [entry], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  second.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  second.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const code = await new Promise((resolve) => second.once('exit', resolve));
  expect(code).toBe(1);
  expect(text.trimEnd().split('\n').at(-1)).toMatch(
    new RegExp(`^start failed: WORKER_METRICS_ADDRESS ${env.WORKER_METRICS_ADDRESS}: .*[Aa]ddress already in use`),
  );
  expect(text).not.toContain('PostgreSQL (embedded)');
});

it('traces a request through the Temporal client to the workflow and its activities, when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
  const admin = authenticated(api, fs.readFileSync(path.join(dataDir, 'admin.key'), 'utf8').trim());
  await admin.post('/onboardings').send(closedWonBody('traced-1', 'smb')).expect(201);
  let traceId = '';
  const names = await eventually(async () => {
    const request = spans.filter((s) => s.name === 'POST /onboardings').map((s) => s.traceId);
    traceId =
      spans.find((s) => s.name === 'RunActivity:recordOnboardingPass' && request.includes(s.traceId))?.traceId ?? '';
    return traceId ? spans.filter((s) => s.traceId === traceId).map((s) => s.name) : undefined;
  });
  expect(names).toEqual(
    expect.arrayContaining([
      'POST /onboardings',
      'StartWorkflow:onboardingWorkflow',
      'RunActivity:recordOnboardingPass',
    ]),
  );
  // One chain: the request's span is the parent of the client's StartWorkflow span.
  const started = spans.find((s) => s.name === 'StartWorkflow:onboardingWorkflow' && s.traceId === traceId);
  const requestSpan = spans.find((s) => s.name === 'POST /onboardings' && s.traceId === started?.traceId);
  expect(started?.parentSpanId).toBe(requestSpan?.spanId);
  // Named by route templates and Temporal's operation names: no account id in any span name.
  expect(spans.map((s) => s.name).join('\n')).not.toContain('traced-1');
});
