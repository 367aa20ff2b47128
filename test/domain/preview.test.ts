/**
 * The playbook preview on the virtual clock: scenarios and what the rules make of them. The
 * comparison with the real workflow is test/workflows/playbook-preview.workflow.test.ts.
 */
import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import type { Playbook } from '../../src/domain/playbook';
import { previewJourney } from '../../src/domain/preview';
import type { PreviewScenario } from '../../src/domain/preview-scenario';
import type { PreviewEvent } from '../../src/domain/preview-timeline';
import { TIERS } from '../../src/domain/segment';
import { REVIEW_WINDOW_HOURS } from '../../src/domain/timers';

const START = '2027-01-04T09:00:00.000Z';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const after = (ms: number) => new Date(Date.parse(START) + ms).toISOString();
const run = (playbook: Playbook, scenario: PreviewScenario = {}) =>
  previewJourney(playbook, scenario, { startAt: START });
const of = (events: PreviewEvent[], kind: PreviewEvent['kind'], subject?: string) =>
  events.filter((e) => e.kind === kind && (subject === undefined || e.subject === subject));

describe.each(TIERS)('the default %s playbook, everyone on time', (tier) => {
  const preview = run(DEFAULT_PLAYBOOKS[tier]);

  it('completes with every stage entered in order, every milestone within target, and no missed milestone', () => {
    expect(preview.outcome).toBe('completed');
    const playbook = DEFAULT_PLAYBOOKS[tier];
    expect(of(preview.events, 'stage-entered').map((e) => e.subject)).toEqual(
      playbook.stages.slice(1).map((s) => `stage:${s.key}`),
    );
    expect(of(preview.events, 'milestone-achieved').every((e) => e.detail === 'within target')).toBe(true);
    expect(preview.summary.milestonesMissed).toBe(0);
    expect(of(preview.events, 'completed')).toHaveLength(1);
  });

  it('reminds before each task is due and escalates no task', () => {
    const tasksDone = of(preview.events, 'task-completed').map((e) => e.subject);
    for (const task of tasksDone) expect(of(preview.events, 'reminder', task)).toHaveLength(1);
    expect(of(preview.events, 'escalation').filter((e) => e.subject.startsWith('task:'))).toEqual([]);
  });

  it('is the same every time (pure), with events in time order', () => {
    expect(run(DEFAULT_PLAYBOOKS[tier])).toEqual(preview);
    const times = preview.events.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

it('walks the task ladder of a task never done, day by day, and never unlocks what depends on it', () => {
  const preview = run(DEFAULT_PLAYBOOKS['tech-touch'], { never: { tasks: ['connect-data-source'] } });
  // Technical Setup starts when first login is reached (day 3, an hour early); the task is due 7 days later.
  const unlocked = Date.parse(START) + 3 * DAY - HOUR;
  const due = unlocked + 7 * DAY;
  expect(of(preview.events, 'reminder', 'task:connect-data-source')).toEqual([
    expect.objectContaining({ at: after(due - 24 * HOUR - Date.parse(START)), roles: ['customer'] }),
  ]);
  expect(
    of(preview.events, 'escalation', 'task:connect-data-source').map((e) => [e.day, e.level, e.roles, e.at]),
  ).toEqual([
    [9, 1, ['csm'], new Date(due).toISOString()],
    [11, 2, ['cs-lead'], new Date(due + 48 * HOUR).toISOString()],
    [16, 3, ['vp-cs'], new Date(due + 168 * HOUR).toISOString()],
  ]);
  expect(of(preview.events, 'reminder', 'task:complete-training-course')).toEqual([]);
  expect(preview.actions.some((a) => a.action.key === 'complete-training-course')).toBe(false);
});

it('reminds Sales while the handoff is late, escalates it, and misses the milestones whose target passed meanwhile', () => {
  const preview = run(DEFAULT_PLAYBOOKS['self-service'], { handoffDelayDays: 5 });
  // Self-service reminds every 48 hours: at closed-won, day 2 and day 4.
  expect(of(preview.events, 'reminder', 'handoff').map((e) => e.day)).toEqual([0, 2, 4]);
  expect(of(preview.events, 'escalation', 'handoff:handoff').map((e) => [e.day, e.level, e.roles])).toEqual([
    [2, 1, ['sales']],
    [4, 2, ['cs-lead']],
  ]);
  expect(of(preview.events, 'handoff-completed')).toEqual([expect.objectContaining({ day: 5, at: after(5 * DAY) })]);
  // First login (day 1) passed during the handoff; it is reached as soon as the journey starts.
  expect(of(preview.events, 'milestone-missed', 'milestone:first-login')).toEqual([
    expect.objectContaining({ day: 1, at: after(DAY) }),
  ]);
  expect(of(preview.events, 'milestone-achieved', 'milestone:first-login')[0].at).toBe(after(5 * DAY));
});

it('lets an acknowledged escalation wait the review window before the next level', () => {
  const plain = run(DEFAULT_PLAYBOOKS['tech-touch'], { never: { tasks: ['invite-team'] } });
  const acknowledged = run(DEFAULT_PLAYBOOKS['tech-touch'], {
    never: { tasks: ['invite-team'] },
    acknowledgeAfterHours: 40,
  });
  const levels = (p: typeof plain) => of(p.events, 'escalation', 'task:invite-team').map((e) => Date.parse(e.at));
  const [l1, l2] = levels(plain);
  expect(l2 - l1).toBe(48 * HOUR);
  const [a1, a2, a3] = levels(acknowledged);
  expect(a1).toBe(l1);
  expect(a2 - a1).toBe((40 + REVIEW_WINDOW_HOURS) * HOUR);
  expect(a3 - a2).toBe((40 + REVIEW_WINDOW_HOURS) * HOUR);
  expect(of(acknowledged.events, 'escalation-acknowledged')).toHaveLength(3);
});

it('stops the ladder once a late task is done, and records it as late', () => {
  const preview = run(DEFAULT_PLAYBOOKS['tech-touch'], { complete: { tasks: { 'invite-team': 11 } } });
  expect(of(preview.events, 'escalation', 'task:invite-team').map((e) => e.level)).toEqual([1]);
  expect(of(preview.events, 'task-completed', 'task:invite-team')).toEqual([
    expect.objectContaining({ day: 11, detail: 'late' }),
  ]);
});

it('shows a gate its stage waits on, and the stall that follows, when nobody approves it', () => {
  const preview = run(DEFAULT_PLAYBOOKS['high-touch'], { never: { gates: ['go-live-readiness'] }, horizonDays: 120 });
  expect(preview.outcome).toBe('open');
  expect(preview.endedAt).toBe(after(120 * DAY));
  const waiting = of(preview.events, 'gate-waiting', 'gate:go-live-readiness');
  expect(waiting).toEqual([expect.objectContaining({ roles: ['cs-lead'] })]);
  expect(of(preview.events, 'stage-entered', 'stage:cutover-hypercare')).toEqual([]);
  expect(of(preview.events, 'stall-started', 'stage:integration-validation').length).toBeGreaterThan(0);
  // Nobody reports BAU accepted while the journey is stuck before its stage: it misses its target,
  // and the stall's ladder runs to the top with nothing to end it.
  expect(of(preview.events, 'milestone-missed', 'milestone:bau-accepted')).toEqual([
    expect.objectContaining({ day: 90 }),
  ]);
  expect(of(preview.events, 'stall-ended')).toEqual([]);
  expect(of(preview.events, 'escalation', 'stage:integration-validation').map((e) => e.level)).toEqual([1, 2, 3]);
});

it('says when it was cut short instead of running long', () => {
  const playbook = { ...DEFAULT_PLAYBOOKS['tech-touch'], handoff: { remindEveryHours: 0.01, escalation: 'handoff' } };
  const preview = previewJourney(playbook, { handoffDelayDays: 30 }, { startAt: START, maxPasses: 100 });
  expect(preview.outcome).toBe('cut-short');
  expect(of(preview.events, 'reminder', 'handoff').length).toBeLessThanOrEqual(101);
});

it('stops once the escalations it raised pass the bound', () => {
  const preview = previewJourney(
    DEFAULT_PLAYBOOKS['high-touch'],
    { never: { milestones: DEFAULT_PLAYBOOKS['high-touch'].milestones.map((m) => m.key) } },
    { startAt: START, maxEscalations: 2 },
  );
  expect(preview.outcome).toBe('cut-short');
  expect(preview.summary.escalations).toBe(3);
});
