/**
 * The journey rules, pure: no Temporal, no database. Time is passed in.
 */
import {
  acknowledgeEscalation,
  approveGate,
  assignCsm,
  completeHandoff,
  completeTask,
  recordMilestone,
  recordRisk,
  resolveRisk,
} from '../../src/domain/commands';
import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import { missingHandoffFields } from '../../src/domain/handoff';
import { atRiskReasons, startOnboarding, timeToValueDays } from '../../src/domain/onboarding';
import { tierForSegment } from '../../src/domain/segmentation';
import { fireDueTimers, nextTimerAt } from '../../src/domain/timers';
import { waitingOn } from '../../src/domain/waiting-on';
import { COMPLETE_HANDOFF, onboardingInput } from '../fixtures/onboarding-input';
import { audits, notices, violation } from '../support/domain-outbox';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
const closedWon = new Date('2026-01-05T09:00:00Z');
const at = (days: number, hours = 0) => new Date(closedWon.getTime() + days * DAY + hours * HOUR);
const CSM = { id: 'csm-ana', name: 'Ana Lopez', email: 'ana@vendor.example' };

/** An onboarding started at closed-won with its CSM assigned, as the workflow does. */
function started(segment: 'enterprise' | 'mid-market' | 'smb') {
  const input = onboardingInput(`acct-${segment}`, segment, closedWon);
  const state = assignCsm(startOnboarding(input, closedWon), input.playbook, CSM, closedWon);
  return { state, playbook: input.playbook };
}

describe('segment to tier and handoff checklist', () => {
  it('maps enterprise, mid-market and SMB to high-touch, tech-touch and self-service', () => {
    expect(['enterprise', 'mid-market', 'smb'].map((s) => tierForSegment(s as never))).toEqual([
      'high-touch',
      'tech-touch',
      'self-service',
    ]);
  });

  it('names each missing handoff field, including an executive sponsor among the stakeholders', () => {
    expect(missingHandoffFields(COMPLETE_HANDOFF)).toEqual([]);
    const handoff = {
      ...COMPLETE_HANDOFF,
      goals: [],
      stakeholders: [{ name: 'Ravi', role: 'IT' }],
      migrationScope: undefined,
    };
    expect(missingHandoffFields(handoff)).toEqual(['goals', 'executiveSponsor', 'migrationScope']);
    expect(missingHandoffFields({})).toHaveLength(9);
  });
});

