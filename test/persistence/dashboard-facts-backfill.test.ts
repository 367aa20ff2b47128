/**
 * Facts for onboardings projected before the fact tables existed: derived from their read-model
 * row, they equal what the projection writes, and the counters follow. A database of this file's
 * own, since it empties the fact tables.
 */
import { DataSource } from 'typeorm';
import { createReadModelActivities } from '../../activities/read-model.activities';
import { assignCsm, recordMilestone } from '../../src/domain/commands';
import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import { atRiskReasons, type OnboardingState, startOnboarding } from '../../src/domain/onboarding';
import type { Segment } from '../../src/domain/segment';
import { recordSideEffectFailure } from '../../src/domain/side-effects';
import { DAY_MS } from '../../src/domain/time';
import { waitingOn } from '../../src/domain/waiting-on';
import { dataSourceOptions } from '../../src/persistence/data-source';
import { backfillDashboardFacts, reconcileDashboardFacts } from '../../src/persistence/dashboard-facts-backfill';
import { rebuildDashboardRollups } from '../../src/persistence/dashboard-facts-store';
import { DashboardStore } from '../../src/persistence/dashboard-store';
import { PlaybookStore } from '../../src/playbooks/playbook-store';
import { onboardingInput } from '../fixtures/onboarding-input';
import { createOwnDatabase, type OwnDatabase } from '../support/own-database';

let database: OwnDatabase;
let db: DataSource;

