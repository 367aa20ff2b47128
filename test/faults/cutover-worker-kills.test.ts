/**
 * Fault suite, scenario 1: cutovers in a row (FAULTS_CUTOVERS, default 100) against the sandbox
 * migration platform while the worker process is killed with SIGKILL every few seconds (at
 * seeded random moments: FAULTS_SEED, printed) and started again. Some cutovers meet an injected
 * platform fault (a migration that crashes half-way, a health breach, a rollout stage that fails)
 * and must roll back. After each one the sandbox's own stores say: every record on the target
 * once or none at all, nothing written twice, every compensation of a started step carried out.
 *
 * Each kill holds up every workflow the dead worker was running for Temporal's timeouts (the
 * sticky queue's and the workflow task's, 10 s each), so cutovers run in lanes (FAULTS_LANES,
 * default 3): a sandbox, a worker and an API each (fault-stack.ts), the killer picking a lane at
 * random. In a lane cutovers run one at a time (one legacy platform, one target); the onboardings
 * they need (CSM, go-live gate, a passed rehearsal on the staging target) are prepared ahead,
 * concurrently with the cutover that runs.
 */
import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import type { Playbook } from '../../src/domain/playbook';
import { mulberry32 } from '../../src/infra/seeded-random';
import { closedWonBody } from '../fixtures/onboarding-input';
import { eventually } from '../support/eventually';
import { ApiClient, pause } from './api-client';
import { type FaultStack, type Lane, startFaultStack } from './fault-stack';
import { recordSummary, sizeFromEnv } from './faults-env';

const CUTOVERS = sizeFromEnv('FAULTS_CUTOVERS', 100);
const SEED = sizeFromEnv('FAULTS_SEED', Math.floor(Math.random() * 2 ** 31) + 1);
const RECORDS = 200;
const BATCH = 20;
/** Onboardings prepared ahead of the cutover that runs. */
const AHEAD = 1;
const LANES = sizeFromEnv('FAULTS_LANES', 3);
const ACTOR = { actor: 'impl:faults' };

const log = (line: string) => process.stdout.write(`${line}\n`);
let stack: FaultStack;

/**
 * The fintech playbook with a plan that runs in a few seconds: short retries, short health
 * watches, no sign-off and no hypercare, and a heartbeat timeout of 3 s, so that a migration
 * whose worker was killed is taken up again from its checkpoint soon after the new one polls.
 */
function fastPlan(): Playbook {
  const p = structuredClone(DEFAULT_PLAYBOOKS['high-touch']);
  const plan = p.cutoverPlan!;
  p.name = 'High-touch, fault suite';
  p.cutoverPlan = {
    ...plan,
    batchSize: BATCH,
    retry: { initialIntervalMs: 200, stepAttempts: 4, compensationAttempts: 30, heartbeatTimeoutMs: 3_000 },
    steps: plan.steps.map((s) => ({
      ...s,
      ...(s.healthCheck ? { healthCheck: { ...s.healthCheck, checks: 2, intervalMs: 100 } } : {}),
    })),
    hypercare: undefined,
  };
  return p;
}

/** Platform faults a cutover may meet, and the step each one fails. */
const INJECTED = {
  'migration crash': 'migrate-records',
  'health breach': 'open-pilot-cohort',
  'rollout failure': 'open-to-everyone',
} as const;
type Injected = keyof typeof INJECTED;

/** The calls that undo each step (a step without one here is checked by the switches it leaves). */
const UNDO_ROUTES: Record<string, string> = {
  'freeze-legacy-writes': 'POST /legacy/unfreeze',
  'migrate-records': 'POST /target/purge',
  'open-pilot-cohort': 'POST /cohorts/pilot/close',
  'open-to-everyone': 'POST /cohorts/everyone/close',
};

interface Onboarding {
  id: string;
  path: string;
}

interface CutoverResult {
  n: number;
  onboarding: string;
  attempt: number;
  injected?: Injected;
  status: string;
  failedStep?: string;
  error?: string;
  ms: number;
}

