/**
 * The two grains of the dashboard counters (src/domain/dashboard-rollup.ts): monthly
 * (`dashboard_rollups`) and daily (`dashboard_day_rollups`), the same rows per closed-won month
 * or day. Whole months of a period read the first, the days of a month it cuts the second.
 */
export const ROLLUP_GRAINS = {
  months: {
    table: 'dashboard_rollups',
    column: 'month',
    periodSql: `date_trunc('month', closed_won_at AT TIME ZONE 'UTC')::date`,
  },
  days: { table: 'dashboard_day_rollups', column: 'day', periodSql: `(closed_won_at AT TIME ZONE 'UTC')::date` },
} as const;
export type RollupGrain = keyof typeof ROLLUP_GRAINS;

const ACTIVE = `status <> 'completed'`;
const where = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');

/**
 * SELECTs of counter rows (metric, tier, segment, cohort, period, key, value, n) from the fact
 * tables, the same sums as rollupEntriesOf: to rebuild the counters, and to count the onboardings
 * of a day a period cuts. `conditions` are on the filter columns both fact tables carry.
 */
export function counterRowsSql(periodSql: string, conditions: string[] = []): string[] {
  return [
    `SELECT 'count' AS metric, f.tier, f.segment, coalesce(f.cohort, '') AS cohort, ${periodSql} AS period, c.key,
            0 AS value, sum(c.n) AS n
       FROM onboarding_facts f,
            LATERAL (VALUES ('started', 1), ('active', (${ACTIVE})::int), ('completed', (NOT ${ACTIVE})::int),
               ('stalled', (${ACTIVE} AND stalled)::int),
               ('at_risk', (${ACTIVE} AND cardinality(at_risk_kinds) > 0)::int),
               ('ttv_within', coalesce((ttv_days <= ttv_target_days)::int, 0)),
               ('met', milestones_met::int), ('missed', milestones_missed::int),
               ('decided', (milestones_missed > 0 OR milestones_met = milestones_total)::int),
               ('all_met', (milestones_met = milestones_total)::int),
               ('l1', escalations_l1), ('l2', escalations_l2), ('l3', escalations_l3)) AS c(key, n)
      ${where([...conditions, 'c.n <> 0'])}
      GROUP BY 2, 3, 4, 5, 6`,
    `SELECT 'ttv', tier, segment, coalesce(cohort, ''), ${periodSql}, '', floor(ttv_days + 0.5)::int, count(*)
       FROM onboarding_facts ${where([...conditions, 'ttv_days IS NOT NULL'])} GROUP BY 2, 3, 4, 5, 7`,
    `SELECT 'stage', tier, segment, coalesce(cohort, ''), ${periodSql}, stage, floor(days + 0.5)::int, count(*)
       FROM stage_durations ${where(conditions)} GROUP BY 2, 3, 4, 5, 6, 7`,
    `SELECT 'stage-seq', tier, segment, coalesce(cohort, ''), ${periodSql}, stage, seq::int, count(*)
       FROM stage_durations ${where(conditions)} GROUP BY 2, 3, 4, 5, 6, 7`,
    `SELECT 'risk', tier, segment, coalesce(cohort, ''), ${periodSql}, kind, 0, count(*)
       FROM onboarding_facts, unnest(at_risk_kinds) AS kind ${where([...conditions, ACTIVE])} GROUP BY 2, 3, 4, 5, 6`,
  ];
}