beforeAll(async () => {
  database = await createOwnDatabase('facts_backfill');
  db = await new DataSource(dataSourceOptions(database.url)).initialize();
  await new PlaybookStore(db).seedDefaults();
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

const at = (closedWon: Date, days: number) => new Date(closedWon.getTime() + days * DAY_MS);

/** An onboarding some way into its journey: milestones met and late, stages left, a CSM. */
function journey(account: string, segment: Segment, closedWon: Date): OnboardingState {
  const input = onboardingInput(account, segment, closedWon);
  const playbook = input.playbook;
  let state = assignCsm(
    startOnboarding(input, closedWon),
    playbook,
    { id: 'csm-ana', name: 'Ana', email: 'a@x' },
    closedWon,
  );
  const firstValue = playbook.milestones.find((m) => m.key === playbook.firstValueMilestone)!;
  const upToValue = playbook.milestones.filter((m) => m.targetDay <= firstValue.targetDay);
  for (const [i, m] of upToValue.entries()) {
    // The second one late, the others on time.
    const when = at(closedWon, m.targetDay + (i === 1 ? 5 : -0.5));
    state = recordMilestone.apply(state, playbook, { milestone: m.key, actor: 'csm' }, when);
  }
  return state;
}

function troubled(state: OnboardingState): OnboardingState {
  const withRefusals = [
    { effect: 'projection', type: 'PermanentWriteFailure', code: '22P05', fallback: 'sanitised', item: 'rev 4' },
    { effect: 'message', type: 'MessageRefused', code: '550', fallback: 'none', item: 'welcome' },
  ].reduce(
    (s, refusal) =>
      recordSideEffectFailure(
        s,
        refusal as Parameters<typeof recordSideEffectFailure>[1],
        new Date('2026-02-01T00:00:00Z'),
      ),
    state,
  );
  return {
    ...withRefusals,
    cohort: 'pilot-old',
    stalledSince: '2026-02-10T00:00:00.000Z',
    risks: [
      {
        id: 'r1',
        category: 'data',
        description: 'Legacy export refused (2 time(s) since the start)',
        blocker: true,
        owner: 'ops',
        decisionDueDate: '2026-03-01',
        fallback: 'manual',
        recordedAt: '2026-02-01T00:00:00Z',
        recordedBy: 'csm',
        status: 'open',
      },
    ],
    escalations: [
      {
        id: 'e1',
        subject: { kind: 'milestone', key: 'm' },
        level: 1,
        notify: 'csm',
        breachedAt: '2026-02-01T00:00:00Z',
        raisedAt: '2026-02-01T00:00:00Z',
        acknowledgedAt: '2026-02-02T00:00:00Z',
      },
      {
        id: 'e2',
        subject: { kind: 'milestone', key: 'm' },
        level: 2,
        notify: 'cs-lead',
        breachedAt: '2026-02-03T00:00:00Z',
        raisedAt: '2026-02-03T00:00:00Z',
      },
      {
        id: 'e3',
        subject: { kind: 'stall', key: 's' },
        level: 4,
        notify: 'vp-cs',
        breachedAt: '2026-02-05T00:00:00Z',
        raisedAt: '2026-02-05T00:00:00Z',
        closedAt: '2026-02-06T00:00:00Z',
      },
    ] as OnboardingState['escalations'],
    hypercare: {
      ...({} as NonNullable<OnboardingState['hypercare']>),
      breaches: [{ metric: 'error-rate', since: '2026-02-07T00:00:00Z', detail: 'errors at 3%' }],
    } as unknown as OnboardingState['hypercare'],
  };
}

async function project(state: OnboardingState): Promise<void> {
  const { outbox: _outbox, ...rest } = state;
  const playbook = DEFAULT_PLAYBOOKS[state.tier];
  await createReadModelActivities(db).projectOnboarding({
    state: rest,
    waitingOn: waitingOn(state, playbook),
    atRiskReasons: atRiskReasons(state),
  });
}

const factsRows = () =>
  db.query(
    `SELECT f.*, o.projected_at FROM onboarding_facts f JOIN onboardings o ON o.id = f.onboarding_id ORDER BY 1`,
  );
const stageRows = () => db.query(`SELECT * FROM stage_durations ORDER BY onboarding_id, seq`);
const counters = () =>
  Promise.all(
    ['dashboard_rollups', 'dashboard_day_rollups'].map((table) =>
      db.query(`SELECT * FROM ${table} WHERE n <> 0 ORDER BY metric, tier, segment, cohort, 5, key, value`),
    ),
  );

it('gives an onboarding without facts the facts its projection writes, and counts it in the counters', async () => {
  const states = [
    journey('bf-value', 'enterprise', new Date('2026-01-05T09:30:00Z')),
    troubled(journey('bf-troubled', 'mid-market', new Date('2026-01-20T15:00:00Z'))),
    { ...journey('bf-done', 'smb', new Date('2025-12-30T23:30:00Z')), status: 'completed' as const },
  ];
  for (const s of states) await project(s);
  const projected = await factsRows();
  const projectedStages = await stageRows();
  const projectedCounters = await counters();
  // What the projection wrote covers every kind of fact.
  expect(projected.map((f: { onboarding_id: string }) => f.onboarding_id)).toEqual(
    states.map((s) => s.onboardingId).sort(),
  );
  const troubledFacts = projected.find((f: { onboarding_id: string }) => f.onboarding_id === 'onboarding-bf-troubled');
  expect(troubledFacts).toMatchObject({
    automation_failures: 2,
    escalations_l1: 1,
    escalations_l2: 1,
    escalations_l3: 1,
  });
  expect([...troubledFacts.at_risk_kinds].sort()).toEqual(
    ['automation-failure', 'hypercare-breach', 'open-blocker:data', 'stalled', 'unacknowledged-escalation'].sort(),
  );
  expect(projected.every((f: { ttv_days: number | null }) => f.ttv_days !== null)).toBe(true);
  expect(projectedStages.length).toBeGreaterThan(0);

  // As the fact tables' migration left them: rows without facts, counters without them.
  await db.query(`DELETE FROM onboarding_facts`);
  await db.query(`DELETE FROM stage_durations`);
  await db.transaction((tx) => rebuildDashboardRollups(tx));
  const store = new DashboardStore(db);
  expect((await store.leadership({})).started).toBe(0);

  const outcome = await backfillDashboardFacts(db);
  expect(outcome).toEqual({ written: 3, withoutPlaybook: [] });
  const backfilled = await factsRows();
  // As of the row's projection; everything else as the projection wrote it.
  const withoutAsOf = (rows: Array<Record<string, unknown>>) => rows.map(({ facts_as_of: _a, ...f }) => f);
  expect(withoutAsOf(backfilled)).toEqual(withoutAsOf(projected));
  expect(backfilled.map((f: { facts_as_of: Date; projected_at: Date }) => f.facts_as_of.getTime())).toEqual(
    backfilled.map((f: { projected_at: Date }) => f.projected_at.getTime()),
  );
  expect(await stageRows()).toEqual(projectedStages);
  // The counters, kept by the backfill's deltas, are those the projection kept, and a rebuild's.
  expect(await counters()).toEqual(projectedCounters);
  await db.transaction((tx) => rebuildDashboardRollups(tx));
  expect(await counters()).toEqual(projectedCounters);
  expect((await store.leadership({})).started).toBe(3);

  // Idempotent: nothing left to do.
  expect(await backfillDashboardFacts(db)).toEqual({ written: 0, withoutPlaybook: [] });

  // After the release that added the daily counters, facts but no daily counters: the start's
  // reconciliation builds them once, then has nothing to do.
  await db.query(`DELETE FROM dashboard_day_rollups`);
  expect(await reconcileDashboardFacts(db)).toEqual({ written: 0, withoutPlaybook: [], rebuilt: true });
  expect(await counters()).toEqual(projectedCounters);
  expect(await reconcileDashboardFacts(db)).toEqual({ written: 0, withoutPlaybook: [], rebuilt: false });
});

it('leaves an onboarding whose playbook version is not stored to its next projection', async () => {
  const state = { ...journey('bf-unknown', 'mid-market', new Date('2026-02-02T10:00:00Z')), playbookVersion: 99 };
  await project(state);
  await db.query(`DELETE FROM onboarding_facts WHERE onboarding_id = $1`, [state.onboardingId]);
  await db.query(`DELETE FROM stage_durations WHERE onboarding_id = $1`, [state.onboardingId]);
  const outcome = await backfillDashboardFacts(db);
  expect(outcome).toEqual({ written: 0, withoutPlaybook: [state.onboardingId] });
  const [row] = await db.query(`SELECT 1 FROM onboarding_facts WHERE onboarding_id = $1`, [state.onboardingId]);
  expect(row).toBeUndefined();
});