beforeAll(async () => {
  log(
    `cutovers under worker kills: ${CUTOVERS} cutovers in ${LANES} lanes, seed ${SEED} (FAULTS_SEED=${SEED} repeats the choices)`,
  );
  stack = await startFaultStack({ name: 'worker-kills', log, lanes: LANES });
  for (const lane of stack.lanes) {
    lane.sandbox.seed(
      Array.from({ length: RECORDS }, (_, i) => ({
        id: `rec-${String(i).padStart(4, '0')}`,
        kind: (['account', 'card', 'payment'] as const)[i % 3],
        data: { n: i, note: `record ${i}` },
      })),
    );
    lane.sandbox.faults.set({ latencyMs: 25 });
  }
  await new ApiClient(stack.apiUrl, stack.ownerKey).accepted('POST', '/playbooks/high-touch/versions', {
    publishedBy: 'cs-ops:faults',
    definition: fastPlan(),
  });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

it('ends every cutover succeeded or rolled back, with no record missing or written twice and no compensation skipped', async () => {
  const started = Date.now();
  let done = false;

  // The killer: every 2 to 6 s, SIGKILL the worker of a lane, and start another. Half the kills
  // wait (up to 3 s) for a lane in the middle of a migration, the window where a lost checkpoint
  // makes the next worker send batches again; the others hit a lane picked at random.
  const kills: Array<{ at: number; lane: number; midMigration: boolean; restartMs: number }> = [];
  const migrating = () =>
    stack.lanes.findIndex((l) =>
      [l.sandbox.target, l.sandbox.staging].some((store) => store.size > 0 && store.size < RECORDS),
    );
  const killer = (async () => {
    const random = mulberry32(SEED ^ 0x5eed);
    while (!done) {
      const until = Date.now() + 2_000 + random() * 4_000;
      while (!done && Date.now() < until) await pause(100);
      let lane = -1;
      if (random() < 0.5) {
        const giveUp = Date.now() + 3_000;
        while (!done && lane < 0 && Date.now() < giveUp) {
          lane = migrating();
          if (lane < 0) await pause(10);
        }
      }
      if (done) break;
      const midMigration = lane >= 0;
      if (!midMigration) lane = Math.floor(random() * LANES);
      await stack.lanes[lane].worker.kill();
      const at = Date.now() - started;
      kills.push({ at, lane, midMigration, restartMs: await stack.lanes[lane].worker.start() });
    }
  })();

  const lanes = stack.lanes.map(
    (lane, i) =>
      new LaneRun(
        lane,
        i,
        Array.from({ length: CUTOVERS }, (_, n) => n + 1).filter((n) => n % LANES === i),
      ),
  );
  const progress = setInterval(() => {
    const results = lanes.flatMap((l) => l.results);
    log(
      `${results.length}/${CUTOVERS} cutovers: ${results.filter((r) => r.status === 'succeeded').length} succeeded, ` +
        `${kills.length} worker kills, ${Math.round((Date.now() - started) / 1000)} s`,
    );
  }, 30_000);
  try {
    await Promise.all(lanes.map((l) => l.run()));
  } finally {
    clearInterval(progress);
    done = true;
    await killer;
  }

  const results = lanes.flatMap((l) => l.results);
  const rolledBack = results.filter((r) => r.status === 'rolled-back');
  const byKills = rolledBack.filter((r) => !r.injected);
  for (const r of byKills) log(`rolled back without an injected fault: ${JSON.stringify(r)}`);
  const restarts = kills.map((k) => k.restartMs).sort((a, b) => a - b);
  // Batches a resumed migration sent again (its checkpoint lagged the kill), answered from their idempotency key.
  const replayed = stack.lanes.reduce(
    (sum, l) =>
      sum +
      l.sandbox.counters.get('replayed', 'POST /target/records/batch') +
      l.sandbox.counters.get('replayed', 'POST /staging/target/records/batch'),
    0,
  );
  const onboardings = lanes.reduce((sum, l) => sum + l.prepared, 0);
  const rehearsals = lanes.reduce((sum, l) => sum + l.rehearsals, 0);
  recordSummary(
    `worker kills: ${results.length} cutovers in ${LANES} lanes, ${results.length - rolledBack.length} succeeded, ` +
      `${rolledBack.length} rolled back (${rolledBack.length - byKills.length} injected faults, ${byKills.length} other), ` +
      `${onboardings} onboardings, ${rehearsals} rehearsals; ${kills.length} worker SIGKILLs ` +
      `(${kills.filter((k) => k.midMigration).length} in the middle of a migration, ` +
      `restart p50 ${restarts[Math.floor(restarts.length / 2)] ?? 0} ms); target: 0 missing, 0 written twice ` +
      `(${replayed} batches sent again were idempotent replays); ` +
      `every compensation ran; seed ${SEED}; ${Math.round((Date.now() - started) / 1000)} s`,
  );
  expect(results).toHaveLength(CUTOVERS);
  expect(kills.length).toBeGreaterThan(0);
});

/** One lane's cutovers, in a row, with the onboardings they need prepared ahead. */
class LaneRun {
  readonly results: CutoverResult[] = [];
  taken = 0;
  get prepared(): number {
    return this.preparations.length;
  }
  rehearsals = 0;
  private readonly api: ApiClient;
  private readonly random: () => number;
  /** Rehearsals share the lane's staging target: one at a time. */
  private rehearsalLock: Promise<unknown> = Promise.resolve();
  private readonly preparations: Array<Promise<Onboarding>> = [];

  constructor(
    private readonly lane: Lane,
    private readonly index: number,
    private readonly numbers: number[],
  ) {
    this.api = new ApiClient(lane.apiUrl, stack.ownerKey);
    this.random = mulberry32(SEED + index);
  }

  async run(): Promise<void> {
    const { sandbox } = this.lane;
    let onboarding: Onboarding | undefined;
    for (const n of this.numbers) {
      if (!onboarding) {
        this.prepareAhead(this.taken + 1 + AHEAD);
        onboarding = await this.preparations[this.taken++];
      }
      const t = Date.now();
      // The platform back on the legacy side with an empty target, as before a customer's cutover.
      sandbox.target.reset();
      sandbox.legacy.frozen = false;
      sandbox.switches.reset();
      sandbox.faults.set({ failStep: null, failAfterRecords: null, metrics: null });
      const injected =
        this.random() < 0.35 ? (Object.keys(INJECTED) as Injected[])[Math.floor(this.random() * 3)] : undefined;
      const stopInjecting = this.inject(injected);
      const before = sandbox.counters.snapshot().executed;

      const attempt = await this.request(onboarding, 'cutover');
      const outcome = await this.ended(onboarding, attempt);
      stopInjecting();
      const detail = await this.api.read(`${onboarding.path}/cutovers/${attempt}`);
      const executed = sandbox.counters.snapshot().executed;
      const ranSince = (route: string) => (executed[route] ?? 0) - (before[route] ?? 0);
      const result: CutoverResult = {
        n,
        onboarding: onboarding.id,
        attempt,
        injected,
        status: outcome.status,
        failedStep: outcome.failure?.step,
        error: outcome.failure?.error,
        ms: Date.now() - t,
      };
      this.results.push(result);
      if (process.env.FAULTS_VERBOSE === '1') log(`lane ${this.index + 1}: ${JSON.stringify(result)}`);
      const context = JSON.stringify(result);

      expect([context, detail.status]).toEqual([context, outcome.status]);
      expect([context, sandbox.target.stats.overwrites]).toEqual([context, 0]);
      if (outcome.status === 'succeeded') {
        expect([context, injected]).toEqual([context, undefined]);
        expect([context, sandbox.target.size]).toEqual([context, RECORDS]);
        expect([context, sandbox.target.checksum().sha256]).toEqual([context, sandbox.legacy.checksum().sha256]);
        expect([context, outcome.reconciliation]).toEqual([
          context,
          { sourceCount: RECORDS, targetCount: RECORDS, accuracy: 1 },
        ]);
        expect([context, sandbox.legacy.frozen, sandbox.switches.sso, sandbox.switches.cohorts]).toEqual([
          context,
          true,
          'target',
          { pilot: true, everyone: true },
        ]);
        expect([context, detail.steps.map((s: any) => s.status)]).toEqual([context, detail.steps.map(() => 'done')]);
        onboarding = undefined;
      } else {
        if (injected) expect([context, outcome.failure?.step]).toEqual([context, INJECTED[injected]]);
        // Every step that started is undone, in exact reverse order, by the saga itself.
        const startedSteps = detail.steps.filter((s: any) => s.status !== 'pending').map((s: any) => s.key);
        expect([context, detail.compensationOrder]).toEqual([context, [...startedSteps].reverse()]);
        for (const s of detail.steps.filter((x: any) => x.status !== 'pending' && x.key !== 'reconcile'))
          expect([context, s.key, s.status]).toEqual([context, s.key, 'compensated']);
        for (const key of startedSteps)
          if (UNDO_ROUTES[key]) expect([context, key, ranSince(UNDO_ROUTES[key]) > 0]).toEqual([context, key, true]);
        expect([
          context,
          sandbox.target.size,
          sandbox.legacy.frozen,
          sandbox.switches.sso,
          Object.values(sandbox.switches.flags).some(Boolean),
          sandbox.switches.cohorts,
        ]).toEqual([context, 0, false, 'legacy', false, { pilot: false, everyone: false }]);
      }
    }
  }

  private prepareAhead(count: number): void {
    while (this.preparations.length < count) {
      const p = this.prepare(this.preparations.length);
      p.catch(() => undefined); // awaited when its turn comes
      this.preparations.push(p);
    }
  }

  private async prepare(i: number): Promise<Onboarding> {
    const account = `kills-${SEED}-${this.index + 1}-${i}`;
    const o = { id: `onboarding-${account}`, path: `/onboardings/onboarding-${account}` };
    await this.api.accepted('POST', '/onboardings', closedWonBody(account, 'enterprise'), `${account}:start`);
    await eventually(async () => ((await this.api.read(o.path)).csm ? true : undefined), 180_000, 500);
    for (const m of ['success-criteria-agreed', 'first-login', 'initial-setup-complete', 'first-value-achieved'])
      await this.api.accepted('POST', `${o.path}/milestones/${m}`, ACTOR, `${account}:${m}`);
    const criteria = ['UAT scenarios passed', 'Migration rehearsal passed', 'Rollback plan signed off'].map(
      (criterion) => ({ criterion, met: true }),
    );
    await this.api.accepted(
      'POST',
      `${o.path}/gates/go-live-readiness/approve`,
      { ...ACTOR, role: 'cs-lead', criteria },
      `${account}:gate`,
    );
    await this.rehearse(o);
    return o;
  }

  private rehearse(o: Onboarding): Promise<void> {
    const { staging } = this.lane.sandbox;
    const run = this.rehearsalLock.then(async () => {
      for (;;) {
        staging.reset();
        const attempt = await this.request(o, 'rehearsal');
        const outcome = await this.ended(o, attempt);
        this.rehearsals++;
        // A rehearsal cleans up behind itself, whatever its outcome.
        expect({ held: staging.size, overwrites: staging.stats.overwrites }).toEqual({ held: 0, overwrites: 0 });
        if (outcome.status === 'succeeded') return;
        log(`rehearsal ${o.id}#${attempt} rolled back (${outcome.failure?.error}); again`);
      }
    });
    this.rehearsalLock = run.catch(() => undefined);
    return run;
  }

  /** Requests a rehearsal or the cutover; answers its attempt number. */
  private async request(o: Onboarding, mode: 'rehearsal' | 'cutover'): Promise<number> {
    const state = await this.api.accepted('POST', `${o.path}/cutovers`, { mode, ...ACTOR });
    return state.cutovers[state.cutovers.length - 1].attempt;
  }

  /** Polls the onboarding until the attempt has ended; an attempt waiting for an operator fails the test. */
  private ended(o: Onboarding, attempt: number): Promise<any> {
    return eventually(
      async () => {
        const found = (await this.api.read(o.path)).cutovers?.find((c: any) => c.attempt === attempt);
        if (found?.status === 'needs-operator') {
          const detail = await this.api.read(`${o.path}/cutovers/${attempt}`);
          throw new Error(`${o.id} attempt ${attempt} needs an operator: ${JSON.stringify(detail.operatorNeeded)}`);
        }
        return found && ['succeeded', 'rolled-back'].includes(found.status) ? found : undefined;
      },
      300_000,
      500,
    );
  }

  /** Sets the cutover's platform fault; answers what clears it. */
  private inject(injected: Injected | undefined): () => void {
    const { faults, target } = this.lane.sandbox;
    if (injected === 'health breach') faults.set({ metrics: { errorRate: 0.5 } });
    if (injected === 'rollout failure') faults.set({ failStep: { path: '/cohorts/everyone/open' } });
    if (injected !== 'migration crash') return () => undefined;
    // Half-way through the migration the target starts failing every batch: part of it is written.
    let watching = true;
    void (async () => {
      while (watching && target.size < RECORDS / 2) await pause(5);
      if (watching) faults.set({ failStep: { path: '/target/records/batch' } });
    })();
    return () => {
      watching = false;
    };
  }
}
