/**
 * `npm run bench`: the service's speed, CPU and memory against the Temporal server it runs on,
 * measured in one run on the same servers (issue 11). It starts its own embedded PostgreSQL and
 * Temporal dev server in a temporary folder, then the API, the onboarding worker, a minimal
 * worker and a bare HTTP query server as separate processes (so each one's CPU and memory can be
 * read from /proc), and prints: the API's start, command and query paths against the raw Temporal
 * client doing the same work (both orders, and while the worker catches up with an earlier
 * burst), queries also through the bare server, with each burst's CPU per call; the minimal
 * workflow's rates as the server's ceiling; CPU per first pass and per accepted command; catch-up time;
 * memory per live onboarding and list latency as the live count grows; timer-fire lag under load.
 * A measurement, not a test: nothing fails on a slow machine. Linux only (/proc).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { EXAMPLE_HANDOFF, EXAMPLE_SALES_OWNER } from '../domain/example-deal';
import { requestFingerprint } from '../../api/common/request-fingerprint';
import {
  getStateQuery,
  ONBOARDING_WORKFLOW_TYPE,
  onboardingIdForAccount,
  recordMilestoneUpdate,
} from '../contracts/onboarding.contract';
import { ACCOUNT_ID, STAGE, STATUS, TIER } from '../contracts/search-attributes';
import { type OnboardingInput, startOnboarding } from '../domain/onboarding';
import type { RecordMilestoneCommand } from '../domain/commands';
import type { Attributed } from '../domain/principal';
import { PRINCIPAL_ROLES } from '../domain/principal-roles';
import type { Playbook } from '../domain/playbook';
import type { Tier } from '../domain/segment';
import { loadSettings } from '../config/settings';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { freePort } from '../infra/free-port';
import { ensureKeyFile } from '../infra/payload-codec';
import { payloadCodecFor } from '../infra/payload-encryption';
import { type ServerProcess, spawnServer } from '../infra/server-process';
import { connectClient } from '../infra/temporal-connection';
import { startTemporalDevServer } from '../infra/temporal-dev-server';
import { ApiKeyStore } from '../persistence/api-key-store';
import { upsertCsms } from '../persistence/csm-roster';
import { dataSourceOptions, migrate } from '../persistence/data-source';
import { PlaybookStore } from '../playbooks/playbook-store';
import { type BurstSummary, percentile, ratio, summarizeBurst } from './bench-stats';
import { bumpUpdate, finishSignal, MINIMAL_TASK_QUEUE } from './minimal-workflow';
import { KeepAliveHttp } from './keep-alive-http';
import { cpuBetween, sampleUsage, type Usage } from './proc-usage';

const env = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a whole number, got ${process.env[name]}`);
  return value;
};
const REQUESTS = env('BENCH_REQUESTS', 300);
const CONCURRENCY = env('BENCH_CONCURRENCY', 16);
const LIVE = env('BENCH_LIVE', 1000);
/** Opt-in second step (e.g. 10000): it takes long on 2 cores. 0: off. */
const LIVE_MAX = env('BENCH_LIVE_MAX', 0);
const TIMERS = env('BENCH_TIMERS', 200);
/** How long after its start an onboarding's reminder is due, in the timer-lag measurement. */
const REMINDER_DELAY_S = 20;
const CATCHUP_TIMEOUT_MS = env('BENCH_CATCHUP_TIMEOUT_S', 900) * 1000;
const LIST_RUNS = 50;
const WARMUP = 20;
const NAMESPACE = 'default';
const TASK_QUEUE = 'onboarding';

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

interface Stack {
  dir: string;
  db: DataSource;
  raw: Client;
  /** Without the payload codec: the minimal worker has none (the ceiling has no application work). */
  plain: Client;
  apiUrl: string;
  apiKey: string;
  keyPrefix: string;
  /** The bare query server (src/bench/bare-query-server.ts): the HTTP hop without the API. */
  bareUrl: string;
  pids: { worker: number; api: number; temporal: number; postgres: number; minimal: number; bare: number };
  stop(): Promise<void>;
}

const SEGMENT = 'enterprise';
const closedWonBody = (accountId: string) => ({
  account: { id: accountId, name: `Account ${accountId}` },
  segment: SEGMENT,
  handoff: EXAMPLE_HANDOFF,
  salesOwner: EXAMPLE_SALES_OWNER,
});

