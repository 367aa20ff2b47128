import type { Baseline } from './baseline';
import { share } from './dashboard-figures';
import type { Tier } from './segment';

/**
 * A cohort (the pilot) beside the baseline or another cohort (seed 004, 3c): TTV, completion
 * within target, stall rate, escalations and satisfaction, with the counts behind each figure,
 * a note when the cohort is too small to conclude from, and the pilot's success criteria.
 */

/** What SQL counts for one cohort (src/persistence/dashboard-store.ts). */
export interface CohortAggregates {
  onboardings: number;
  active: number;
  stalled: number;
  handoffIncomplete: number;
  /** Onboardings with a milestone past its target and none recorded: tracking is not being kept. */
  untracked: number;
  /** Onboardings with a side effect refused for good. */
  automationFailures: number;
  ttv: { n: number; median: number | null; p75: number | null };
  completion: { decided: number; withinTarget: number };
  escalations: number;
  satisfaction: { responses: number; average: number | null };
  byTier: CohortTierAggregates[];
}

export interface CohortTierAggregates {
  tier: Tier;
  onboardings: number;
  ttv: { n: number; median: number | null };
  completion: { decided: number; withinTarget: number };
  /** Against the tier's baseline median: value reached within it, and already past it (reached or not). */
  beatingBaseline: number;
  pastBaseline: number;
}

/** Seed 004: a pilot is 5 to 10 customers. Under 5 nothing can be concluded; up to 10 it is indicative. */
export const TOO_SMALL_BELOW = 5;
export const INDICATIVE_UP_TO = 10;

export interface SampleNote {
  tooSmall: boolean;
  indicativeOnly: boolean;
  note: string | null;
}

export function sampleNote(n: number): SampleNote {
  if (n < TOO_SMALL_BELOW)
    return {
      tooSmall: true,
      indicativeOnly: true,
      note: `${n} onboarding(s): too few to conclude from (fewer than ${TOO_SMALL_BELOW})`,
    };
  if (n <= INDICATIVE_UP_TO)
    return {
      tooSmall: false,
      indicativeOnly: true,
      note: `${n} onboardings: indicative only (${TOO_SMALL_BELOW} to ${INDICATIVE_UP_TO})`,
    };
  return { tooSmall: false, indicativeOnly: false, note: null };
}

export interface CohortSide {
  kind: 'cohort';
  cohort: string;
  onboardings: number;
  sample: SampleNote;
  timeToValue: { onboardings: number; medianDays: number | null; p75Days: number | null };
  completionWithinTarget: { decided: number; withinTarget: number; share: number | null };
  stalled: { active: number; stalled: number; share: number | null };
  escalations: { raised: number; perOnboarding: number | null };
  satisfaction: { responses: number; averageScore: number | null };
  byTier: Array<{
    tier: Tier;
    onboardings: number;
    ttvMedianDays: number | null;
    ttvOnboardings: number;
    completionWithinTargetShare: number | null;
  }>;
}

export interface BaselineSide {
  kind: 'baseline';
  byTier: Array<
    Pick<Baseline, 'tier' | 'medianTtvDays' | 'completionWithinTargetRate' | 'sampleSize' | 'enteredBy' | 'enteredAt'>
  >;
  /** Tiers of the cohort without a baseline: nothing to compare them with. */
  missingTiers: Tier[];
}

export function cohortSide(cohort: string, a: CohortAggregates): CohortSide {
  return {
    kind: 'cohort',
    cohort,
    onboardings: a.onboardings,
    sample: sampleNote(a.onboardings),
    timeToValue: { onboardings: a.ttv.n, medianDays: a.ttv.median, p75Days: a.ttv.p75 },
    completionWithinTarget: { ...a.completion, share: share(a.completion.withinTarget, a.completion.decided) },
    stalled: { active: a.active, stalled: a.stalled, share: share(a.stalled, a.active) },
    escalations: { raised: a.escalations, perOnboarding: share(a.escalations, a.onboardings) },
    satisfaction: { responses: a.satisfaction.responses, averageScore: a.satisfaction.average },
    byTier: a.byTier.map((t) => ({
      tier: t.tier,
      onboardings: t.onboardings,
      ttvMedianDays: t.ttv.median,
      ttvOnboardings: t.ttv.n,
      completionWithinTargetShare: share(t.completion.withinTarget, t.completion.decided),
    })),
  };
}

