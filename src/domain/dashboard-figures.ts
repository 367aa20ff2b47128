import type { Tier } from './segment';

/**
 * The leadership dashboard's figures from the aggregates SQL returns (src/persistence/
 * dashboard-store.ts): shares, and the shape the pages draw. Pure, so a test computes the same
 * figures from the same facts without a database.
 */

/** PostgreSQL's percentile_cont: linear interpolation between the two nearest ranks. */
export function percentileCont(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/** part / whole, or null when there is nothing to divide (no onboarding: no rate, not 0%). */
export function share(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** TTV is drawn in weeks: bucket i holds [7i, 7i+7) days; the last one everything from 12 weeks on. */
export const TTV_BUCKET_DAYS = 7;
export const TTV_LAST_BUCKET = 12;

export function ttvBucketOf(days: number): number {
  return Math.min(Math.floor(days / TTV_BUCKET_DAYS), TTV_LAST_BUCKET);
}

export interface TtvBucket {
  fromDay: number;
  /** Exclusive; null for the last, open bucket. */
  toDay: number | null;
  count: number;
}

/** Every bucket, empty ones included, so a chart's axis does not depend on the data. */
export function ttvHistogram(counts: ReadonlyMap<number, number>): TtvBucket[] {
  return Array.from({ length: TTV_LAST_BUCKET + 1 }, (_, i) => ({
    fromDay: i * TTV_BUCKET_DAYS,
    toDay: i === TTV_LAST_BUCKET ? null : (i + 1) * TTV_BUCKET_DAYS,
    count: counts.get(i) ?? 0,
  }));
}

/** What the SQL counts over the onboardings a filter selects. */
export interface LeadershipAggregates {
  started: number;
  active: number;
  completed: number;
  /** Active onboardings stalled at their stage. */
  stalled: number;
  atRisk: number;
  ttv: {
    n: number;
    median: number | null;
    p75: number | null;
    /** Achieved on or before the first-value milestone's target day. */
    withinTarget: number;
    histogram: Map<number, number>;
    byTier: Array<{ tier: Tier; n: number; median: number | null; p75: number | null; targetDays: number | null }>;
  };
  milestones: { met: number; missed: number };
  /** Onboardings whose every milestone is decided (met, or one missed), and those that met all. */
  completion: { decided: number; withinTarget: number };
  stageDurations: Array<{ stage: string; visits: number; medianDays: number }>;
  escalationsByLevel: { level1: number; level2: number; level3Plus: number };
  atRiskKinds: Array<{ kind: string; count: number }>;
}

export interface LeadershipFigures {
  onboardings: { started: number; active: number; completed: number };
  timeToValue: {
    onboardings: number;
    medianDays: number | null;
    p75Days: number | null;
    withinTarget: number;
    withinTargetShare: number | null;
    /** Target days of the first-value milestone; one per tier (the newest playbook version's when versions differ). */
    byTier: LeadershipAggregates['ttv']['byTier'];
    histogram: TtvBucket[];
  };
  milestoneCompletionWithinTarget: { met: number; missed: number; share: number | null };
  /** The seed's "completion within target": onboardings that met every milestone on time, of those decided. */
  completionWithinTarget: { decided: number; withinTarget: number; share: number | null };
  stageDurations: LeadershipAggregates['stageDurations'];
  stalled: { active: number; stalled: number; share: number | null };
  escalationsByLevel: LeadershipAggregates['escalationsByLevel'];
  atRisk: { count: number; topReasons: Array<{ reason: string; count: number }> };
}

export const TOP_AT_RISK_REASONS = 5;

export function leadershipFigures(a: LeadershipAggregates): LeadershipFigures {
  return {
    onboardings: { started: a.started, active: a.active, completed: a.completed },
    timeToValue: {
      onboardings: a.ttv.n,
      medianDays: a.ttv.median,
      p75Days: a.ttv.p75,
      withinTarget: a.ttv.withinTarget,
      withinTargetShare: share(a.ttv.withinTarget, a.ttv.n),
      byTier: a.ttv.byTier,
      histogram: ttvHistogram(a.ttv.histogram),
    },
    milestoneCompletionWithinTarget: {
      ...a.milestones,
      share: share(a.milestones.met, a.milestones.met + a.milestones.missed),
    },
    completionWithinTarget: { ...a.completion, share: share(a.completion.withinTarget, a.completion.decided) },
    stageDurations: a.stageDurations,
    stalled: { active: a.active, stalled: a.stalled, share: share(a.stalled, a.active) },
    escalationsByLevel: a.escalationsByLevel,
    atRisk: {
      count: a.atRisk,
      topReasons: [...a.atRiskKinds]
        .sort((x, y) => y.count - x.count || x.kind.localeCompare(y.kind))
        .slice(0, TOP_AT_RISK_REASONS)
        .map(({ kind, count }) => ({ reason: kind, count })),
    },
  };
}