describe('the handoff gate', () => {
  const input = { ...onboardingInput('acct-h', 'enterprise', closedWon), handoff: { goals: ['x'] } };
  const playbook = input.playbook;

  it('waits in handoff-incomplete, tells Sales, and unlocks no task', () => {
    const state = startOnboarding(input, closedWon);
    expect(state.status).toBe('handoff-incomplete');
    expect(notices(state).map((n) => n.event)).toEqual(['handoff-incomplete']);
    expect(waitingOn(state, playbook)).toMatchObject({
      kind: 'handoff',
      items: expect.arrayContaining(['targetGoLive', 'executiveSponsor']),
    });
    expect(state.tasks.every((t) => t.status === 'locked')).toBe(true);
  });

  it('refuses milestones, tasks and gate approvals until the handoff is complete, naming the missing fields', () => {
    const state = startOnboarding(input, closedWon);
    const missing = state.handoffMissing.join(', ');
    const criteria = playbook.gates[0].acceptanceCriteria.map((criterion) => ({ criterion, met: true }));
    const refusals = [
      violation(() =>
        recordMilestone.check(state, { milestone: 'success-criteria-agreed', actor: 'csm:ana' }, at(1), playbook),
      ),
      violation(() => completeTask.check(state, { task: 'kickoff-call', actor: 'csm:ana' }, at(1), playbook)),
      violation(() =>
        approveGate.check(
          state,
          { gate: playbook.gates[0].key, actor: 'lead:kim', role: 'cs-lead', criteria },
          at(1),
          playbook,
        ),
      ),
    ];
    expect(refusals.map((r) => r.code)).toEqual(['HandoffIncomplete', 'HandoffIncomplete', 'HandoffIncomplete']);
    for (const r of refusals) expect(r.message).toContain(`missing: ${missing}`);
    // Replay runs handlers, never validators: a milestone that an older version accepted during
    // the handoff is applied again as history says, not refused.
    const replayed = recordMilestone.apply(
      state,
      playbook,
      { milestone: 'success-criteria-agreed', actor: 'csm:ana' },
      at(1),
    );
    expect(replayed.milestones.find((m) => m.key === 'success-criteria-agreed')?.achievedAt).toBe(at(1).toISOString());
    // An unknown item is still a 404, whatever the handoff.
    expect(
      violation(() => recordMilestone.check(state, { milestone: 'nope', actor: 'csm:ana' }, at(1), playbook)).code,
    ).toBe('UnknownMilestone');

    // Once complete, the same milestone is accepted.
    const complete = completeHandoff.apply(state, playbook, { actor: 'sales:sam', handoff: COMPLETE_HANDOFF }, at(1));
    expect(() =>
      recordMilestone.check(complete, { milestone: 'success-criteria-agreed', actor: 'csm:ana' }, at(1), playbook),
    ).not.toThrow();
  });

  it('reminds Sales every period and escalates along the handoff ladder, once per level', () => {
    let state = startOnboarding(input, closedWon);
    state = fireDueTimers(state, playbook, at(1)); // 24 h: reminder 1 and escalation L1 (sales)
    state = fireDueTimers(state, playbook, at(1)); // nothing new at the same time
    state = fireDueTimers(state, playbook, at(3)); // reminders 2 and 3, then L2 (cs-lead) at 24 h + 48 h
    const keys = notices(state).map((n) => n.key.replace(`${state.onboardingId}:`, ''));
    expect(keys).toEqual([
      'handoff-incomplete:0',
      'handoff-incomplete:1',
      'escalation:handoff:handoff:L1',
      'handoff-incomplete:2',
      'handoff-incomplete:3',
      'escalation:handoff:handoff:L2',
    ]);
    expect(state.escalations.map((e) => [e.level, e.notify])).toEqual([
      [1, 'sales'],
      [2, 'cs-lead'],
    ]);
  });

  it('starts the journey once an update completes the handoff, and closes the handoff escalations', () => {
    let state = fireDueTimers(startOnboarding(input, closedWon), playbook, at(2));
    expect(violation(() => completeHandoff.check(state, { actor: '', handoff: {} }, at(2), playbook)).message).toMatch(
      /actor/,
    );
    state = completeHandoff.apply(state, playbook, { actor: 'sales:sam', handoff: { goals: ['partial'] } }, at(2));
    expect(state.status).toBe('handoff-incomplete');
    state = completeHandoff.apply(state, playbook, { actor: 'sales:sam', handoff: COMPLETE_HANDOFF }, at(3));
    expect(state.status).toBe('in-progress');
    expect(state.handoffMissing).toEqual([]);
    expect(state.escalations.every((e) => e.closedAt)).toBe(true);
    expect(waitingOn(state, playbook).kind).toBe('csm-assignment');
    state = assignCsm(state, playbook, CSM, at(3));
    expect(
      notices(state)
        .slice(-2)
        .map((n) => n.event),
    ).toEqual(['csm-assigned', 'welcome']);
    expect(state.tasks.find((t) => t.key === 'kickoff-call')).toMatchObject({
      status: 'open',
      dueAt: at(6).toISOString(),
    });
    expect(
      violation(() => completeHandoff.check(state, { actor: 'sales:sam', handoff: {} }, at(3), playbook)).code,
    ).toBe('HandoffAlreadyComplete');
  });
});

