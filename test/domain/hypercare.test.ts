/**
 * Hypercare and the cutover plan of a playbook, pure: a successful cutover starts the watch;
 * readings open and clear breaches that walk the ladder; BAU acceptance waits for the watch.
 */
import {
  approveGate,
  assignCsm,
  recordCutoverOutcome,
  recordMilestone,
  requestCutover,
} from '../../src/domain/commands';
import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import type { CutoverOutcome } from '../../src/domain/cutover';
import {
  hypercareReadingDue,
  nextHypercareReadingAt,
  type PlatformHealth,
  recordHypercareReading,
  recordMissedHypercareReading,
} from '../../src/domain/hypercare';
import { atRiskReasons, type OnboardingState, startOnboarding } from '../../src/domain/onboarding';
import { fireDueTimers, nextTimerAt } from '../../src/domain/timers';
import { waitingOn } from '../../src/domain/waiting-on';
import { onboardingInput } from '../fixtures/onboarding-input';
import { audits, notices, violation } from '../support/domain-outbox';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
const closedWon = new Date('2026-01-05T09:00:00Z');
const at = (days: number, hours = 0) => new Date(closedWon.getTime() + days * DAY + hours * HOUR);
const playbook = DEFAULT_PLAYBOOKS['high-touch'];
const plan = playbook.cutoverPlan!.hypercare!;
const HEALTHY: PlatformHealth = {
  errorRate: 0.001,
  authSuccessRate: 0.999,
  transactionSuccessRate: 0.998,
  ticketVolume: 3,
};
const BAU_CRITERIA = ['Error rate below threshold for the last two weeks', 'Runbooks handed over'].map((criterion) => ({
  criterion,
  met: true,
}));

/** A high-touch onboarding at its cutover stage whose cutover (attempt 2) has just succeeded, on day 61. */
function cutOver(keepOutbox = false): OnboardingState {
  const input = onboardingInput('acct-hyper', 'enterprise', closedWon);
  let s = assignCsm(
    startOnboarding(input, closedWon),
    playbook,
    { id: 'csm-ana', name: 'Ana', email: 'ana@vendor.example' },
    closedWon,
  );
  for (const m of ['success-criteria-agreed', 'first-login', 'initial-setup-complete', 'first-value-achieved']) {
    s = recordMilestone.apply(s, playbook, { milestone: m, actor: 'csm:ana' }, at(55));
  }
  const criteria = playbook.gates[0].acceptanceCriteria.map((criterion) => ({ criterion, met: true }));
  s = approveGate.apply(
    s,
    playbook,
    { gate: 'go-live-readiness', actor: 'lead:kim', role: 'cs-lead', criteria },
    at(56),
  );
  s = requestCutover.apply(s, playbook, { mode: 'rehearsal', actor: 'impl:lee' }, at(57));
  const outcome = (mode: 'rehearsal' | 'cutover', attempt: number): CutoverOutcome => ({
    cutoverId: `onboarding-acct-hyper:${mode}:${attempt}`,
    attempt,
    mode,
    status: 'succeeded',
    rollbackInvoked: false,
    reconciliation: { sourceCount: 10, targetCount: 10, accuracy: 1 },
    ...(mode === 'rehearsal' ? { rehearsal: { passed: true, accuracy: 1 } } : {}),
  });
  s = recordCutoverOutcome(s, playbook, outcome('rehearsal', 1), at(58));
  s = requestCutover.apply(s, playbook, { mode: 'cutover', actor: 'impl:lee' }, at(60));
  s = recordCutoverOutcome(
    s,
    playbook,
    {
      ...outcome('cutover', 2),
      signOffs: [{ step: 'open-to-everyone', actor: 'lead:kim', role: 'cs-lead', approve: true }],
    },
    at(61),
  );
  return keepOutbox ? s : { ...s, outbox: [] };
}

