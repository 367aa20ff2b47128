import type { Segment, Tier } from './segment';

/**
 * Which segment a closed-won account belongs to, decided by a versioned segmentation rule
 * (published as data, like playbooks) instead of by the CRM. Pure: no packages, no I/O.
 */
export const COMPLEXITIES = ['low', 'medium', 'high'] as const;
export type Complexity = (typeof COMPLEXITIES)[number];

export interface SegmentThreshold {
  segment: Segment;
  /** Annual recurring revenue from which an account is in this segment. */
  minArr: number;
  /** Complexity from which an account is in this segment, whatever its ARR. */
  minComplexity: Complexity;
}

export interface SegmentationRule {
  version: number;
  /**
   * Ordered: the first entry whose `minArr` **or** `minComplexity` is reached wins. The last
   * entry is the catch-all (`minArr` 0, `minComplexity` 'low').
   */
  segments: SegmentThreshold[];
  /** How each segment's onboardings are run. */
  tiers: Record<Segment, Tier>;
}

export interface AccountMeasures {
  arr: number;
  complexity: Complexity;
}

/** The seeds: enterprise from ARR 250,000 or high complexity, mid-market from 50,000 or medium, SMB otherwise. */
export const DEFAULT_SEGMENTATION_RULE: SegmentationRule = {
  version: 1,
  segments: [
    { segment: 'enterprise', minArr: 250_000, minComplexity: 'high' },
    { segment: 'mid-market', minArr: 50_000, minComplexity: 'medium' },
    { segment: 'smb', minArr: 0, minComplexity: 'low' },
  ],
  tiers: {
    enterprise: 'high-touch',
    'mid-market': 'tech-touch',
    smb: 'self-service',
  },
};

/** low < medium < high. */
export function complexityRank(complexity: Complexity): number {
  return COMPLEXITIES.indexOf(complexity);
}

/** The first entry whose ARR or complexity threshold the account reaches. */
export function segmentFor(rule: SegmentationRule, account: AccountMeasures): Segment {
  const match = rule.segments.find(
    (entry) => account.arr >= entry.minArr || complexityRank(account.complexity) >= complexityRank(entry.minComplexity),
  );
  // A validated rule ends with a catch-all, so this only happens with an unvalidated one.
  if (!match)
    throw new Error(
      `segmentation rule v${rule.version} has no entry for arr ${account.arr}, complexity ${account.complexity}`,
    );
  return match.segment;
}

export function tierFor(rule: SegmentationRule, segment: Segment): Tier {
  const tier = rule.tiers[segment];
  if (!tier) throw new Error(`segmentation rule v${rule.version} maps no tier for segment "${segment}"`);
  return tier;
}

/**
 * The seeds' mapping (the default segmentation rule's tiers). New onboardings take the tier
 * from the latest published segmentation rule instead (`tierFor`).
 */
export function tierForSegment(segment: Segment): Tier {
  return tierFor(DEFAULT_SEGMENTATION_RULE, segment);
}