describe('tasks, milestones, gates, risks', () => {
  it('refuses a task completed before its prerequisite, naming the prerequisite', () => {
    const { state, playbook } = started('enterprise');
    const refused = violation(() =>
      completeTask.apply(state, playbook, { task: 'confirm-success-criteria', actor: 'csm:ana' }, at(1)),
    );
    expect(refused).toMatchObject({ code: 'TaskLocked', message: expect.stringContaining('kickoff-call') });
    const next = completeTask.apply(
      state,
      playbook,
      { task: 'kickoff-call', actor: 'csm:ana', evidence: 'call notes' },
      at(1),
    );
    expect(next.tasks.find((t) => t.key === 'confirm-success-criteria')!.status).toBe('open');
    expect(audits(next).at(-1)).toMatchObject({ actor: 'csm:ana', action: 'task-completed', evidence: 'call notes' });
    expect(violation(() => completeTask.apply(next, playbook, { task: 'kickoff-call', actor: 'x' }, at(2))).code).toBe(
      'TaskAlreadyDone',
    );
    expect(violation(() => completeTask.apply(next, playbook, { task: 'nope', actor: 'x' }, at(2))).code).toBe(
      'UnknownTask',
    );
  });

  it('records milestones with actor, source and evidence, against their target, and advances stages', () => {
    const { state, playbook } = started('mid-market');
    const late = recordMilestone.apply(
      state,
      playbook,
      { milestone: 'first-login', actor: 'product', source: 'telemetry', evidence: 'login 1' },
      at(4),
    );
    expect(late.stage.key).toBe('technical-setup');
    expect(late.milestones.find((m) => m.key === 'first-login')).toMatchObject({
      recordedBy: 'product',
      source: 'telemetry',
      withinTarget: false,
    });
    expect(notices(late).at(-1)).toMatchObject({
      event: 'milestone-achieved',
      context: { milestone: expect.objectContaining({ name: 'First login' }) },
    });
    const value = recordMilestone.apply(
      late,
      playbook,
      { milestone: 'first-value-achieved', actor: 'crm', achievedAt: at(12).toISOString() },
      at(20),
    );
    expect(timeToValueDays(value)).toBe(12);
    expect(notices(value).map((n) => n.event)).toContain('executive-touchpoint');
    expect(
      violation(() => recordMilestone.apply(value, playbook, { milestone: 'first-login', actor: 'a' }, at(21))).code,
    ).toBe('MilestoneAlreadyRecorded');
    expect(
      violation(() =>
        recordMilestone.check(
          value,
          { milestone: 'x', actor: 'a', achievedAt: at(99).toISOString() },
          at(21),
          playbook,
        ),
      ).message,
    ).toMatch(/future/);
  });

  it('approves a gate only by its named role, with every acceptance criterion met, once its stage is reached', () => {
    let { state, playbook } = started('enterprise');
    const gate = playbook.gates.find((g) => g.key === 'go-live-readiness')!;
    const allMet = gate.acceptanceCriteria.map((criterion) => ({ criterion, met: true }));
    expect(
      violation(() =>
        approveGate.check(state, { gate: gate.key, actor: 'lead', role: 'cs-lead', criteria: allMet }, at(1), playbook),
      ).code,
    ).toBe('GateNotReady');
    for (const [i, m] of ['success-criteria-agreed', 'first-login', 'initial-setup-complete'].entries()) {
      state = recordMilestone.apply(state, playbook, { milestone: m, actor: 'csm:ana' }, at(i + 1));
    }
    expect(state.stage.key).toBe('integration-validation');
    const wrongRole = violation(() =>
      approveGate.check(state, { gate: gate.key, actor: 'ana', role: 'csm', criteria: allMet }, at(5), playbook),
    );
    expect(wrongRole).toMatchObject({ code: 'GateApproverNotAllowed', message: expect.stringContaining('cs-lead') });
    const unmet = violation(() =>
      approveGate.check(
        state,
        { gate: gate.key, actor: 'lead', role: 'cs-lead', criteria: [{ ...allMet[0] }, { ...allMet[1], met: false }] },
        at(5),
        playbook,
      ),
    );
    expect(unmet).toMatchObject({
      code: 'GateCriteriaNotMet',
      message: expect.stringContaining('Migration rehearsal passed'),
    });
    state = recordMilestone.apply(state, playbook, { milestone: 'first-value-achieved', actor: 'csm:ana' }, at(6));
    expect(waitingOn(state, playbook)).toMatchObject({ kind: 'gate-approval', items: ['go-live-readiness'] });
    state = approveGate.apply(
      state,
      playbook,
      { gate: gate.key, actor: 'lead:kim', role: 'cs-lead', criteria: allMet },
      at(7),
    );
    expect(state.stage.key).toBe('cutover-hypercare');
    expect(audits(state).find((a) => a.action === 'gate-approved')).toMatchObject({
      actor: 'lead:kim',
      details: { role: 'cs-lead' },
    });
  });

  it('refuses a risk without an owner, a decision due date or a fallback; an open blocker puts the onboarding at risk', () => {
    const { state, playbook } = started('enterprise');
    const risk = {
      category: 'cutover' as const,
      description: 'Ledger mismatch in rehearsal',
      blocker: true,
      owner: 'impl:lee',
      decisionDueDate: '2026-01-20',
      fallback: 'Delay cutover one week',
      actor: 'csm:ana',
    };
    const noFallback = violation(() => recordRisk.apply(state, playbook, { ...risk, fallback: '' }, at(1)));
    expect(noFallback).toMatchObject({ code: 'InvalidRisk', message: expect.stringContaining('missing: fallback') });
    expect(
      violation(() =>
        recordRisk.check(state, { ...risk, owner: undefined as never, decisionDueDate: '' }, at(1), playbook),
      ).message,
    ).toMatch(/missing: owner, decisionDueDate/);
    const recorded = recordRisk.apply(state, playbook, risk, at(1));
    expect(atRiskReasons(recorded)).toEqual(['open blocker: Ledger mismatch in rehearsal']);
    const resolved = resolveRisk.apply(
      recorded,
      playbook,
      { riskId: 'risk-1', resolution: 'Reconciled', actor: 'impl:lee' },
      at(2),
    );
    expect(atRiskReasons(resolved)).toEqual([]);
  });

  it('completes the journey when the last stage exits, and says so', () => {
    let { state, playbook } = started('smb');
    for (const [i, m] of [
      'first-login',
      'initial-setup-complete',
      'first-feature-adopted',
      'first-value-achieved',
      'bau-accepted',
    ].entries()) {
      state = recordMilestone.apply(state, playbook, { milestone: m, actor: 'product' }, at(i + 1));
    }
    expect(state).toMatchObject({ status: 'completed', completedAt: at(5).toISOString() });
    expect(notices(state).at(-1)!.event).toBe('completed');
    expect(nextTimerAt(state, playbook)).toBeUndefined();
    expect(violation(() => recordMilestone.check(state, { milestone: 'x', actor: 'a' }, at(6), playbook)).code).toBe(
      'OnboardingCompleted',
    );
  });
});