describe('the cutover plan comes from the playbook', () => {
  it('refuses a cutover on a playbook without a plan, and a second cutover after one succeeded', () => {
    const selfService = DEFAULT_PLAYBOOKS['self-service'];
    const input = onboardingInput('acct-small', 'smb', closedWon);
    const s = assignCsm(
      startOnboarding(input, closedWon),
      selfService,
      { id: 'csm-ana', name: 'Ana', email: 'ana@vendor.example' },
      closedWon,
    );
    const none = violation(() => requestCutover.check(s, { mode: 'rehearsal', actor: 'x' }, at(1), selfService));
    expect(none.code).toBe('NoCutoverPlan');
    expect(none.message).toMatch(
      /^the self-service playbook \(version 1\) has no cutover plan; onboardings started on a version with a cutoverPlan/,
    );

    const again = violation(() => requestCutover.check(cutOver(), { mode: 'cutover', actor: 'x' }, at(62), playbook));
    expect(again.code).toBe('CutoverAlreadyDone');
  });

  it('audits who signed the rollout stages off, with the attempt', () => {
    const s = cutOver(true);
    expect(s.cutovers!.map((c) => [c.mode, c.status])).toEqual([
      ['rehearsal', 'succeeded'],
      ['cutover', 'succeeded'],
    ]);
    const signed = audits(s).find((e) => e.action === 'cutover-stage-signed-off')!;
    expect(signed).toMatchObject({
      actor: 'lead:kim',
      details: { cutoverId: 'onboarding-acct-hyper:cutover:2', step: 'open-to-everyone', approve: true },
    });
  });
});

