import type { DataSource } from 'typeorm';
import type { CohortAggregates, CohortTierAggregates } from '../domain/cohort-comparison';
import type { LeadershipAggregates } from '../domain/dashboard-figures';
import { TTV_BUCKET_DAYS, TTV_LAST_BUCKET } from '../domain/dashboard-figures';
import type { Tier } from '../domain/segment';
import { leadershipFromCounters } from './dashboard-counters';

/** What the leadership dashboard is filtered by; the period is on closed-won (when the onboarding began). */
export interface DashboardFilter {
  tier?: string;
  segment?: string;
  cohort?: string;
  csm?: string;
  /** Inclusive, ISO. */
  from?: string;
  /** Exclusive, ISO. */
  to?: string;
}

/** A WHERE over the filter columns both fact tables carry; every one of them leads an index. */
function whereOf(filter: DashboardFilter, alias = ''): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (column: string, op: string, value: unknown) => {
    params.push(value);
    clauses.push(`${alias}${column} ${op} $${params.length}`);
  };
  if (filter.tier) add('tier', '=', filter.tier);
  if (filter.segment) add('segment', '=', filter.segment);
  if (filter.cohort) add('cohort', '=', filter.cohort);
  if (filter.csm) add('csm_id', '=', filter.csm);
  if (filter.from) add('closed_won_at', '>=', filter.from);
  if (filter.to) add('closed_won_at', '<', filter.to);
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

const num = (v: unknown): number => Number(v ?? 0);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** An onboarding whose every milestone is decided: one missed already, or all met. */
const DECIDED = `(milestones_missed > 0 OR milestones_met = milestones_total)`;
const ALL_MET = `(milestones_met = milestones_total)`;
const ACTIVE = `status <> 'completed'`;

/**
 * The dashboards' SQL over the read model's fact tables (onboarding_facts, stage_durations,
 * satisfaction_responses, baselines): percentiles with percentile_cont, counts with FILTER, one
 * pass per table. Never a workflow query. The queries of one dashboard run at once on the pool.
 */
