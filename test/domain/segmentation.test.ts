/**
 * segmentFor and tierFor: the first entry whose ARR or complexity threshold is reached wins,
 * the last entry catches everyone else, and the rule maps each segment to its tier.
 */
import { SEGMENTS } from '../../src/domain/segment';
import {
  DEFAULT_SEGMENTATION_RULE as RULE,
  type SegmentationRule,
  segmentFor,
  tierFor,
  tierForSegment,
} from '../../src/domain/segmentation';

describe('segmentFor with the default rule', () => {
  it.each([
    [1_000_000, 'enterprise'],
    [250_000, 'enterprise'], // the threshold itself is reached
    [249_999.99, 'mid-market'],
    [50_000, 'mid-market'],
    [49_999, 'smb'],
    [0, 'smb'],
  ] as const)('segments ARR %d with low complexity as %s', (arr, segment) => {
    expect(segmentFor(RULE, { arr, complexity: 'low' })).toBe(segment);
  });

  it('segments by complexity whatever the ARR: high is enterprise, medium at least mid-market', () => {
    expect(segmentFor(RULE, { arr: 0, complexity: 'high' })).toBe('enterprise');
    expect(segmentFor(RULE, { arr: 10_000, complexity: 'medium' })).toBe('mid-market');
    expect(segmentFor(RULE, { arr: 0, complexity: 'medium' })).toBe('mid-market');
  });

  it('takes the higher segment when ARR and complexity point to different ones (either threshold suffices)', () => {
    expect(segmentFor(RULE, { arr: 300_000, complexity: 'low' })).toBe('enterprise');
    expect(segmentFor(RULE, { arr: 60_000, complexity: 'high' })).toBe('enterprise');
  });
});

describe('segmentFor with a published rule', () => {
  const rule: SegmentationRule = {
    version: 7,
    segments: [
      { segment: 'enterprise', minArr: 100_000, minComplexity: 'high' },
      { segment: 'mid-market', minArr: 20_000, minComplexity: 'high' },
      { segment: 'smb', minArr: 0, minComplexity: 'low' },
    ],
    tiers: { enterprise: 'high-touch', 'mid-market': 'high-touch', smb: 'tech-touch' },
  };

  it('follows its thresholds, not the defaults', () => {
    expect(segmentFor(rule, { arr: 150_000, complexity: 'low' })).toBe('enterprise');
    expect(segmentFor(rule, { arr: 30_000, complexity: 'medium' })).toBe('mid-market');
    // medium complexity reaches no entry before the catch-all here
    expect(segmentFor(rule, { arr: 10_000, complexity: 'medium' })).toBe('smb');
  });

  it('lands in the catch-all when nothing else is reached, and fails loudly on a rule without one', () => {
    expect(segmentFor(rule, { arr: 0, complexity: 'low' })).toBe('smb');
    const noCatchAll: SegmentationRule = { ...rule, segments: rule.segments.slice(0, 2) };
    expect(() => segmentFor(noCatchAll, { arr: 0, complexity: 'low' })).toThrow(
      'segmentation rule v7 has no entry for arr 0, complexity low',
    );
  });

  it('maps segments to the tiers it names', () => {
    expect(SEGMENTS.map((s) => tierFor(rule, s))).toEqual(['high-touch', 'high-touch', 'tech-touch']);
  });
});

describe('tierFor with the default rule', () => {
  it('reproduces the seeds: enterprise high-touch, mid-market tech-touch, SMB self-service (as tierForSegment)', () => {
    expect(SEGMENTS.map((s) => tierFor(RULE, s))).toEqual(['high-touch', 'tech-touch', 'self-service']);
    expect(SEGMENTS.map((s) => tierForSegment(s))).toEqual(SEGMENTS.map((s) => tierFor(RULE, s)));
  });
});