describe('hypercare', () => {
  it('starts after a successful cutover: four weeks watched, waiting on hypercare, readings every six hours', () => {
    const s = cutOver();
    expect(s.hypercare).toMatchObject({
      cutoverId: 'onboarding-acct-hyper:cutover:2',
      status: 'watching',
      startedAt: at(61).toISOString(),
      endsAt: at(61 + 28).toISOString(),
      nextReadingAt: at(61, 6).toISOString(),
      acceptanceGate: 'bau-acceptance',
    });
    expect(waitingOn(s, playbook)).toMatchObject({ kind: 'hypercare', since: at(61).toISOString() });
    expect(nextTimerAt(s, playbook)).toBeLessThanOrEqual(at(61, 6).getTime());
    expect(hypercareReadingDue(s, at(61, 5))).toBe(false);
    expect(hypercareReadingDue(s, at(61, 6))).toBe(true);
  });

  it('opens a breach on a bad reading, walks the ladder while it lasts, and clears it on a healthy reading', () => {
    let s = cutOver();
    s = recordHypercareReading(s, plan, { ...HEALTHY, errorRate: 0.05, ticketVolume: 40 }, at(62));
    expect(s.hypercare!.breaches.map((b) => [b.metric, b.detail])).toEqual([
      ['error-rate', 'error rate 5.0% above 2.0%'],
      ['ticket-volume', '40 tickets, above 25'],
    ]);
    expect(audits(s).filter((e) => e.action === 'hypercare-breach')).toHaveLength(2);
    expect(atRiskReasons(s)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^hypercare breach: error rate 5.0%/)]),
    );

    // The standard ladder: the CSM at once, the CS lead after 48 hours.
    s = fireDueTimers(s, playbook, at(62));
    const raised = () =>
      s.escalations
        .filter((e) => e.subject.kind === 'hypercare')
        .map((e) => `${e.subject.key}:L${e.level}:${e.notify}`);
    expect(raised()).toEqual(['error-rate:L1:csm', 'ticket-volume:L1:csm']);
    const told = notices(s).filter(
      (n) => n.event === 'escalation' && /^hypercare/.test((n.context.escalation as { subject: string }).subject),
    );
    expect(told.map((n) => n.extraRoles)).toEqual([['csm'], ['csm']]);
    // Still breaching two days on: the next level; the same breach is never opened twice.
    s = recordHypercareReading(s, plan, { ...HEALTHY, errorRate: 0.04 }, at(64, 1));
    expect(s.hypercare!.breaches.filter((b) => b.metric === 'error-rate')).toHaveLength(1);
    expect(s.hypercare!.breaches.find((b) => b.metric === 'ticket-volume')!.clearedAt).toBe(at(64, 1).toISOString());
    s = fireDueTimers(s, playbook, at(64, 2));
    expect(raised()).toEqual(['error-rate:L1:csm', 'ticket-volume:L1:csm', 'error-rate:L2:cs-lead']);

    s = recordHypercareReading(s, plan, HEALTHY, at(64, 8));
    expect(s.hypercare!.breaches.every((b) => b.clearedAt)).toBe(true);
    expect(s.escalations.filter((e) => e.subject.kind === 'hypercare').every((e) => e.closedAt)).toBe(true);
    expect(atRiskReasons(s).filter((r) => r.startsWith('hypercare'))).toEqual([]);
    expect(
      audits(s)
        .filter((e) => e.action === 'hypercare-breach-cleared')
        .map((e) => e.details.metric),
    ).toEqual(['ticket-volume', 'error-rate']);
  });

  it('records a reading the platform did not give as missed, and reads again on time', () => {
    const s = recordMissedHypercareReading(cutOver(), plan, 'GET /health/metrics answered 503', at(61, 6));
    expect(s.hypercare).toMatchObject({ missedReadings: 1, readings: 0, nextReadingAt: at(61, 12).toISOString() });
  });

  it('refuses BAU acceptance during the watch and while a breach is open; accepts it by the named role after', () => {
    let s = cutOver();
    s = recordMilestone.apply(s, playbook, { milestone: 'bau-accepted', actor: 'csm:ana' }, at(70));
    const bau = { gate: 'bau-acceptance', actor: 'ops:lou', role: 'cs-ops' as const, criteria: BAU_CRITERIA };
    const early = violation(() => approveGate.check(s, bau, at(70), playbook));
    expect(early.code).toBe('HypercareNotOver');
    expect(early.message).toContain(`hypercare watches until ${at(89).toISOString()}`);

    // A breach on the last reading: the watch ends, the acceptors are told, readings go on.
    s = recordHypercareReading(s, plan, { ...HEALTHY, authSuccessRate: 0.9 }, at(88, 23));
    s = fireDueTimers(s, playbook, at(89));
    expect(s.hypercare!.status).toBe('watch-ended');
    const ended = notices(s).find((n) => n.event === 'hypercare-ended')!;
    expect(ended.extraRoles).toEqual(['cs-ops']);
    expect(ended.context).toMatchObject({ hypercare: { openBreaches: 'authorization success 90.0% below 98.0%' } });
    expect(violation(() => approveGate.check(s, bau, at(89, 1), playbook)).message).toContain(
      'hypercare breaches still open: authorization success 90.0%',
    );
    expect(nextHypercareReadingAt(s)).toBeDefined();

    s = recordHypercareReading(s, plan, HEALTHY, at(89, 5));
    expect(nextHypercareReadingAt(s)).toBeUndefined();
    expect(violation(() => approveGate.check(s, { ...bau, role: 'csm' }, at(90), playbook)).code).toBe(
      'GateApproverNotAllowed',
    );
    s = approveGate.apply(s, playbook, bau, at(90));
    expect(s.hypercare).toMatchObject({ status: 'accepted', acceptedBy: 'ops:lou', acceptedAt: at(90).toISOString() });
    expect(s.status).toBe('completed');
    expect(audits(s).map((e) => e.action)).toEqual(expect.arrayContaining(['bau-accepted', 'onboarding-completed']));
  });

  it('is not started after a rehearsal or a rollback, nor by a plan without hypercare', () => {
    const s = cutOver();
    const { hypercare: _h, ...before } = s;
    const outcome: CutoverOutcome = {
      cutoverId: 'x:cutover:3',
      attempt: 3,
      mode: 'cutover',
      status: 'succeeded',
      rollbackInvoked: false,
    };
    const base = {
      ...before,
      cutovers: [
        ...s.cutovers!,
        {
          attempt: 3,
          mode: 'cutover' as const,
          cutoverId: 'x:cutover:3',
          requestedBy: 'x',
          requestedAt: '',
          status: 'running' as const,
        },
      ],
    };
    const noHypercare = { ...playbook, cutoverPlan: { ...playbook.cutoverPlan!, hypercare: undefined } };
    expect(recordCutoverOutcome(base, noHypercare, outcome, at(62)).hypercare).toBeUndefined();
    expect(
      recordCutoverOutcome(base, playbook, { ...outcome, status: 'rolled-back' }, at(62)).hypercare,
    ).toBeUndefined();
    expect(recordCutoverOutcome(base, playbook, { ...outcome, mode: 'rehearsal' }, at(62)).hypercare).toBeUndefined();
    expect(recordCutoverOutcome(base, playbook, outcome, at(62)).hypercare).toMatchObject({ status: 'watching' });
  });
});
