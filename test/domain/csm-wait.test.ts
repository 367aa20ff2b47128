/**
 * Waiting for a CSM with a free seat, pure: a state with a since, a mail to the CS lead, a retry
 * every 15 minutes, an immediate retry on a roster change, a ladder if it lasts, all closed by
 * the assignment.
 */
import { assignCsm } from '../../src/domain/commands';
import { csmAssignmentDue, nextCsmAssignmentAt, noCsmCapacity, rosterChanged } from '../../src/domain/csm-wait';
import { atRiskReasons, type OnboardingState, startOnboarding } from '../../src/domain/onboarding';
import { fireDueTimers, nextTimerAt } from '../../src/domain/timers';
import { waitingOn } from '../../src/domain/waiting-on';
import { onboardingInput } from '../fixtures/onboarding-input';
import { audits, notices } from '../support/domain-outbox';

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const t0 = new Date('2026-05-04T09:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const input = onboardingInput('acct-full', 'enterprise', t0);
const playbook = input.playbook;
const CSM = { id: 'csm-ana', name: 'Ana Lopez', email: 'ana@vendor.example' };
const drained = (s: OnboardingState): OnboardingState => ({ ...s, outbox: [] });

it('starts a wait on the first "no capacity": audited, listed as waiting since then, the CS lead told once', () => {
  const started = drained(startOnboarding(input, t0));
  expect(csmAssignmentDue(started, t0)).toBe(true);
  const waiting = noCsmCapacity(started, t0);
  expect(waiting.revision).toBe(started.revision + 1);
  expect(waiting.csmWait).toEqual({ since: t0.toISOString(), attempts: 1, lastAttemptAt: t0.toISOString() });
  expect(audits(waiting).map((a) => [a.action, a.details])).toEqual([
    ['csm-assignment-waiting', { tier: 'high-touch' }],
  ]);
  expect(notices(waiting)).toEqual([
    expect.objectContaining({ event: 'no-csm-capacity', context: { waiting: { since: t0.toISOString() } } }),
  ]);
  expect(playbook.messages.find((m) => m.event === 'no-csm-capacity')!.to).toEqual(['cs-lead']);
  expect(waitingOn(waiting, playbook)).toMatchObject({
    kind: 'csm-assignment',
    items: ['high-touch'],
    since: t0.toISOString(),
  });
  expect(waitingOn(waiting, playbook).detail).toContain('1 attempt(s)');

  // A later "no capacity" only counts: no new revision, no second mail.
  const again = noCsmCapacity(drained(waiting), at(15 * MIN));
  expect(again.revision).toBe(waiting.revision);
  expect(again.outbox).toEqual([]);
  expect(again.csmWait).toMatchObject({
    since: t0.toISOString(),
    attempts: 2,
    lastAttemptAt: at(15 * MIN).toISOString(),
  });
});

it('tries again every 15 minutes, and at once when the roster changes', () => {
  const waiting = drained(noCsmCapacity(drained(startOnboarding(input, t0)), t0));
  expect(nextCsmAssignmentAt(waiting)).toBe(at(15 * MIN).getTime());
  expect(nextTimerAt(waiting, playbook)).toBe(at(15 * MIN).getTime());
  expect(csmAssignmentDue(waiting, at(14 * MIN))).toBe(false);
  expect(csmAssignmentDue(waiting, at(15 * MIN))).toBe(true);

  const changed = rosterChanged(waiting, at(MIN));
  expect(changed.revision).toBe(waiting.revision + 1);
  expect(csmAssignmentDue(changed, at(MIN))).toBe(true);
  // A try that saw the change clears it; a change signalled while a try was on its way does not.
  expect(csmAssignmentDue(noCsmCapacity(changed, at(2 * MIN), at(MIN)), at(3 * MIN))).toBe(false);
  expect(csmAssignmentDue(noCsmCapacity(changed, at(2 * MIN), at(MIN - 1)), at(3 * MIN))).toBe(true);
  // An onboarding that is not waiting ignores the signal.
  const assigned = assignCsm(waiting, playbook, CSM, at(2 * MIN));
  expect(rosterChanged(assigned, at(3 * MIN))).toBe(assigned);
  expect(csmAssignmentDue(assigned, at(3 * MIN))).toBe(false);
  expect(nextCsmAssignmentAt(assigned)).toBeUndefined();
});

it('tries again at once after a roster change signalled while the first try was on its way', () => {
  const started = drained(startOnboarding(input, t0));
  // The first try asks the roster at t0; a seat frees at t0 + 1 s, before its "no capacity" arrives.
  const changed = rosterChanged(started, at(1000));
  expect(csmAssignmentDue(changed, at(1000))).toBe(true);
  const waiting = noCsmCapacity(changed, at(2000), t0);
  expect(waiting.csmWait).toEqual({
    since: at(2000).toISOString(),
    attempts: 1,
    lastAttemptAt: at(2000).toISOString(),
    rosterChangedAt: at(1000).toISOString(),
  });
  expect(waiting.csmRosterChangedAt).toBeUndefined();
  // Due at once, not at the 15-minute retry; the next try, having seen the change, clears it.
  expect(csmAssignmentDue(waiting, at(2000))).toBe(true);
  expect(csmAssignmentDue(noCsmCapacity(drained(waiting), at(3000), at(2000)), at(4000))).toBe(false);

  // A change signalled before the first try asked the roster was seen by it: the usual retry.
  const seen = noCsmCapacity(rosterChanged(started, t0), at(2000), at(1000));
  expect(seen.csmWait!.rosterChangedAt).toBeUndefined();
  expect(csmAssignmentDue(seen, at(3000))).toBe(false);

  // Assigned by the first try after all: the change is gone with the wait.
  const assigned = assignCsm(changed, playbook, CSM, at(2000));
  expect(assigned.csmRosterChangedAt).toBeUndefined();
  expect(rosterChanged(assigned, at(3000))).toBe(assigned);
});

it('escalates a long wait to the CS lead after 24 h and VP CS after 72 h, and closes the ladder on assignment', () => {
  let state: OnboardingState = drained(noCsmCapacity(drained(startOnboarding(input, t0)), t0));
  state = fireDueTimers(state, playbook, at(24 * HOUR));
  expect(state.escalations.map((e) => [e.id, e.notify])).toEqual([
    [`csm-assignment:high-touch@${t0.toISOString()}:L1`, 'cs-lead'],
  ]);
  expect(notices(state)).toContainEqual(expect.objectContaining({ event: 'escalation', extraRoles: ['cs-lead'] }));
  expect(atRiskReasons(state)).toContain('1 unacknowledged escalation(s)');
  state = fireDueTimers(drained(state), playbook, at(72 * HOUR));
  const ladder = (s: OnboardingState) => s.escalations.filter((e) => e.subject.kind === 'csm-assignment');
  expect(ladder(state).map((e) => e.notify)).toEqual(['cs-lead', 'vp-cs']);

  const assigned = assignCsm(drained(state), playbook, CSM, at(73 * HOUR));
  expect(assigned.csmWait).toBeUndefined();
  expect(ladder(assigned).every((e) => e.closedAt === at(73 * HOUR).toISOString())).toBe(true);
  expect(audits(assigned)[0]).toMatchObject({
    action: 'csm-assigned',
    details: { csm: 'csm-ana', waitedSince: t0.toISOString(), attempts: 1 },
  });
  expect(notices(assigned).map((n) => n.event)).toEqual(['csm-assigned', 'welcome']);
});

it("walks the playbook's own csm-capacity ladder when it has one", () => {
  const custom = {
    ...playbook,
    escalationLadders: [
      ...playbook.escalationLadders,
      { key: 'csm-capacity', levels: [{ notify: 'vp-cs' as const, afterHours: 4 }] },
    ],
  };
  const waiting = drained(noCsmCapacity(drained(startOnboarding({ ...input, playbook: custom }, t0)), t0));
  expect(fireDueTimers(waiting, custom, at(3 * HOUR)).escalations).toEqual([]);
  expect(fireDueTimers(waiting, custom, at(4 * HOUR)).escalations.map((e) => [e.level, e.notify])).toEqual([
    [1, 'vp-cs'],
  ]);
});
