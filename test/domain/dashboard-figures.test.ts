/**
 * The dashboard's pure figures: percentiles as PostgreSQL's percentile_cont, shares that are
 * null without data, the TTV histogram's fixed weeks, the top at-risk reasons; the facts an
 * onboarding's state gives; the red flags at their thresholds.
 */
import { assignCsm, recordMilestone, setCohort } from '../../src/domain/commands';
import { dashboardFactsOf } from '../../src/domain/dashboard-facts';
import {
  type LeadershipAggregates,
  leadershipFigures,
  percentileCont,
  share,
  ttvBucketOf,
  ttvHistogram,
} from '../../src/domain/dashboard-figures';
import { startOnboarding } from '../../src/domain/onboarding';
import { DEFAULT_RED_FLAG_THRESHOLDS, redFlags } from '../../src/domain/red-flags';
import { onboardingInput } from '../fixtures/onboarding-input';

const DAY = 86_400_000;

describe('percentileCont', () => {
  it('interpolates between the nearest ranks, as percentile_cont does', () => {
    expect(percentileCont([], 0.5)).toBeNull();
    expect(percentileCont([7], 0.75)).toBe(7);
    expect(percentileCont([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(percentileCont([10, 20, 30, 40, 50], 0.75)).toBe(40);
    expect(percentileCont([1, 2, 3, 4], 0.75)).toBe(3.25);
  });
});

it('answers no share, rather than 0%, when there is nothing to divide', () => {
  expect(share(0, 0)).toBeNull();
  expect(share(3, 4)).toBe(0.75);
});

it('draws TTV in weeks, with an open last bucket from 12 weeks on, empty buckets included', () => {
  expect([0, 6.99, 7, 83.9, 84, 400].map(ttvBucketOf)).toEqual([0, 0, 1, 11, 12, 12]);
  const histogram = ttvHistogram(new Map([[1, 3]]));
  expect(histogram).toHaveLength(13);
  expect(histogram[1]).toEqual({ fromDay: 7, toDay: 14, count: 3 });
  expect(histogram[12]).toEqual({ fromDay: 84, toDay: null, count: 0 });
});

it('keeps the five most frequent at-risk reasons, ties by name', () => {
  const aggregates: LeadershipAggregates = {
    started: 0,
    active: 0,
    completed: 0,
    stalled: 0,
    atRisk: 0,
    ttv: { n: 0, median: null, p75: null, withinTarget: 0, histogram: new Map(), byTier: [] },
    milestones: { met: 0, missed: 0 },
    completion: { decided: 0, withinTarget: 0 },
    stageDurations: [],
    escalationsByLevel: { level1: 0, level2: 0, level3Plus: 0 },
    atRiskKinds: ['f', 'e', 'd', 'c', 'b', 'a'].map((kind, i) => ({ kind, count: i === 0 ? 9 : 1 })),
  };
  expect(leadershipFigures(aggregates).atRisk.topReasons.map((r) => r.reason)).toEqual(['f', 'a', 'b', 'c', 'd']);
});

describe('dashboardFactsOf', () => {
  const t0 = new Date('2026-05-04T09:00:00Z');
  const input = onboardingInput('acct-facts', 'enterprise', t0);
  const playbook = input.playbook;
  const started = assignCsm(startOnboarding(input, t0), playbook, { id: 'csm-ana', name: 'Ana', email: 'a@x' }, t0);

  it('counts milestones met, missed (late or overdue at the projection) and TTV against the first-value target', () => {
    const [first, second] = started.milestones;
    const onTime = recordMilestone.apply(started, playbook, { milestone: first.key, actor: 'csm' }, t0);
    const late = new Date(Date.parse(second.targetDate) + DAY);
    const both = recordMilestone.apply(onTime, playbook, { milestone: second.key, actor: 'csm' }, late);
    const facts = dashboardFactsOf(both, late);
    const overdueOthers = both.milestones.filter((m) => !m.achievedAt && Date.parse(m.targetDate) < late.getTime());
    expect(facts).toMatchObject({
      milestonesTotal: playbook.milestones.length,
      milestonesMet: 1,
      milestonesAchieved: 2,
      milestonesOverdue: overdueOthers.length,
      milestonesMissed: 1 + overdueOthers.length,
      ttvDays: null,
      ttvTargetDays: playbook.milestones.find((m) => m.key === playbook.firstValueMilestone)!.targetDay,
      automationFailures: 0,
    });
  });

  it('measures TTV from closed-won, and the stages left with their durations', () => {
    let state = started;
    const firstValue = playbook.milestones.find((m) => m.key === playbook.firstValueMilestone)!;
    for (const m of playbook.milestones) {
      if (m.targetDay > firstValue.targetDay) continue;
      state = recordMilestone.apply(
        state,
        playbook,
        { milestone: m.key, actor: 'csm' },
        new Date(t0.getTime() + 10 * DAY),
      );
    }
    const facts = dashboardFactsOf(state, new Date(t0.getTime() + 10 * DAY));
    expect(facts.ttvDays).toBeCloseTo(10, 6);
    expect(facts.stageDurations.length).toBe(state.stageHistory.filter((v) => v.exitedAt).length);
  });

  it('names the at-risk reasons by kind', () => {
    const stalled = { ...started, stalledSince: t0.toISOString() };
    expect(dashboardFactsOf(stalled, t0).atRiskKinds).toEqual(['stalled']);
  });
});

describe('setCohort', () => {
  const t0 = new Date('2026-05-04T09:00:00Z');
  const input = { ...onboardingInput('acct-cohort', 'smb', t0), cohort: 'pilot-2027q1' };
  const state = startOnboarding(input, t0);

  it('starts with the closed-won cohort, moves it with an audit entry, and changes nothing when it is the same', () => {
    expect(state.cohort).toBe('pilot-2027q1');
    expect(startOnboarding(onboardingInput('acct-none', 'smb', t0), t0)).not.toHaveProperty('cohort');
    const moved = setCohort.apply(state, input.playbook, { cohort: 'pilot-2027q2', actor: 'ops' }, t0);
    expect(moved.cohort).toBe('pilot-2027q2');
    expect(moved.revision).toBe(state.revision + 1);
    expect(moved.lastProgressAt).toBe(state.lastProgressAt);
    expect(setCohort.apply(moved, input.playbook, { cohort: 'pilot-2027q2', actor: 'ops' }, t0)).toBe(moved);
    expect(setCohort.apply(moved, input.playbook, { cohort: null, actor: 'ops' }, t0)).not.toHaveProperty('cohort');
  });

  it('refuses what is not a slug', () => {
    for (const cohort of ['Pilot', '', '-x', 'a'.repeat(65), 'a b'] as const) {
      expect(() => setCohort.check(state, { cohort, actor: 'ops' }, t0, input.playbook)).toThrow(/cohort must be/);
    }
  });
});

describe('redFlags', () => {
  const t = DEFAULT_RED_FLAG_THRESHOLDS;
  const baseline = {
    tier: 'tech-touch' as const,
    version: 1,
    medianTtvDays: 30,
    completionWithinTargetRate: 0.5,
    sampleSize: null,
    notes: null,
    enteredBy: 'ops',
    enteredAt: '2026-01-01T00:00:00Z',
  };
  const inputs = {
    completionWithinTarget: 0.6,
    stalledShare: 0.15,
    ttvMedianByTier: [{ tier: 'tech-touch' as const, median: 36 }],
    baselines: [baseline],
  };

  it('raises none at the thresholds themselves (the seed says under, more than)', () => {
    expect(redFlags(inputs, t)).toEqual([]);
  });

  it('raises each just past its threshold', () => {
    const flags = redFlags(
      {
        ...inputs,
        completionWithinTarget: 0.59,
        stalledShare: 0.151,
        ttvMedianByTier: [{ tier: 'tech-touch', median: 36.1 }],
      },
      t,
    );
    expect(flags.map((f) => f.kind)).toEqual(['completion-within-target', 'ttv-over-baseline', 'stalled']);
    expect(flags[1]).toMatchObject({ tier: 'tech-touch', threshold: 36 });
  });

  it('raises nothing without data or without a baseline, and follows configured thresholds', () => {
    expect(
      redFlags(
        {
          completionWithinTarget: null,
          stalledShare: null,
          ttvMedianByTier: [{ tier: 'high-touch', median: 500 }],
          baselines: [baseline],
        },
        t,
      ),
    ).toEqual([]);
    expect(redFlags(inputs, { completionMin: 0.7, ttvOverBaseline: 0.1, stalledMax: 0.1 }).length).toBe(3);
  });
});