async function startStack(): Promise<Stack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'throughput-bench-'));
  fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as its own user and must reach its folder
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err) => log(`stop: ${err}`));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const pgDir = path.join(dir, 'postgres');
    const pg = await startEmbeddedPostgres({ dataDir: pgDir, port: await freePort(), database: 'bench', log });
    stops.push(() => pg.stop());
    const temporalDir = path.join(dir, 'temporal');
    const temporal = await startTemporalDevServer({
      dataDir: temporalDir,
      port: await freePort(),
      uiPort: await freePort(),
      namespace: NAMESPACE,
      log,
    });
    stops.push(() => temporal.stop());
    await migrate(pg.url);
    const db = await new DataSource(dataSourceOptions(pg.url)).initialize();
    stops.push(() => db.destroy());
    // Room for every onboarding the bench starts: a full roster would hold first passes back.
    const tiers = ['high-touch', 'tech-touch', 'self-service'];
    await upsertCsms(
      db,
      [1, 2, 3, 4].map((n) => ({
        id: `csm-bench-${n}`,
        name: `Bench CSM ${n}`,
        email: `csm${n}@bench.example`,
        tiers,
        capacity: 1_000_000,
      })),
    );
    const { key, summary } = await new ApiKeyStore(db).create({ name: 'bench', roles: [...PRINCIPAL_ROLES] });
    const keyFile = path.join(dir, 'payload-keys.json');
    ensureKeyFile(keyFile);
    const apiPort = await freePort();
    const barePort = await freePort();
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      BARE_QUERY_PORT: String(barePort),
      DATA_DIR: path.join(dir, 'data'),
      // The bench is one caller sending hundreds of requests a second.
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      PAYLOAD_ENCRYPTION_KEY_FILE: keyFile,
      REPORT_SCHEDULE_CRON: 'off',
      TRACKER_LINK_SECRET: randomBytes(32).toString('base64'),
      SESSION_SECRET: randomBytes(32).toString('base64'),
    };
    delete childEnv.SMTP_URL; // mails are only logged: the bench measures the service, not a mail server
    const spawnNode = (name: string, script: string): ServerProcess => {
      const child = spawnNodeProcess(script, childEnv, path.join(dir, `${name}.log`));
      stops.push(() => child.stop('SIGTERM', 15_000));
      return child;
    };
    const root = path.resolve(__dirname, '../..');
    const worker = spawnNode('worker', path.join(root, 'worker/main.js'));
    const api = spawnNode('api', path.join(root, 'api/main.js'));
    const minimal = spawnNode('minimal-worker', path.join(__dirname, 'minimal-worker.js'));
    const bare = spawnNode('bare-query-server', path.join(__dirname, 'bare-query-server.js'));
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await untilHealthy(apiUrl, api);
    const bareUrl = `http://127.0.0.1:${barePort}`;
    await untilHealthy(bareUrl, bare);
    const settings = loadSettings(childEnv);
    const codec = payloadCodecFor(settings, { embedded: false });
    const { client, connection } = await connectClient(temporal.address, NAMESPACE, codec);
    stops.push(() => connection.close());
    const plain = await connectClient(temporal.address, NAMESPACE);
    stops.push(() => plain.connection.close());
    const pidOf = (file: string) => Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
    return {
      dir,
      db,
      raw: client,
      plain: plain.client,
      apiUrl,
      bareUrl,
      apiKey: key,
      keyPrefix: summary.prefix,
      pids: {
        worker: worker.pid,
        api: api.pid,
        minimal: minimal.pid,
        bare: bare.pid,
        temporal: pidOf(path.join(temporalDir, 'temporal.pid')),
        postgres: pidOf(path.join(pgDir, 'postmaster.pid')),
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function spawnNodeProcess(script: string, childEnv: NodeJS.ProcessEnv, logFile: string): ServerProcess {
  return spawnServer({
    command: process.execPath,
    args: [script],
    logFile,
    env: childEnv,
    ownProcessGroup: false,
    stopSignal: 'SIGTERM',
  });
}

async function untilHealthy(url: string, server: ServerProcess): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (server.hasExited()) throw new Error(`${server.logFile}: ${await server.exited}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${url}/health did not answer within 180 s; see ${server.logFile}`);
    await sleep(500);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `count` calls of `fn` with at most `concurrency` in flight; the latency of each successful one. */
async function burst(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<BurstSummary> {
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  let firstError: unknown;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = performance.now();
        try {
          await fn(i);
          latencies.push(performance.now() - t);
        } catch (err) {
          failed++;
          firstError ??= err;
        }
      }
    }),
  );
  if (firstError) {
    const cause = (firstError as { cause?: unknown }).cause;
    log(`${failed} of ${count} calls failed; the first: ${firstError}${cause ? ` (cause: ${cause})` : ''}`);
  }
  return summarizeBurst(latencies, failed, performance.now() - t0);
}

class Bench {
  private playbook?: Playbook;
  private tier?: Tier;
  private serial = 0;

  private readonly api: KeepAliveHttp;
  private readonly bare: KeepAliveHttp;

  constructor(private readonly s: Stack) {
    this.api = new KeepAliveHttp(s.apiUrl, { authorization: `Bearer ${s.apiKey}` }, CONCURRENCY);
    this.bare = new KeepAliveHttp(s.bareUrl, {}, CONCURRENCY);
  }

  /** A fresh batch of account ids. */
  accounts(label: string, count: number): string[] {
    const batch = this.serial++;
    const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    return Array.from({ length: count }, (_, i) => `bench-${slug}-${batch}-${i}`);
  }

