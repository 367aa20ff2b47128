import type { EntityManager } from 'typeorm';
import type { AtRiskKind, DashboardFacts } from '../domain/dashboard-facts';
import { closedWonDateOf, monthOf, rollupEntriesOf } from '../domain/dashboard-rollup';
import type { OnboardingState } from '../domain/onboarding';
import { counterRowsSql, ROLLUP_GRAINS } from './dashboard-rollup-sql';

/** The columns an aggregate filters by, copied onto every facts row so one table answers it. */
export interface FactFilters {
  onboardingId: string;
  tier: string;
  segment: string;
  cohort: string | null;
  csmId: string | null;
  closedWonAt: string;
}

export function factFiltersOf(state: Omit<OnboardingState, 'outbox'>): FactFilters {
  return {
    onboardingId: state.onboardingId,
    tier: state.tier,
    segment: state.segment,
    cohort: state.cohort ?? null,
    csmId: state.csm?.id ?? null,
    closedWonAt: state.closedWonAt,
  };
}

export type FactRow = FactFilters & { status: string; stalled: boolean; playbookVersion: number; asOf: Date };

/**
 * Replaces one onboarding's dashboard facts (src/domain/dashboard-facts.ts): its row in
 * `onboarding_facts`, its rows in `stage_durations`, and its share of the monthly counters
 * (`dashboard_rollups`, `dashboard_day_rollups`: what it adds now minus what it added before). Called in the projection's
 * transaction, only when the onboarding's row moved forward, so the facts follow the same
 * (startedAt, revision) order as the row.
 */
export async function writeDashboardFacts(tx: EntityManager, f: FactRow, facts: DashboardFacts): Promise<void> {
  const before = await storedFacts(tx, f.onboardingId);
  await adjustRollups(tx, before, { row: f, facts });
  await tx.query(
    `INSERT INTO onboarding_facts AS o (onboarding_id, tier, segment, cohort, csm_id, closed_won_at, status, stalled,
        at_risk, at_risk_kinds, ttv_days, ttv_target_days, milestones_total, milestones_met, milestones_missed,
        milestones_achieved, milestones_overdue, escalations_l1, escalations_l2, escalations_l3, automation_failures,
        playbook_version, facts_as_of)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
     ON CONFLICT (onboarding_id) DO UPDATE SET tier = EXCLUDED.tier, segment = EXCLUDED.segment,
        cohort = EXCLUDED.cohort, csm_id = EXCLUDED.csm_id, closed_won_at = EXCLUDED.closed_won_at,
        status = EXCLUDED.status, stalled = EXCLUDED.stalled, at_risk = EXCLUDED.at_risk,
        at_risk_kinds = EXCLUDED.at_risk_kinds, ttv_days = EXCLUDED.ttv_days, ttv_target_days = EXCLUDED.ttv_target_days,
        milestones_total = EXCLUDED.milestones_total, milestones_met = EXCLUDED.milestones_met,
        milestones_missed = EXCLUDED.milestones_missed, milestones_achieved = EXCLUDED.milestones_achieved,
        milestones_overdue = EXCLUDED.milestones_overdue, escalations_l1 = EXCLUDED.escalations_l1,
        escalations_l2 = EXCLUDED.escalations_l2, escalations_l3 = EXCLUDED.escalations_l3,
        automation_failures = EXCLUDED.automation_failures, playbook_version = EXCLUDED.playbook_version,
        facts_as_of = EXCLUDED.facts_as_of`,
    [
      f.onboardingId,
      f.tier,
      f.segment,
      f.cohort,
      f.csmId,
      f.closedWonAt,
      f.status,
      f.stalled,
      facts.atRiskKinds.length > 0,
      facts.atRiskKinds,
      facts.ttvDays,
      facts.ttvTargetDays,
      facts.milestonesTotal,
      facts.milestonesMet,
      facts.milestonesMissed,
      facts.milestonesAchieved,
      facts.milestonesOverdue,
      ...facts.escalationsByLevel,
      facts.automationFailures,
      f.playbookVersion,
      f.asOf,
    ],
  );
  await tx.query(`DELETE FROM stage_durations WHERE onboarding_id = $1`, [f.onboardingId]);
  if (facts.stageDurations.length === 0) return;
  const rows = facts.stageDurations.map((_, i) => {
    const b = i * 3;
    return `($1, $${b + 7}, $${b + 8}, $${b + 9}, $2, $3, $4, $5, $6)`;
  });
  await tx.query(
    `INSERT INTO stage_durations (onboarding_id, seq, stage, days, tier, segment, cohort, csm_id, closed_won_at)
     VALUES ${rows.join(', ')}`,
    [
      f.onboardingId,
      f.tier,
      f.segment,
      f.cohort,
      f.csmId,
      f.closedWonAt,
      ...facts.stageDurations.flatMap((s) => [s.seq, s.stage, s.days]),
    ],
  );
}