export function baselineSide(a: CohortAggregates, baselines: Baseline[]): BaselineSide {
  return {
    kind: 'baseline',
    byTier: baselines.map(({ tier, medianTtvDays, completionWithinTargetRate, sampleSize, enteredBy, enteredAt }) => ({
      tier,
      medianTtvDays,
      completionWithinTargetRate,
      sampleSize,
      enteredBy,
      enteredAt,
    })),
    missingTiers: a.byTier.map((t) => t.tier).filter((tier) => !baselines.some((b) => b.tier === tier)),
  };
}

export type CriterionStatus = 'pass' | 'fail' | 'unknown';

/** How a criterion's status is said, in the report and on the page alike. */
export const CRITERION_STATUS_WORDS: Record<CriterionStatus, string> = {
  pass: 'Met',
  fail: 'Not met',
  unknown: 'Unknown',
};

export interface SuccessCriterion {
  criterion: string;
  status: CriterionStatus;
  why: string;
}

/**
 * Seed 004's pilot success criteria, each judged from the facts the service holds. "CSMs report
 * confidence" is asked at office hours, not recorded here: always unknown, listed so the
 * checklist is the seed's whole list.
 */
export function pilotChecklist(a: CohortAggregates, baselines: Baseline[]): SuccessCriterion[] {
  const none = a.onboardings === 0;
  const unknownWhenEmpty = (criterion: string): SuccessCriterion | undefined =>
    none ? { criterion, status: 'unknown', why: 'the cohort has no onboardings yet' } : undefined;
  const entered = 'Every pilot onboarding entered its playbook';
  const tracked = 'Milestone tracking updated accurately';
  const automation = 'No critical automation failure';
  const ttv = 'Pilot TTV on track to beat baseline';
  return [
    unknownWhenEmpty(entered) ??
      (a.handoffIncomplete === 0
        ? { criterion: entered, status: 'pass', why: `all ${a.onboardings} onboardings started their journey` }
        : {
            criterion: entered,
            status: 'fail',
            why: `${a.handoffIncomplete} of ${a.onboardings} still wait for a complete Sales-to-CS handoff`,
          }),
    unknownWhenEmpty(tracked) ??
      (a.untracked === 0
        ? { criterion: tracked, status: 'pass', why: 'every onboarding with a milestone due has milestones recorded' }
        : {
            criterion: tracked,
            status: 'fail',
            why: `${a.untracked} onboarding(s) have milestones past target and none recorded`,
          }),
    unknownWhenEmpty(automation) ??
      (a.automationFailures === 0
        ? { criterion: automation, status: 'pass', why: 'no projection, audit entry or message was refused for good' }
        : {
            criterion: automation,
            status: 'fail',
            why: `${a.automationFailures} onboarding(s) had a side effect refused for good`,
          }),
    unknownWhenEmpty(ttv) ?? ttvOnTrack(a, baselines, ttv),
    {
      criterion: 'CSMs report confidence in the new process',
      status: 'unknown',
      why: 'asked of CSMs at the pilot office hours; not recorded by this service',
    },
  ];
}

/**
 * On track, per tier: the median TTV ends at or under the baseline when more than half of the
 * tier's onboardings reach value within it. Fail when at least half are already past it, or
 * more are past it than beat it; unknown without a baseline or before any is decided.
 */
function ttvOnTrack(a: CohortAggregates, baselines: Baseline[], criterion: string): SuccessCriterion {
  const missing = a.byTier.filter((t) => !baselines.some((b) => b.tier === t.tier)).map((t) => t.tier);
  if (missing.length) return { criterion, status: 'unknown', why: `no baseline for ${missing.join(', ')}` };
  const behind = a.byTier.filter((t) => t.pastBaseline * 2 >= t.onboardings || t.pastBaseline > t.beatingBaseline);
  const decided = a.byTier.reduce((n, t) => n + t.beatingBaseline + t.pastBaseline, 0);
  const counts = a.byTier
    .map((t) => `${t.tier}: ${t.beatingBaseline} within, ${t.pastBaseline} past, of ${t.onboardings}`)
    .join('; ');
  if (behind.length)
    return {
      criterion,
      status: 'fail',
      why: `behind the baseline in ${behind.map((t) => t.tier).join(', ')} (${counts})`,
    };
  if (decided === 0)
    return {
      criterion,
      status: 'unknown',
      why: `no onboarding has reached value or passed the baseline yet (${counts})`,
    };
  return { criterion, status: 'pass', why: counts };
}
