import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import { checkPreviewRequest } from '../../src/playbooks/preview-request';

const definition = () => structuredClone(DEFAULT_PLAYBOOKS['self-service']);

it('accepts a definition alone, and a full scenario naming its own items', () => {
  expect(checkPreviewRequest({ definition: definition() })).toMatchObject({ ok: true, scenario: {} });
  const scenario = {
    handoffDelayDays: 2,
    never: { tasks: ['complete-setup-wizard'], milestones: ['first-login'], gates: [] },
    complete: { milestones: { 'first-value-achieved': 20 } },
    acknowledgeAfterHours: 12,
    horizonDays: 90,
  };
  const checked = checkPreviewRequest({ definition: definition(), scenario, startAt: '2027-01-04T09:00:00+01:00' });
  expect(checked).toMatchObject({ ok: true, scenario, startAt: '2027-01-04T09:00:00+01:00' });
});

it('names every bad field of the request with its path', () => {
  const checked = checkPreviewRequest({
    scenario: { horizonDays: 0.5, never: { tasks: 'all' }, complete: { tasks: { x: -1 } } },
    startAt: '1999-12-31T23:00:00Z',
    extra: true,
  });
  expect(checked).toMatchObject({ ok: false, kind: 'request' });
  const paths = (checked as { errors: Array<{ path: string }> }).errors.map((e) => e.path).sort();
  expect(paths).toEqual(
    [
      'definition',
      'extra',
      'scenario.complete.tasks.x',
      'scenario.horizonDays',
      'scenario.never.tasks',
      'startAt',
    ].sort(),
  );
});

it('refuses scenario items the playbook does not have, and playbooks larger than a preview takes', () => {
  const big = definition();
  big.stages = Array.from({ length: 21 }, (_, i) => ({ ...big.stages[0], key: `s-${i}`, exitMilestones: [] }));
  big.stages[20].exitMilestones = big.milestones.map((m) => m.key);
  big.tasks = big.tasks.map((t) => ({ ...t, stage: 's-0' }));
  const checked = checkPreviewRequest({ definition: big, scenario: { never: { gates: ['go-live'] } } });
  expect(checked).toEqual({
    ok: false,
    kind: 'request',
    errors: [
      { path: 'definition.stages', message: 'a preview takes at most 20, got 21' },
      { path: 'scenario.never.gates[0]', message: 'unknown gate "go-live"' },
    ],
  });
});
