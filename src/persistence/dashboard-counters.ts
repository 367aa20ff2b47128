import type { DataSource } from 'typeorm';
import type { LeadershipAggregates } from '../domain/dashboard-figures';
import { ttvBucketOf } from '../domain/dashboard-figures';
import { periodPieces } from '../domain/dashboard-period';
import { type Counter, percentileOfCounts } from '../domain/dashboard-rollup';
import type { Tier } from '../domain/segment';
import { counterRowsSql, ROLLUP_GRAINS } from './dashboard-rollup-sql';

/** The leadership filters the counters carry: no CSM (a CSM's book reads its own rows). */
export interface CounterFilter {
  tier?: string;
  segment?: string;
  cohort?: string;
  /** Inclusive, ISO. */
  from?: string;
  /** Exclusive, ISO. */
  to?: string;
}

interface CounterRow {
  metric: string;
  tier: Tier;
  key: string;
  value: number;
  n: string;
}

/**
 * The counter rows of a period, summed in one statement: whole months from the monthly counters,
 * the days of a cut month from the daily ones (or the month minus its outside days), and the
 * onboardings of a cut day turned into the same rows (src/domain/dashboard-period.ts). The sums
 * are exactly the counts of the onboardings closed-won in [from, to).
 */
async function counterRows(dataSource: DataSource, filter: CounterFilter): Promise<CounterRow[]> {
  const pieces = periodPieces(filter.from, filter.to);
  if (pieces.length === 0) return [];
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  // The same column names in the counters and the fact tables; a filtered cohort is never ''.
  const filters: string[] = [];
  if (filter.tier) filters.push(`tier = ${param(filter.tier)}`);
  if (filter.segment) filters.push(`segment = ${param(filter.segment)}`);
  if (filter.cohort) filters.push(`cohort = ${param(filter.cohort)}`);
  const branches = pieces.flatMap((piece) => {
    if (piece.grain === 'rows') {
      const period = [...filters];
      if (piece.from) period.push(`closed_won_at >= ${param(piece.from)}`);
      if (piece.to) period.push(`closed_won_at < ${param(piece.to)}`);
      return counterRowsSql('NULL::date', period).map(
        (select) =>
          `SELECT metric, tier, key, value, n FROM (${select}) AS r(metric, tier, segment, cohort, period, key, value, n)`,
      );
    }
    const { table, column } = ROLLUP_GRAINS[piece.grain];
    const period = [...filters];
    if (piece.from) period.push(`${column} >= ${param(piece.from)}::date`);
    if (piece.to) period.push(`${column} < ${param(piece.to)}::date`);
    return [
      `SELECT metric, tier, key, value, ${piece.sign === 1 ? 'n' : '-n'} AS n FROM ${table}
        ${period.length ? `WHERE ${period.join(' AND ')}` : ''}`,
    ];
  });
  return dataSource.query(
    `SELECT metric, tier, key, value, sum(n) AS n FROM (${branches.join('\nUNION ALL\n')}) AS pieces
      GROUP BY metric, tier, key, value HAVING sum(n) <> 0`,
    params,
  );
}

/**
 * The leadership aggregates from the counters: the cost follows the months and days read and the
 * distinct day values, not the onboardings. TTV and stage durations are those rounded to the day.
 */
export async function leadershipFromCounters(
  dataSource: DataSource,
  filter: CounterFilter,
): Promise<LeadershipAggregates> {
  const rows = await counterRows(dataSource, filter);
  const counts = new Map<string, number>();
  const ttvByTier = new Map<Tier, Array<[number, number]>>();
  const stages = new Map<string, { seq: number; pairs: Array<[number, number]> }>();
  const kinds = new Map<string, number>();
  const stage = (key: string) => stages.get(key) ?? stages.set(key, { seq: Infinity, pairs: [] }).get(key)!;
  for (const r of rows) {
    const n = Number(r.n);
    if (r.metric === 'count') counts.set(r.key, (counts.get(r.key) ?? 0) + n);
    else if (r.metric === 'ttv') (ttvByTier.get(r.tier) ?? ttvByTier.set(r.tier, []).get(r.tier)!).push([r.value, n]);
    else if (r.metric === 'stage') stage(r.key).pairs.push([r.value, n]);
    else if (r.metric === 'stage-seq') stage(r.key).seq = Math.min(stage(r.key).seq, r.value);
    else if (r.metric === 'risk') kinds.set(r.key, (kinds.get(r.key) ?? 0) + n);
  }
  const count = (c: Counter) => counts.get(c) ?? 0;
  const ttv = [...ttvByTier.values()].flat();
  const histogram = new Map<number, number>();
  for (const [value, n] of ttv) histogram.set(ttvBucketOf(value), (histogram.get(ttvBucketOf(value)) ?? 0) + n);
  const tiers = [...new Set([...ttvByTier.keys(), ...rows.map((r) => r.tier)])].sort();
  return {
    started: count('started'),
    active: count('active'),
    completed: count('completed'),
    stalled: count('stalled'),
    atRisk: count('at_risk'),
    ttv: {
      n: ttv.reduce((s, [, n]) => s + n, 0),
      median: percentileOfCounts(ttv, 0.5),
      p75: percentileOfCounts(ttv, 0.75),
      withinTarget: count('ttv_within'),
      histogram,
      byTier: tiers.map((tier) => {
        const pairs = ttvByTier.get(tier) ?? [];
        return {
          tier,
          n: pairs.reduce((s, [, n]) => s + n, 0),
          median: percentileOfCounts(pairs, 0.5),
          p75: percentileOfCounts(pairs, 0.75),
          targetDays: null,
        };
      }),
    },
    milestones: { met: count('met'), missed: count('missed') },
    completion: { decided: count('decided'), withinTarget: count('all_met') },
    stageDurations: [...stages.entries()]
      .filter(([, s]) => s.pairs.length > 0)
      .sort(([a, x], [b, y]) => x.seq - y.seq || (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, s]) => ({
        stage: name,
        visits: s.pairs.reduce((sum, [, n]) => sum + n, 0),
        medianDays: percentileOfCounts(s.pairs, 0.5)!,
      })),
    escalationsByLevel: { level1: count('l1'), level2: count('l2'), level3Plus: count('l3') },
    atRiskKinds: [...kinds.entries()].map(([kind, n]) => ({ kind, count: n })),
  };
}