interface StoredFacts {
  row: Pick<FactRow, 'tier' | 'segment' | 'cohort' | 'closedWonAt' | 'status' | 'stalled'>;
  facts: DashboardFacts;
}

/** What the onboarding counted for before this write (locked until the transaction ends). */
async function storedFacts(tx: EntityManager, onboardingId: string): Promise<StoredFacts | undefined> {
  const [r] = await tx.query(`SELECT * FROM onboarding_facts WHERE onboarding_id = $1 FOR UPDATE`, [onboardingId]);
  if (!r) return undefined;
  const stages: Array<{ seq: number; stage: string; days: number }> = await tx.query(
    `SELECT seq, stage, days FROM stage_durations WHERE onboarding_id = $1 ORDER BY seq`,
    [onboardingId],
  );
  return {
    row: {
      tier: r.tier,
      segment: r.segment,
      cohort: r.cohort,
      closedWonAt: (r.closed_won_at as Date).toISOString(),
      status: r.status,
      stalled: r.stalled,
    },
    facts: {
      ttvDays: r.ttv_days,
      ttvTargetDays: r.ttv_target_days,
      milestonesTotal: r.milestones_total,
      milestonesMet: r.milestones_met,
      milestonesMissed: r.milestones_missed,
      milestonesAchieved: r.milestones_achieved,
      milestonesOverdue: r.milestones_overdue,
      escalationsByLevel: [r.escalations_l1, r.escalations_l2, r.escalations_l3],
      atRiskKinds: r.at_risk_kinds as AtRiskKind[],
      automationFailures: r.automation_failures,
      stageDurations: stages.map((s) => ({ seq: Number(s.seq), stage: s.stage, days: Number(s.days) })),
    },
  };
}

/**
 * Adds the new contribution and takes the old one away, in one statement per grain (monthly,
 * then daily). Rows are written in key order, so two projections touching the same counters lock
 * them in the same order and cannot deadlock.
 */
async function adjustRollups(tx: EntityManager, before: StoredFacts | undefined, after: StoredFacts): Promise<void> {
  for (const [grain, periodOf] of [
    ['months', monthOf],
    ['days', closedWonDateOf],
  ] as const) {
    const deltas = new Map<string, { key: unknown[]; n: number }>();
    const add = ({ row, facts }: StoredFacts, sign: number) => {
      for (const e of rollupEntriesOf(row, facts)) {
        const key = [e.metric, row.tier, row.segment, row.cohort ?? '', periodOf(row.closedWonAt), e.key, e.value];
        const id = JSON.stringify(key);
        const entry = deltas.get(id) ?? { key, n: 0 };
        entry.n += sign * e.n;
        deltas.set(id, entry);
      }
    };
    if (before) add(before, -1);
    add(after, 1);
    const changed = [...deltas.entries()].filter(([, d]) => d.n !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (changed.length === 0) continue;
    const columns: unknown[][] = Array.from({ length: 8 }, () => []);
    for (const [, d] of changed) [...d.key, d.n].forEach((v, i) => columns[i].push(v));
    const { table, column } = ROLLUP_GRAINS[grain];
    await tx.query(
      `INSERT INTO ${table} AS r (metric, tier, segment, cohort, ${column}, key, value, n)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::text[], $7::int[], $8::bigint[])
       ON CONFLICT (metric, tier, segment, cohort, ${column}, key, value) DO UPDATE SET n = r.n + EXCLUDED.n`,
      columns,
    );
  }
}

/**
 * Rebuilds every counter, monthly and daily, from the fact tables with the same sums as
 * rollupEntriesOf: after a bulk load (the benchmark), a backfill, or to repair. Takes a while on
 * a large book; the projection keeps them from then on.
 */
export async function rebuildDashboardRollups(tx: EntityManager): Promise<void> {
  // Projections wait (readers do not) until the rebuild commits: a delta upserted between the
  // DELETE and the INSERT would be a duplicate key, or lost.
  await tx.query(
    `LOCK TABLE ${Object.values(ROLLUP_GRAINS)
      .map((g) => g.table)
      .join(', ')} IN SHARE ROW EXCLUSIVE MODE`,
  );
  for (const { table, column, periodSql } of Object.values(ROLLUP_GRAINS)) {
    await tx.query(`DELETE FROM ${table}`);
    for (const select of counterRowsSql(periodSql)) {
      // In period order, so one period's counters share pages.
      await tx.query(
        `INSERT INTO ${table} (metric, tier, segment, cohort, ${column}, key, value, n) ${select} ORDER BY 5`,
      );
    }
  }
}
