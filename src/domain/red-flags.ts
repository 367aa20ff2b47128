import type { Baseline } from './baseline';
import type { Tier } from './segment';

/**
 * The program's red flags (seed 004, monthly review): completion within target under 60%, TTV
 * more than 20% above the baseline, more than 15% of active onboardings stalled. The thresholds
 * are settings (RED_FLAG_*); the comparison is strict, as the seed words it.
 */
export interface RedFlagThresholds {
  /** Raised when completion within target is below this share. */
  completionMin: number;
  /** Raised when a tier's median TTV is more than this share above its baseline. */
  ttvOverBaseline: number;
  /** Raised when more than this share of active onboardings is stalled. */
  stalledMax: number;
}

export const DEFAULT_RED_FLAG_THRESHOLDS: RedFlagThresholds = {
  completionMin: 0.6,
  ttvOverBaseline: 0.2,
  stalledMax: 0.15,
};

export type RedFlagKind = 'completion-within-target' | 'ttv-over-baseline' | 'stalled';

export interface RedFlag {
  kind: RedFlagKind;
  /** For TTV: the tier whose median is compared with that tier's baseline. */
  tier?: Tier;
  value: number;
  threshold: number;
  message: string;
}

export interface RedFlagInputs {
  completionWithinTarget: number | null;
  stalledShare: number | null;
  ttvMedianByTier: Array<{ tier: Tier; median: number | null }>;
  baselines: Baseline[];
}

const percent = (x: number) => `${Math.round(x * 1000) / 10}%`;
const days = (x: number) => `${Math.round(x * 10) / 10} days`;

/** The flags crossed; none when a figure has no data (no rate is not a bad rate). */
export function redFlags(inputs: RedFlagInputs, t: RedFlagThresholds): RedFlag[] {
  const flags: RedFlag[] = [];
  const completion = inputs.completionWithinTarget;
  if (completion !== null && completion < t.completionMin) {
    flags.push({
      kind: 'completion-within-target',
      value: completion,
      threshold: t.completionMin,
      message: `completion within target is ${percent(completion)}, under ${percent(t.completionMin)}`,
    });
  }
  for (const { tier, median } of inputs.ttvMedianByTier) {
    const baseline = inputs.baselines.find((b) => b.tier === tier);
    if (median === null || !baseline) continue;
    const limit = baseline.medianTtvDays * (1 + t.ttvOverBaseline);
    if (median > limit) {
      flags.push({
        kind: 'ttv-over-baseline',
        tier,
        value: median,
        threshold: limit,
        message: `${tier} median TTV is ${days(median)}, more than ${percent(t.ttvOverBaseline)} above its baseline of ${days(baseline.medianTtvDays)}`,
      });
    }
  }
  const stalled = inputs.stalledShare;
  if (stalled !== null && stalled > t.stalledMax) {
    flags.push({
      kind: 'stalled',
      value: stalled,
      threshold: t.stalledMax,
      message: `${percent(stalled)} of active onboardings are stalled, more than ${percent(t.stalledMax)}`,
    });
  }
  return flags;
}