describe('timers: reminders, escalation ladders, stalls', () => {
  it('reminds the owner before a task is due and walks the ladder after, one escalation per level', () => {
    let { state, playbook } = started('enterprise');
    // kickoff-call: due day 3, reminder 24 h before; ladder: csm at breach, cs-lead +48 h, vp-cs +120 h.
    expect(nextTimerAt(state, playbook)).toBe(at(2).getTime());
    state = fireDueTimers(state, playbook, at(2));
    expect(notices(state).at(-1)).toMatchObject({ event: 'task-reminder', extraRoles: ['csm'] });
    state = fireDueTimers(state, playbook, at(3));
    state = fireDueTimers(state, playbook, at(3, 1));
    state = fireDueTimers(state, playbook, at(5));
    const raised = state.escalations.filter((e) => e.subject.key === 'kickoff-call');
    expect(raised.map((e) => [e.id, e.notify])).toEqual([
      ['task:kickoff-call:L1', 'csm'],
      ['task:kickoff-call:L2', 'cs-lead'],
    ]);
    expect(notices(state).filter((n) => n.event === 'escalation' && n.key.includes('kickoff-call'))).toHaveLength(2);
  });

  it('holds the next level for the review window after an acknowledgement, and stops when the item is done', () => {
    let { state, playbook } = started('enterprise');
    state = fireDueTimers(state, playbook, at(3));
    state = acknowledgeEscalation.apply(
      state,
      playbook,
      { escalationId: 'task:kickoff-call:L1', actor: 'csm:ana' },
      at(4),
    );
    expect(
      violation(() =>
        acknowledgeEscalation.check(state, { escalationId: 'task:kickoff-call:L1', actor: 'x' }, at(4), playbook),
      ).code,
    ).toBe('EscalationAlreadyAcknowledged');
    state = fireDueTimers(state, playbook, at(5)); // L2 would be due at day 5, but the window runs to day 6
    expect(state.escalations.map((e) => e.id)).not.toContain('task:kickoff-call:L2');
    state = fireDueTimers(state, playbook, at(6));
    expect(state.escalations.map((e) => e.id)).toContain('task:kickoff-call:L2');
    state = completeTask.apply(state, playbook, { task: 'kickoff-call', actor: 'csm:ana' }, at(6, 1));
    expect(state.escalations.filter((e) => e.subject.key === 'kickoff-call').every((e) => e.closedAt)).toBe(true);
    state = fireDueTimers(state, playbook, at(20));
    expect(state.escalations.filter((e) => e.subject.key === 'kickoff-call')).toHaveLength(2);
  });

  it('detects a stall after the stage threshold, escalates it level by level, and recovers on progress', () => {
    let { state, playbook } = started('mid-market');
    state = fireDueTimers(state, playbook, at(13));
    expect(state.stalledSince).toBeUndefined();
    state = fireDueTimers(state, playbook, at(14));
    expect(state.stalledSince).toBe(at(14).toISOString());
    expect(notices(state).map((n) => n.event)).toContain('stalled');
    expect(atRiskReasons(state)[0]).toMatch(/^stalled at Welcome/);
    state = fireDueTimers(state, playbook, at(16, 1));
    const stall = state.escalations.filter((e) => e.subject.kind === 'stage');
    expect(stall.map((e) => e.notify)).toEqual(['csm', 'cs-lead']);
    state = recordMilestone.apply(state, playbook, { milestone: 'first-login', actor: 'product' }, at(17));
    expect(state.stalledSince).toBeUndefined();
    expect(state.escalations.filter((e) => e.subject.kind === 'stage').every((e) => e.closedAt)).toBe(true);
    expect(atRiskReasons(state).some((r) => r.startsWith('stalled'))).toBe(false);
  });

  it('ships three default playbooks whose tiers differ in stages, gates and message personalisation', () => {
    const welcome = (tier: keyof typeof DEFAULT_PLAYBOOKS) =>
      DEFAULT_PLAYBOOKS[tier].messages.find((m) => m.event === 'welcome')!;
    expect(new Set(Object.values(DEFAULT_PLAYBOOKS).map((p) => welcome(p.tier).subject)).size).toBe(3);
    expect(DEFAULT_PLAYBOOKS['high-touch'].gates.length).toBeGreaterThan(0);
    expect(DEFAULT_PLAYBOOKS['high-touch'].stages[0].name).toBe('Day 0 kickoff');
    expect(DEFAULT_PLAYBOOKS['tech-touch'].stages.map((s) => s.name)).toEqual([
      'Welcome',
      'Technical Setup',
      'Training',
      'Adoption',
      'Handoff to BAU',
    ]);
  });
});
