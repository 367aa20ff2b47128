import type { DashboardFacts } from './dashboard-facts';

/**
 * Monthly and daily counters of the dashboard facts per (tier, segment, cohort, closed-won month
 * or day), kept by the projection as deltas: what an onboarding adds to them now, minus what it
 * added before. The leadership dashboard reads these instead of every onboarding's row when its
 * filters are tier, segment, cohort and a period (whole months from the monthly counters, the
 * days of a cut month from the daily ones), so its cost follows the number of periods and
 * distinct day values, not the number of onboardings.
 *
 * The one approximation: TTV and stage durations are counted by day (rounded to the nearest),
 * so their percentiles and histogram are those of the rounded values.
 */
export type RollupMetric = 'count' | 'ttv' | 'stage' | 'stage-seq' | 'risk';

export interface RollupEntry {
  metric: RollupMetric;
  key: string;
  value: number;
  n: number;
}

/** Days rounded to the nearest whole day (half up), the same in SQL: floor(days + 0.5). */
export const dayOf = (days: number): number => Math.floor(days + 0.5);

/** The closed-won day (UTC, YYYY-MM-DD), the daily counters' period key. */
export function closedWonDateOf(closedWonAt: string): string {
  return new Date(closedWonAt).toISOString().slice(0, 10);
}

/** The first day of the closed-won month (UTC), the monthly counters' period key. */
export function monthOf(closedWonAt: string): string {
  return `${closedWonDateOf(closedWonAt).slice(0, 7)}-01`;
}

export const COUNTERS = [
  'started',
  'active',
  'completed',
  'stalled',
  'at_risk',
  'ttv_within',
  'met',
  'missed',
  'decided',
  'all_met',
  'l1',
  'l2',
  'l3',
] as const;
export type Counter = (typeof COUNTERS)[number];

/** What one onboarding contributes to its month's counters. */
export function rollupEntriesOf(row: { status: string; stalled: boolean }, facts: DashboardFacts): RollupEntry[] {
  const active = row.status !== 'completed';
  const counts: Record<Counter, number> = {
    started: 1,
    active: active ? 1 : 0,
    completed: active ? 0 : 1,
    stalled: active && row.stalled ? 1 : 0,
    at_risk: active && facts.atRiskKinds.length > 0 ? 1 : 0,
    ttv_within: facts.ttvDays !== null && facts.ttvTargetDays !== null && facts.ttvDays <= facts.ttvTargetDays ? 1 : 0,
    met: facts.milestonesMet,
    missed: facts.milestonesMissed,
    decided: facts.milestonesMissed > 0 || facts.milestonesMet === facts.milestonesTotal ? 1 : 0,
    all_met: facts.milestonesMet === facts.milestonesTotal ? 1 : 0,
    l1: facts.escalationsByLevel[0],
    l2: facts.escalationsByLevel[1],
    l3: facts.escalationsByLevel[2],
  };
  const entries: RollupEntry[] = COUNTERS.filter((c) => counts[c] !== 0).map((c) => ({
    metric: 'count',
    key: c,
    value: 0,
    n: counts[c],
  }));
  if (facts.ttvDays !== null) entries.push({ metric: 'ttv', key: '', value: dayOf(facts.ttvDays), n: 1 });
  for (const s of facts.stageDurations) {
    entries.push({ metric: 'stage', key: s.stage, value: dayOf(s.days), n: 1 });
    entries.push({ metric: 'stage-seq', key: s.stage, value: s.seq, n: 1 });
  }
  if (active) for (const kind of facts.atRiskKinds) entries.push({ metric: 'risk', key: kind, value: 0, n: 1 });
  return entries;
}

/** percentile_cont over a multiset given as (value, count) pairs. */
export function percentileOfCounts(pairs: ReadonlyArray<readonly [number, number]>, p: number): number | null {
  const sorted = pairs.filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = sorted.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  const rank = p * (total - 1);
  const at = (r: number): number => {
    let seen = 0;
    for (const [value, n] of sorted) {
      seen += n;
      if (r < seen) return value;
    }
    return sorted[sorted.length - 1][0];
  };
  const lo = at(Math.floor(rank));
  const hi = at(Math.ceil(rank));
  return lo + (hi - lo) * (rank - Math.floor(rank));
}