  async http(method: string, url: string, body?: unknown): Promise<unknown> {
    const { status, text } = await this.api.request(method, url, body);
    if (status >= 300) throw new Error(`${method} ${url}: ${status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : undefined;
  }

  close(): void {
    this.api.close();
    this.bare.close();
  }

  apiStart = (accountId: string) => this.http('POST', '/onboardings', closedWonBody(accountId));

  /** What the API's start does, done by the raw client: the same workflow, input, memo and search attributes. */
  async rawStart(
    accountId: string,
    variant: Partial<Pick<OnboardingInput, 'playbook' | 'handoff'>> = {},
  ): Promise<void> {
    if (!this.playbook || !this.tier) throw new Error('the tier and playbook are read from the warm-up first');
    const body = closedWonBody(accountId);
    const onboardingId = onboardingIdForAccount(accountId);
    const input: OnboardingInput = {
      onboardingId,
      account: body.account,
      segment: SEGMENT,
      tier: this.tier,
      handoff: variant.handoff ?? structuredClone(EXAMPLE_HANDOFF),
      salesOwner: EXAMPLE_SALES_OWNER,
      closedWonAt: new Date().toISOString(),
      playbook: variant.playbook ?? this.playbook,
    };
    const initial = startOnboarding(input, new Date());
    await this.s.raw.workflow.start(ONBOARDING_WORKFLOW_TYPE, {
      taskQueue: TASK_QUEUE,
      workflowId: onboardingId,
      args: [input],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      memo: {
        requestFingerprint: requestFingerprint(body),
        segment: SEGMENT,
        tier: this.tier,
        playbookVersion: this.playbook.version,
        segmentationVersion: 1,
      },
      typedSearchAttributes: [
        { key: ACCOUNT_ID, value: accountId },
        { key: TIER, value: this.tier },
        { key: STAGE, value: initial.stage.key },
        { key: STATUS, value: initial.status },
      ],
      staticSummary: `Onboarding of account ${accountId} (${SEGMENT}, ${this.tier}, playbook v${this.playbook.version})`,
    });
  }

  apiMilestone = (accountId: string, milestone: string) =>
    this.http('POST', `/onboardings/${onboardingIdForAccount(accountId)}/milestones/${milestone}`, {});

  /** The command as the API sends it: attributed to the bench's key (the command type leaves the principal out). */
  rawMilestone = (accountId: string, milestone: string) => {
    const command: RecordMilestoneCommand & Attributed = {
      milestone,
      actor: `bench [${this.s.keyPrefix}]`,
      principal: { kind: 'api-key', id: this.s.keyPrefix, name: 'bench', role: 'cs-platform' },
    };
    return this.s.raw.workflow
      .getHandle(onboardingIdForAccount(accountId))
      .executeUpdate(recordMilestoneUpdate, { args: [command] });
  };

  apiQuery = (accountId: string) => this.http('GET', `/onboardings/${onboardingIdForAccount(accountId)}`);
  /** The same query through the bare HTTP server: the HTTP hop alone. */
  bareQuery = async (accountId: string) => {
    const { status, text } = await this.bare.request('GET', `/onboardings/${onboardingIdForAccount(accountId)}`);
    if (status !== 200) throw new Error(`bare query: ${status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as unknown;
  };
  rawQuery = (accountId: string) =>
    this.s.raw.workflow.getHandle(onboardingIdForAccount(accountId)).query(getStateQuery);

  /** The servers' process trees, and this process as `client`: the raw client's or the HTTP client's work. */
  usage(): Usage {
    const usage = sampleUsage(this.s.pids);
    const self = process.cpuUsage();
    usage.cpuMs.client = (self.user + self.system) / 1000;
    return usage;
  }

  /** A timed burst, with the CPU each process spent per call while it ran. */
  async measured(count: number, fn: (i: number) => Promise<unknown>): Promise<MeasuredBurst> {
    const before = this.usage();
    const summary = await burst(count, CONCURRENCY, (i) => fn(i).then(() => undefined));
    const cpu = cpuBetween(before, this.usage());
    return { ...summary, cpuPerCall: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v / count])) };
  }

  /**
   * Untimed: one query to each of these onboardings, so the worker holds their runs in its cache
   * (a run evicted from it replays its history first). Each timed command or query burst begins
   * so, for both sides: otherwise one side would meet runs the other had just brought back.
   */
  async cacheIn(accounts: string[]): Promise<void> {
    await burst(accounts.length, CONCURRENCY, (i) => this.rawQuery(accounts[i]).then(() => undefined));
    await this.untilWorkerQuiet();
  }

  /** Until every one of these onboardings has its read-model row with a CSM: the end of its first pass. */
  async untilCaughtUp(accounts: string[]): Promise<number> {
    const ids = accounts.map(onboardingIdForAccount);
    const t0 = performance.now();
    for (;;) {
      const [{ n }] = await this.s.db.query(
        'SELECT count(*)::int AS n FROM onboardings WHERE id = ANY($1) AND csm_id IS NOT NULL',
        [ids],
      );
      if (n >= ids.length) return performance.now() - t0;
      if (performance.now() - t0 > CATCHUP_TIMEOUT_MS)
        throw new Error(`only ${n} of ${ids.length} onboardings caught up within ${CATCHUP_TIMEOUT_MS / 1000} s`);
      await sleep(200);
    }
  }

  /**
   * Until the worker (or the minimal worker) has been idle (under 5% of a core) for two samples in
   * a row: its workflow tasks and activities are done.
   */
  async untilWorkerQuiet(which: 'worker' | 'minimal' = 'worker', maxMs = 300_000): Promise<number> {
    const t0 = performance.now();
    let quiet = 0;
    let before = this.usage();
    while (quiet < 2 && performance.now() - t0 < maxMs) {
      await sleep(500);
      const now = this.usage();
      quiet = now.cpuMs[which] - before.cpuMs[which] < 25 ? quiet + 1 : 0;
      before = now;
    }
    return performance.now() - t0;
  }

  /**
   * Onboardings whose handoff is incomplete, on a copy of the playbook that reminds about it
   * `delayS` seconds after the start (the rules take fractional hours; publishing would refuse
   * it): each one's reminder is a timer of the onboarding workflow itself, on the real worker.
   */
  async startReminderTimers(accounts: string[], delayS: number): Promise<void> {
    const playbook = { ...this.playbook!, handoff: { ...this.playbook!.handoff, remindEveryHours: delayS / 3600 } };
    await burst(accounts.length, CONCURRENCY, (i) =>
      this.rawStart(accounts[i], { playbook, handoff: { goals: ['Replace the card platform'] } }),
    );
  }

  /**
   * How late each first reminder came: the moment its message was recorded (the workflow fired
   * the timer, wrote the pass and stored the notice) against its due moment, the run's start plus
   * the delay. Waits until every one is recorded, then ends those runs (they would remind again)
   * and takes them out of the read model.
   */
  async reminderLags(accounts: string[], delayS: number): Promise<number[]> {
    const ids = accounts.map(onboardingIdForAccount);
    const t0 = performance.now();
    for (;;) {
      const rows: Array<{ lag_ms: number }> = await this.s.db.query(
        `SELECT extract(epoch FROM n.created_at - (o.started_at + make_interval(secs => $2))) * 1000 AS lag_ms
           FROM notifications n JOIN onboardings o ON o.id = n.onboarding_id
          WHERE n.onboarding_id = ANY($1) AND n.key = n.onboarding_id || ':handoff-incomplete:1'`,
        [ids, delayS],
      );
      if (rows.length >= ids.length) {
        await burst(ids.length, CONCURRENCY, (i) =>
          this.s.raw.workflow
            .getHandle(ids[i])
            .terminate('bench: reminder measured')
            .then(() => undefined),
        );
        // Not live any more: out of the live count.
        await this.s.db.query('DELETE FROM onboardings WHERE id = ANY($1)', [ids]);
        return rows.map((r) => Number(r.lag_ms)).sort((x, y) => x - y);
      }
      if (performance.now() - t0 > CATCHUP_TIMEOUT_MS)
        throw new Error(`only ${rows.length} of ${ids.length} reminders came within ${CATCHUP_TIMEOUT_MS / 1000} s`);
      await sleep(500);
    }
  }

  async liveCount(): Promise<number> {
    const [{ n }] = await this.s.db.query('SELECT count(*)::int AS n FROM onboardings');
    return n;
  }

  async warmUp(): Promise<void> {
    const accounts = this.accounts('warmup', WARMUP);
    const first = (await this.apiStart(accounts[0])) as { tier: Tier };
    this.tier = first.tier;
    this.playbook = await new PlaybookStore(this.s.db).latest(first.tier);
    await burst(WARMUP - 1, 4, (i) => this.apiStart(accounts[i + 1]).then(() => undefined));
    await burst(WARMUP, 4, (i) => this.rawQuery(accounts[i]).then(() => undefined));
    await this.untilCaughtUp(accounts);
    // The minimal worker bundles its workflow at start: its first tasks must not be in the ceiling.
    await burst(WARMUP, 4, async (i) => {
      const handle = await this.s.plain.workflow.start('minimalWorkflow', {
        taskQueue: MINIMAL_TASK_QUEUE,
        workflowId: `bench-minimal-warmup-${i}`,
      });
      await handle.executeUpdate(bumpUpdate, { args: [1] });
      await handle.signal(finishSignal);
    });
    await this.untilWorkerQuiet();
  }
}

