/** The pilot comparison's sample notes and success criteria, from aggregates. */
import type { Baseline } from '../../src/domain/baseline';
import { type CohortAggregates, pilotChecklist, sampleNote } from '../../src/domain/cohort-comparison';

const baseline: Baseline = {
  tier: 'high-touch',
  version: 1,
  medianTtvDays: 50,
  completionWithinTargetRate: 0.5,
  sampleSize: 30,
  notes: null,
  enteredBy: 'ops',
  enteredAt: '2026-01-01T00:00:00Z',
};

function aggregates(over: Partial<CohortAggregates> = {}): CohortAggregates {
  return {
    onboardings: 6,
    active: 6,
    stalled: 0,
    handoffIncomplete: 0,
    untracked: 0,
    automationFailures: 0,
    ttv: { n: 3, median: 30, p75: 35 },
    completion: { decided: 3, withinTarget: 2 },
    escalations: 1,
    satisfaction: { responses: 0, average: null },
    byTier: [
      {
        tier: 'high-touch',
        onboardings: 6,
        ttv: { n: 3, median: 30 },
        completion: { decided: 3, withinTarget: 2 },
        beatingBaseline: 3,
        pastBaseline: 1,
      },
    ],
    ...over,
  };
}

it('says too small under 5, indicative only from 5 to 10, nothing above', () => {
  expect(sampleNote(4)).toMatchObject({ tooSmall: true, indicativeOnly: true });
  expect(sampleNote(5)).toMatchObject({ tooSmall: false, indicativeOnly: true });
  expect(sampleNote(10)).toMatchObject({ tooSmall: false, indicativeOnly: true });
  expect(sampleNote(11)).toEqual({ tooSmall: false, indicativeOnly: false, note: null });
});

const statusOf = (a: CohortAggregates, baselines: Baseline[] = [baseline]) =>
  pilotChecklist(a, baselines).map((c) => c.status);

it('passes the criteria the facts meet; CSM confidence stays unknown', () => {
  expect(statusOf(aggregates())).toEqual(['pass', 'pass', 'pass', 'pass', 'unknown']);
});

it('fails each criterion its fact breaks', () => {
  expect(statusOf(aggregates({ handoffIncomplete: 1 }))[0]).toBe('fail');
  expect(statusOf(aggregates({ untracked: 2 }))[1]).toBe('fail');
  expect(statusOf(aggregates({ automationFailures: 1 }))[2]).toBe('fail');
  const behind = aggregates();
  behind.byTier[0] = { ...behind.byTier[0], beatingBaseline: 1, pastBaseline: 3 };
  expect(statusOf(behind)[3]).toBe('fail');
});

it('cannot judge TTV without a baseline for each tier, nor before anything is decided', () => {
  expect(pilotChecklist(aggregates(), [])[3]).toMatchObject({ status: 'unknown', why: 'no baseline for high-touch' });
  const early = aggregates();
  early.byTier[0] = { ...early.byTier[0], beatingBaseline: 0, pastBaseline: 0 };
  expect(statusOf(early)[3]).toBe('unknown');
  expect(statusOf(aggregates({ onboardings: 0, byTier: [] }))).toEqual([
    'unknown',
    'unknown',
    'unknown',
    'unknown',
    'unknown',
  ]);
});