export class DashboardStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * By tier, segment, cohort and any period, from the monthly and daily counters: the cost follows
   * the months and days read, not onboardings (src/persistence/dashboard-counters.ts). A CSM's
   * book reads its own facts rows instead (exact, through their index; a book's size does not
   * grow with the whole book's).
   */
  async leadership(filter: DashboardFilter): Promise<LeadershipAggregates> {
    return filter.csm ? this.leadershipFromFacts(filter) : leadershipFromCounters(this.dataSource, filter);
  }

  private async leadershipFromFacts(filter: DashboardFilter): Promise<LeadershipAggregates> {
    const w = whereOf(filter);
    const [[totals], byTier, histogram, stages, kinds] = await Promise.all([
      this.dataSource.query(
        `SELECT count(*) AS started,
                count(*) FILTER (WHERE ${ACTIVE}) AS active,
                count(*) FILTER (WHERE status = 'completed') AS completed,
                count(*) FILTER (WHERE ${ACTIVE} AND stalled) AS stalled,
                count(*) FILTER (WHERE ${ACTIVE} AND at_risk) AS at_risk,
                count(ttv_days) AS ttv_n,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY ttv_days) AS ttv_median,
                percentile_cont(0.75) WITHIN GROUP (ORDER BY ttv_days) AS ttv_p75,
                count(*) FILTER (WHERE ttv_days <= ttv_target_days) AS ttv_within,
                sum(milestones_met) AS met, sum(milestones_missed) AS missed,
                count(*) FILTER (WHERE ${DECIDED}) AS decided,
                count(*) FILTER (WHERE ${ALL_MET}) AS all_met,
                sum(escalations_l1) AS l1, sum(escalations_l2) AS l2, sum(escalations_l3) AS l3
           FROM onboarding_facts ${w.sql}`,
        w.params,
      ),
      this.dataSource.query(
        `SELECT tier, count(ttv_days) AS n,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY ttv_days) AS median,
                percentile_cont(0.75) WITHIN GROUP (ORDER BY ttv_days) AS p75
           FROM onboarding_facts ${w.sql} GROUP BY tier ORDER BY tier`,
        w.params,
      ),
      this.dataSource.query(
        `SELECT least(floor(ttv_days / ${TTV_BUCKET_DAYS}), ${TTV_LAST_BUCKET})::int AS bucket, count(*) AS n
           FROM onboarding_facts ${w.sql ? `${w.sql} AND` : 'WHERE'} ttv_days IS NOT NULL GROUP BY 1`,
        w.params,
      ),
      this.dataSource.query(
        `SELECT stage, count(*) AS visits, percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median
           FROM stage_durations ${w.sql} GROUP BY stage ORDER BY min(seq), stage`,
        w.params,
      ),
      this.dataSource.query(
        `SELECT kind, count(*) AS n FROM onboarding_facts, unnest(at_risk_kinds) AS kind
           ${w.sql ? `${w.sql} AND` : 'WHERE'} at_risk AND ${ACTIVE} GROUP BY kind`,
        w.params,
      ),
    ]);
    return {
      started: num(totals.started),
      active: num(totals.active),
      completed: num(totals.completed),
      stalled: num(totals.stalled),
      atRisk: num(totals.at_risk),
      ttv: {
        n: num(totals.ttv_n),
        median: numOrNull(totals.ttv_median),
        p75: numOrNull(totals.ttv_p75),
        withinTarget: num(totals.ttv_within),
        histogram: new Map(histogram.map((r: { bucket: number; n: string }) => [r.bucket, num(r.n)])),
        byTier: byTier.map((r: { tier: Tier; n: string; median: unknown; p75: unknown }) => ({
          tier: r.tier,
          n: num(r.n),
          median: numOrNull(r.median),
          p75: numOrNull(r.p75),
          targetDays: null,
        })),
      },
      milestones: { met: num(totals.met), missed: num(totals.missed) },
      completion: { decided: num(totals.decided), withinTarget: num(totals.all_met) },
      stageDurations: stages.map((r: { stage: string; visits: string; median: unknown }) => ({
        stage: r.stage,
        visits: num(r.visits),
        medianDays: num(r.median),
      })),
      escalationsByLevel: { level1: num(totals.l1), level2: num(totals.l2), level3Plus: num(totals.l3) },
      atRiskKinds: kinds.map((r: { kind: string; n: string }) => ({ kind: r.kind, count: num(r.n) })),
    };
  }

  /**
   * One cohort's figures, with each tier's standing against that tier's latest baseline median
   * TTV as of `asOf`: value reached within it, or already past it (reached late, or not reached
   * with more days gone since closed-won).
   */
  async cohort(cohort: string, asOf: Date): Promise<CohortAggregates> {
    const [[t], tiers] = await Promise.all([
      this.dataSource.query(
        `SELECT count(*) AS n,
                count(*) FILTER (WHERE ${ACTIVE}) AS active,
                count(*) FILTER (WHERE ${ACTIVE} AND stalled) AS stalled,
                count(*) FILTER (WHERE status = 'handoff-incomplete') AS handoff_incomplete,
                count(*) FILTER (WHERE milestones_overdue > 0 AND milestones_achieved = 0) AS untracked,
                count(*) FILTER (WHERE automation_failures > 0) AS automation_failures,
                count(ttv_days) AS ttv_n,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY ttv_days) AS ttv_median,
                percentile_cont(0.75) WITHIN GROUP (ORDER BY ttv_days) AS ttv_p75,
                count(*) FILTER (WHERE ${DECIDED}) AS decided,
                count(*) FILTER (WHERE ${ALL_MET}) AS all_met,
                sum(escalations_l1 + escalations_l2 + escalations_l3) AS escalations,
                count(s.score) AS responses, avg(s.score) AS average_score
           FROM onboarding_facts f LEFT JOIN satisfaction_responses s ON s.onboarding_id = f.onboarding_id
          WHERE f.cohort = $1`,
        [cohort],
      ),
      this.dataSource.query(
        `WITH b AS (SELECT DISTINCT ON (tier) tier, median_ttv_days FROM baselines ORDER BY tier, version DESC)
         SELECT f.tier, count(*) AS n, count(ttv_days) AS ttv_n,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY ttv_days) AS ttv_median,
                count(*) FILTER (WHERE ${DECIDED}) AS decided,
                count(*) FILTER (WHERE ${ALL_MET}) AS all_met,
                count(*) FILTER (WHERE ttv_days <= b.median_ttv_days) AS beating,
                count(*) FILTER (WHERE ttv_days > b.median_ttv_days
                  OR (ttv_days IS NULL AND extract(epoch FROM ($2::timestamptz - closed_won_at)) / 86400 > b.median_ttv_days)
                ) AS past
           FROM onboarding_facts f LEFT JOIN b ON b.tier = f.tier
          WHERE f.cohort = $1 GROUP BY f.tier ORDER BY f.tier`,
        [cohort, asOf.toISOString()],
      ),
    ]);
    return {
      onboardings: num(t.n),
      active: num(t.active),
      stalled: num(t.stalled),
      handoffIncomplete: num(t.handoff_incomplete),
      untracked: num(t.untracked),
      automationFailures: num(t.automation_failures),
      ttv: { n: num(t.ttv_n), median: numOrNull(t.ttv_median), p75: numOrNull(t.ttv_p75) },
      completion: { decided: num(t.decided), withinTarget: num(t.all_met) },
      escalations: num(t.escalations),
      satisfaction: { responses: num(t.responses), average: numOrNull(t.average_score) },
      byTier: tiers.map((r: Record<string, unknown>): CohortTierAggregates => ({
        tier: r.tier as Tier,
        onboardings: num(r.n),
        ttv: { n: num(r.ttv_n), median: numOrNull(r.ttv_median) },
        completion: { decided: num(r.decided), withinTarget: num(r.all_met) },
        beatingBaseline: num(r.beating),
        pastBaseline: num(r.past),
      })),
    };
  }
}