interface MeasuredBurst extends BurstSummary {
  /** CPU ms per call of each process while the burst ran (work it left for later is not in it). */
  cpuPerCall?: Record<string, number>;
}

interface StartRun {
  label: string;
  api: MeasuredBurst;
  raw: MeasuredBurst;
  /** Queries only: the same burst through the bare HTTP server. */
  bare?: MeasuredBurst;
}

interface FirstPassCost {
  label: string;
  count: number;
  burstS: number;
  catchUpS: number;
  cpuMs: Record<string, number>;
}

interface LiveStep {
  live: number;
  rss: Record<string, number>;
  listP50: number;
  listP99: number;
  filteredP50: number;
  apiStarts: BurstSummary;
  apiQueries: BurstSummary;
  /** Onboarding reminders' lag behind their due moment, ms, sorted: during the API's burst, and at rest. */
  reminderLags: number[];
  quietReminderLags: number[];
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;
const line = (s: BurstSummary) =>
  `${fmt(s.rate).padStart(6)}/s  p50 ${fmt(s.p50, 0).padStart(5)} ms  p99 ${fmt(s.p99, 0).padStart(5)} ms${s.failed ? `  (${s.failed} failed)` : ''}`;

async function main(): Promise<void> {
  if (!fs.existsSync('/proc/self/stat')) throw new Error('the bench reads CPU and memory from /proc: Linux only');
  const started = performance.now();
  log(
    `starting PostgreSQL, Temporal, the API, the worker and the minimal worker (requests ${REQUESTS}, concurrency ${CONCURRENCY})`,
  );
  const stack = await startStack();
  // Ctrl-C stops the servers and the bench's processes rather than leaving them running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`${signal}: stopping the servers`);
      // Calls still in flight fail as their connections close: nothing to report any more.
      process.on('uncaughtException', () => undefined);
      void stack.stop().finally(() => process.exit(130));
    });
  const b = new Bench(stack);
  try {
    log('warm-up');
    await b.warmUp();
    const baseline = { usage: b.usage(), live: await b.liveCount() };

    // 2. The server's ceiling: a workflow with no application work, on the bench's own worker.
    log('minimal workflow: starts and updates');
    const minimalIds = Array.from({ length: REQUESTS }, (_, i) => `bench-minimal-${i}`);
    const minimalStarts = await burst(REQUESTS, CONCURRENCY, async (i) => {
      await stack.plain.workflow.start('minimalWorkflow', { taskQueue: MINIMAL_TASK_QUEUE, workflowId: minimalIds[i] });
    });
    // The updates must not queue behind the starts' own first workflow tasks.
    await b.untilWorkerQuiet('minimal');
    const minimalUpdates = await burst(REQUESTS, CONCURRENCY, async (i) => {
      await stack.plain.workflow.getHandle(minimalIds[i]).executeUpdate(bumpUpdate, { args: [1] });
    });
    await burst(REQUESTS, CONCURRENCY, (i) => stack.plain.workflow.getHandle(minimalIds[i]).signal(finishSignal));

    // 4 (first step): memory per live onboarding and list latency at BENCH_LIVE.
    const liveSteps: LiveStep[] = [];
    const liveStep = async (target: number) => {
      const missing = Math.max(0, target - (await b.liveCount()));
      log(`live step: starting ${missing} onboardings (raw client) to reach ${target}`);
      const accounts = b.accounts('live', missing);
      await burst(missing, CONCURRENCY, (i) => b.rawStart(accounts[i]));
      await b.untilCaughtUp(accounts);
      await b.untilWorkerQuiet();
      const usage = b.usage();
      const live = await b.liveCount();
      const list = await burst(LIST_RUNS, 1, (i) =>
        b.http('GET', `/onboardings?limit=50&offset=${(i * 50) % Math.max(50, live - 50)}`).then(() => undefined),
      );
      const filtered = await burst(LIST_RUNS, 1, (i) =>
        b.http('GET', `/onboardings?limit=50&csm=csm-bench-${(i % 4) + 1}`).then(() => undefined),
      );
      // Reminders due while the API's starts and queries below keep the worker busy.
      const reminders = b.accounts('reminder', TIMERS);
      await b.startReminderTimers(reminders, REMINDER_DELAY_S);
      const sample = b.accounts('live-sample', REQUESTS);
      const apiStarts = await burst(REQUESTS, CONCURRENCY, (i) => b.apiStart(sample[i]).then(() => undefined));
      const apiQueries = await burst(REQUESTS, CONCURRENCY, (i) => b.apiQuery(sample[i]).then(() => undefined));
      const reminderLags = await b.reminderLags(reminders, REMINDER_DELAY_S);
      await b.untilCaughtUp(sample);
      await b.untilWorkerQuiet();
      // The same at rest: the live onboardings waiting, most of them evicted from the worker's cache.
      const quietReminders = b.accounts('reminder-at-rest', TIMERS);
      await b.startReminderTimers(quietReminders, REMINDER_DELAY_S);
      const quietReminderLags = await b.reminderLags(quietReminders, REMINDER_DELAY_S);
      await b.untilWorkerQuiet();
      liveSteps.push({
        live,
        rss: usage.rssBytes,
        listP50: list.p50,
        listP99: list.p99,
        filteredP50: filtered.p50,
        apiStarts,
        apiQueries,
        reminderLags,
        quietReminderLags,
      });
    };
    await liveStep(LIVE);

    // 1 and 3: starts, API against raw, in both orders, each after the worker caught up; then each
    // right after an untimed burst of starts the worker is still working through.
    const firstPasses: FirstPassCost[] = [];
    const startBurst = async (label: string, via: 'api' | 'raw', waitForCatchUp: boolean) => {
      const accounts = b.accounts(`${via}-${label}`, REQUESTS);
      const before = b.usage();
      const t0 = performance.now();
      const summary = await b.measured(REQUESTS, (i) =>
        via === 'api' ? b.apiStart(accounts[i]) : b.rawStart(accounts[i]),
      );
      const burstMs = performance.now() - t0;
      if (waitForCatchUp) {
        await b.untilCaughtUp(accounts);
        firstPasses.push({
          label: `${via} starts, ${label}`,
          count: REQUESTS,
          burstS: burstMs / 1000,
          catchUpS: (performance.now() - t0 - burstMs) / 1000,
          cpuMs: cpuBetween(before, b.usage()),
        });
        await b.untilWorkerQuiet();
      }
      return { summary, accounts };
    };
    const starts: StartRun[] = [];
    log('starts: API first, then raw');
    const a1 = await startBurst('API first', 'api', true);
    const r1 = await startBurst('API first', 'raw', true);
    starts.push({ label: 'API first, then raw', api: a1.summary, raw: r1.summary });
    log('starts: raw first, then API');
    const r2 = await startBurst('raw first', 'raw', true);
    const a2 = await startBurst('raw first', 'api', true);
    starts.push({ label: 'raw first, then API', api: a2.summary, raw: r2.summary });
    log('starts: each right after an earlier burst the worker is still catching up with');
    const bgA = await startBurst('background', 'raw', false);
    const a3 = await startBurst('catching up', 'api', false);
    await b.untilCaughtUp([...bgA.accounts, ...a3.accounts]);
    await b.untilWorkerQuiet();
    const bgR = await startBurst('background', 'raw', false);
    const r3 = await startBurst('catching up', 'raw', false);
    await b.untilCaughtUp([...bgR.accounts, ...r3.accounts]);
    await b.untilWorkerQuiet();
    starts.push({ label: 'while the worker catches up', api: a3.summary, raw: r3.summary });

    // Commands: a milestone recorded on caught-up onboardings, through the API and raw.
    const commands: StartRun[] = [];
    const commandCosts: FirstPassCost[] = [];
    const commandBurst = async (label: string, via: 'api' | 'raw', accounts: string[], milestone: string) => {
      await b.cacheIn(accounts);
      const before = b.usage();
      const t0 = performance.now();
      const summary = await b.measured(REQUESTS, (i) =>
        via === 'api' ? b.apiMilestone(accounts[i], milestone) : b.rawMilestone(accounts[i], milestone),
      );
      const burstMs = performance.now() - t0;
      await b.untilWorkerQuiet();
      // Includes the idle check's own second (two half-second samples).
      const settled = (performance.now() - t0 - burstMs) / 1000;
      commandCosts.push({
        label: `${via} commands, ${label}`,
        count: summary.count,
        burstS: burstMs / 1000,
        catchUpS: settled,
        cpuMs: cpuBetween(before, b.usage()),
      });
      return summary;
    };
    log('commands: API first, then raw');
    const ca1 = await commandBurst('API first', 'api', a1.accounts, 'success-criteria-agreed');
    const cr1 = await commandBurst('API first', 'raw', r1.accounts, 'success-criteria-agreed');
    commands.push({ label: 'API first, then raw', api: ca1, raw: cr1 });
    log('commands: raw first, then API');
    const cr2 = await commandBurst('raw first', 'raw', r1.accounts, 'first-login');
    const ca2 = await commandBurst('raw first', 'api', a1.accounts, 'first-login');
    commands.push({ label: 'raw first, then API', api: ca2, raw: cr2 });
    log('commands: each right after a burst of starts the worker is still catching up with');
    await b.cacheIn(a2.accounts);
    const bgC1 = await startBurst('background', 'raw', false);
    const ca3 = await burst(REQUESTS, CONCURRENCY, (i) =>
      b.apiMilestone(a2.accounts[i], 'success-criteria-agreed').then(() => undefined),
    );
    await b.untilCaughtUp(bgC1.accounts);
    await b.untilWorkerQuiet();
    await b.cacheIn(r2.accounts);
    const bgC2 = await startBurst('background', 'raw', false);
    const cr3 = await burst(REQUESTS, CONCURRENCY, (i) =>
      b.rawMilestone(r2.accounts[i], 'success-criteria-agreed').then(() => undefined),
    );
    await b.untilCaughtUp(bgC2.accounts);
    await b.untilWorkerQuiet();
    commands.push({ label: 'while the worker catches up', api: ca3, raw: cr3 });

    // Queries: the live state, answered by the workflow.
    const queries: StartRun[] = [];
    log('queries: both orders, and while the worker catches up');
    await b.cacheIn(a1.accounts);
    const qa1 = await b.measured(REQUESTS, (i) => b.apiQuery(a1.accounts[i]));
    await b.cacheIn(r1.accounts);
    const qr1 = await b.measured(REQUESTS, (i) => b.rawQuery(r1.accounts[i]));
    await b.cacheIn(a1.accounts);
    const qb1 = await b.measured(REQUESTS, (i) => b.bareQuery(a1.accounts[i]));
    queries.push({ label: 'API first, then raw', api: qa1, raw: qr1, bare: qb1 });
    await b.cacheIn(r2.accounts);
    const qr2 = await b.measured(REQUESTS, (i) => b.rawQuery(r2.accounts[i]));
    await b.cacheIn(a2.accounts);
    const qa2 = await b.measured(REQUESTS, (i) => b.apiQuery(a2.accounts[i]));
    await b.cacheIn(r2.accounts);
    const qb2 = await b.measured(REQUESTS, (i) => b.bareQuery(r2.accounts[i]));
    queries.push({ label: 'raw first, then API', api: qa2, raw: qr2, bare: qb2 });
    await b.cacheIn(a1.accounts);
    const bgQ1 = await startBurst('background', 'raw', false);
    const qa3 = await burst(REQUESTS, CONCURRENCY, (i) => b.apiQuery(a1.accounts[i]).then(() => undefined));
    await b.untilCaughtUp(bgQ1.accounts);
    await b.untilWorkerQuiet();
    await b.cacheIn(r1.accounts);
    const bgQ2 = await startBurst('background', 'raw', false);
    const qr3 = await burst(REQUESTS, CONCURRENCY, (i) => b.rawQuery(r1.accounts[i]).then(() => undefined));
    await b.untilCaughtUp(bgQ2.accounts);
    await b.untilWorkerQuiet();
    queries.push({ label: 'while the worker catches up', api: qa3, raw: qr3 });

    // Timer-fire lag: minimal workflows sleeping 2 s, fired while a burst of starts keeps the machine busy.
    log(`timer-fire lag: ${TIMERS} timers of 2 s during a burst of starts`);
    const timerHandles = await Promise.all(
      Array.from({ length: TIMERS }, (_, i) =>
        stack.plain.workflow.start('timerLagWorkflow', {
          taskQueue: MINIMAL_TASK_QUEUE,
          workflowId: `bench-timer-${i}`,
          args: [2_000],
        }),
      ),
    );
    const bgT = await startBurst('timers', 'raw', false);
    const lags = (await Promise.all(timerHandles.map((h) => h.result() as Promise<number>))).sort((x, y) => x - y);
    await b.untilCaughtUp(bgT.accounts);
    await b.untilWorkerQuiet();

    if (LIVE_MAX > LIVE) await liveStep(LIVE_MAX);

    report({
      minimalStarts,
      minimalUpdates,
      starts,
      commands,
      queries,
      firstPasses,
      commandCosts,
      liveSteps,
      baseline: { rss: baseline.usage.rssBytes, live: baseline.live },
      lags,
      minutes: (performance.now() - started) / 60_000,
    });
  } finally {
    b.close();
    log('stopping the servers');
    await stack.stop();
  }
}

function report(r: {
  minimalStarts: BurstSummary;
  minimalUpdates: BurstSummary;
  starts: StartRun[];
  commands: StartRun[];
  queries: StartRun[];
  firstPasses: FirstPassCost[];
  commandCosts: FirstPassCost[];
  liveSteps: LiveStep[];
  baseline: { rss: Record<string, number>; live: number };
  lags: number[];
  minutes: number;
}): void {
  const out: string[] = [];
  const say = (s = '') => out.push(s);
  say();
  say(
    `Throughput bench: ${REQUESTS} requests per burst at concurrency ${CONCURRENCY}, ${os.cpus().length} cores, one run on the same servers (${fmt(r.minutes)} min)`,
  );
  say();
  say('The API against the raw Temporal client on the same work (goal: API ≥ 0.90× raw in every case)');
  const minRatio: number[] = [];
  for (const [what, runs] of [
    ['start', r.starts],
    ['command (record a milestone)', r.commands],
    ['query (GET /onboardings/:id)', r.queries],
  ] as const) {
    say(`  ${what}`);
    for (const run of runs) {
      const x = run.api.rate / run.raw.rate;
      minRatio.push(x);
      say(`    ${run.label.padEnd(28)} API ${line(run.api)}`);
      say(
        `    ${''.padEnd(28)} raw ${line(run.raw)}   API/raw ${ratio(run.api.rate, run.raw.rate)}${x >= 0.9 ? '' : '  below goal'}`,
      );
      if (run.bare)
        say(`    ${''.padEnd(23)}bare HTTP ${line(run.bare)}   bare/raw ${ratio(run.bare.rate, run.raw.rate)}`);
    }
  }
  say(
    `  lowest API/raw: ${fmt(Math.min(...minRatio), 2)}× (goal ≥ 0.90×: ${Math.min(...minRatio) >= 0.9 ? 'met' : 'not met'})`,
  );
  say();
  say(
    'CPU per call while each burst ran, ms (front: the API, or the bare HTTP server; client: the bench, as the raw or the HTTP client)',
  );
  say(
    '  Every process shares the same cores: when they are busy, a path whose calls cost more CPU runs that much slower,',
  );
  say('  so raw total / API total is about the API/raw ratio those bursts can reach.');
  const cpuLine = (cpu: Record<string, number>) => {
    const parts = [cpu.worker, cpu.temporal, cpu.postgres, (cpu.api ?? 0) + (cpu.bare ?? 0), cpu.client].map(
      (v) => v ?? 0,
    );
    const names = ['worker', 'server', 'postgres', 'front', 'client'];
    const total = parts.reduce((a, b) => a + b, 0);
    return {
      text: `${parts.map((v, i) => `${names[i]} ${fmt(v, 2).padStart(6)}`).join('  ')}  = ${fmt(total, 2).padStart(6)}`,
      total,
    };
  };
  for (const [what, runs] of [
    ['start', r.starts],
    ['command', r.commands],
    ['query', r.queries],
  ] as const) {
    for (const run of runs) {
      if (!run.api.cpuPerCall || !run.raw.cpuPerCall) continue;
      const api = cpuLine(run.api.cpuPerCall);
      const raw = cpuLine(run.raw.cpuPerCall);
      say(`  ${`${what}, ${run.label}`.padEnd(36)}  API ${api.text}`);
      say(
        `  ${''.padEnd(36)}  raw ${raw.text}   raw/API CPU ${fmt(raw.total / api.total, 2)}× (measured rate ratio ${ratio(run.api.rate, run.raw.rate)})`,
      );
      if (run.bare?.cpuPerCall) {
        const bare = cpuLine(run.bare.cpuPerCall);
        say(
          `  ${''.padEnd(36)} bare ${bare.text}   raw/bare CPU ${fmt(raw.total / bare.total, 2)}× (measured rate ratio ${ratio(run.bare.rate, run.raw.rate)})`,
        );
      }
    }
  }
  say();
  say("The server's ceiling: a minimal workflow on the bench's own worker");
  say(`  starts                       ${line(r.minimalStarts)}`);
  say(`  updates                      ${line(r.minimalUpdates)}`);
  const bestStart = Math.max(...r.starts.map((s) => s.api.rate));
  const bestUpdate = Math.max(...r.commands.map((s) => s.api.rate));
  say(
    `  best API start rate / ceiling ${ratio(bestStart, r.minimalStarts.rate)}; best API command rate / ceiling ${ratio(bestUpdate, r.minimalUpdates.rate)}`,
  );
  say();
  const costLines = (costs: FirstPassCost[], what: string, settle: string) => {
    for (const c of costs) {
      const per = (k: string) => (c.cpuMs[k] ?? 0) / c.count;
      const total = per('worker') + per('temporal') + per('postgres');
      say(
        `  ${c.label.padEnd(30)} worker ${fmt(per('worker')).padStart(5)}  server ${fmt(per('temporal')).padStart(5)}  postgres ${fmt(per('postgres')).padStart(5)}  = ${fmt(total).padStart(5)} ms per ${what}  (API ${fmt(per('api'))})  burst ${fmt(c.burstS)} s, ${settle} ${fmt(c.catchUpS)} s${settle === 'catch-up' ? (c.catchUpS <= c.burstS ? '  (≤ burst: met)' : '  (> burst: not met)') : ''}`,
      );
    }
  };
  say(
    "CPU per onboarding's first pass (burst start until every onboarding has its read-model row and CSM), and catch-up after the burst",
  );
  say("  goals: CPU at least halved from issue 11's 100 to 170 ms; catch-up no longer than the burst");
  costLines(r.firstPasses, 'first pass', 'catch-up');
  say();
  say(
    'CPU per accepted command (burst start until the worker is idle again: its projection and audit activities done)',
  );
  say("  goal: at least halved from issue 11's ~75 ms");
  costLines(r.commandCosts, 'command', 'settled after');
  say();
  say('Live onboardings: memory (RSS after the worker is idle) and latency as the count grows');
  say(
    `  baseline after warm-up (${r.baseline.live} live): worker ${mb(r.baseline.rss.worker)}, server ${mb(r.baseline.rss.temporal)}, postgres ${mb(r.baseline.rss.postgres)}`,
  );
  for (const step of r.liveSteps) {
    const per = (k: string) =>
      `${fmt((step.rss[k] - r.baseline.rss[k]) / 1024 / Math.max(1, step.live - r.baseline.live))} KB`;
    say(
      `  ${step.live} live: RSS worker ${mb(step.rss.worker)} (${per('worker')}/live), server ${mb(step.rss.temporal)} (${per('temporal')}/live), postgres ${mb(step.rss.postgres)} (${per('postgres')}/live)`,
    );
    say(
      `    GET /onboardings?limit=50 p50 ${fmt(step.listP50)} ms p99 ${fmt(step.listP99)} ms; one CSM's p50 ${fmt(step.filteredP50)} ms`,
    );
    say(`    API starts ${line(step.apiStarts)}`);
    say(`    API query  ${line(step.apiQueries)}`);
    for (const [when, lags] of [
      ['due during those starts and queries', step.reminderLags],
      ['due at rest, among the live ones', step.quietReminderLags],
    ] as const)
      say(
        `    reminder lag (${lags.length} onboarding timers ${when}): p50 ${fmt(percentile(lags, 0.5), 0)} ms  p99 ${fmt(percentile(lags, 0.99), 0)} ms  max ${fmt(lags[lags.length - 1], 0)} ms  (goal: p99 < 2000 ms at 10,000 live${step.live >= 10_000 ? (percentile(lags, 0.99) < 2000 ? ': met' : ': not met') : ''})`,
      );
  }
  if (r.liveSteps.length < 2) say('  (the 10,000 step is opt-in: BENCH_LIVE_MAX=10000)');
  say();
  say(
    `The server's own timer lag: ${r.lags.length} 2-second timers of the minimal workflow during a burst of ${REQUESTS} onboarding starts`,
  );
  say(
    `  p50 ${fmt(percentile(r.lags, 0.5), 0)} ms  p99 ${fmt(percentile(r.lags, 0.99), 0)} ms  max ${fmt(r.lags[r.lags.length - 1], 0)} ms  (workflow time: when the timer's workflow task ran)`,
  );
  say();
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
