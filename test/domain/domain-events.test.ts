/**
 * Domain events derived from an onboarding's state, pure: which facts give which events, and
 * that deriving again gives the same ids (the event store keeps each id once).
 */
import {
  acknowledgeEscalation,
  assignCsm,
  completeHandoff,
  completeTask,
  recordMilestone,
} from '../../src/domain/commands';
import { type DomainEvent, domainEventsOf } from '../../src/domain/domain-events';
import { atRiskReasons, type OnboardingState, startOnboarding } from '../../src/domain/onboarding';
import { fireDueTimers } from '../../src/domain/timers';
import { COMPLETE_HANDOFF, onboardingInput } from '../fixtures/onboarding-input';

const DAY = 24 * 60 * 60 * 1000;
const closedWon = new Date('2026-01-05T09:00:00Z');
const at = (days: number) => new Date(closedWon.getTime() + days * DAY);
const CSM = { id: 'csm-ana', name: 'Ana Lopez', email: 'ana@vendor.example' };
const input = onboardingInput('acct-ev', 'enterprise', closedWon);
const playbook = input.playbook;

const started = () => assignCsm(startOnboarding(input, closedWon), playbook, CSM, closedWon);
const eventsOf = (
  state: OnboardingState,
  asOf = closedWon,
  before?: { stalledSince: string | null; atRisk: boolean },
) => domainEventsOf(state, { asOf: asOf.toISOString(), atRisk: atRiskReasons(state).length > 0, before });
const types = (events: DomainEvent[]) => events.map((e) => e.type);
const one = (events: DomainEvent[], type: DomainEvent['type']) => {
  const found = events.filter((e) => e.type === type);
  expect(found).toHaveLength(1);
  return found[0];
};

it('derives the start, the handoff, the CSM and the first stage, with ids built from the facts', () => {
  const events = eventsOf(started());
  expect(types(events)).toEqual([
    'onboarding.started',
    'onboarding.handoff_completed',
    'onboarding.csm_assigned',
    'onboarding.stage_entered',
  ]);
  const iso = closedWon.toISOString();
  expect(events.map((e) => e.id)).toEqual([
    `onboarding-acct-ev:started:${iso}`,
    `onboarding-acct-ev:handoff_completed:${iso}`,
    `onboarding-acct-ev:csm_assigned:csm-ana:${iso}`,
    `onboarding-acct-ev:stage_entered:kickoff:${iso}`,
  ]);
  expect(one(events, 'onboarding.csm_assigned')).toMatchObject({
    occurredAt: iso,
    data: { onboardingId: 'onboarding-acct-ev', accountId: 'acct-ev', csmId: 'csm-ana' },
  });
  // The same state, or the same facts later, give the same ids.
  expect(eventsOf(started(), at(1)).map((e) => e.id)).toEqual(events.map((e) => e.id));
});

it('carries ids, keys and times, never a name, an e-mail address or free text', () => {
  const state = recordMilestone.apply(
    started(),
    playbook,
    { milestone: 'success-criteria-agreed', actor: 'csm:ana' },
    at(1),
  );
  const text = JSON.stringify(eventsOf(state, at(1)));
  for (const personal of ['Ana Lopez', 'ana@vendor.example', 'Account acct-ev', 'Sam Carter', 'Dana', 'csm:ana'])
    expect(text).not.toContain(personal);
});

it('starts the journey at handoff completion: no stage event before it', () => {
  const incomplete = startOnboarding({ ...input, handoff: { goals: ['x'] } }, closedWon);
  expect(types(eventsOf(incomplete))).toEqual(['onboarding.started']);
  const complete = completeHandoff.apply(
    incomplete,
    playbook,
    { actor: 'sales:sam', handoff: COMPLETE_HANDOFF },
    at(2),
  );
  const events = eventsOf(complete, at(2));
  expect(one(events, 'onboarding.handoff_completed').occurredAt).toBe(at(2).toISOString());
  expect(one(events, 'onboarding.stage_entered').id).toBe(
    `onboarding-acct-ev:stage_entered:kickoff:${at(2).toISOString()}`,
  );
});

it('derives stage exits and entries, and milestones within or past their target', () => {
  let state = recordMilestone.apply(
    started(),
    playbook,
    { milestone: 'success-criteria-agreed', actor: 'csm:ana' },
    at(2),
  );
  state = recordMilestone.apply(state, playbook, { milestone: 'first-login', actor: 'csm:ana' }, at(20));
  const events = eventsOf(state, at(20));
  expect(one(events, 'onboarding.stage_exited')).toMatchObject({
    occurredAt: at(2).toISOString(),
    data: { stage: 'kickoff', enteredAt: closedWon.toISOString() },
  });
  expect(events.filter((e) => e.type === 'onboarding.stage_entered').map((e) => e.data.stage)).toEqual([
    'kickoff',
    'access-environment-data',
  ]);
  const milestones = events.filter((e) => e.type === 'onboarding.milestone_recorded').map((e) => e.data);
  expect(milestones).toEqual([
    expect.objectContaining({ milestone: 'success-criteria-agreed', withinTarget: true }),
    expect.objectContaining({ milestone: 'first-login', withinTarget: false }), // target day 14
  ]);
});

it('derives an overdue task once its due time has passed, and one completed late', () => {
  const state = started();
  const task = state.tasks.find((t) => t.key === 'kickoff-call')!;
  expect(task.dueAt).toBe(at(3).toISOString());
  expect(types(eventsOf(state, at(2)))).not.toContain('onboarding.task_overdue');
  expect(one(eventsOf(state, at(4)), 'onboarding.task_overdue')).toMatchObject({
    id: `onboarding-acct-ev:task_overdue:kickoff-call:${task.dueAt}`,
    occurredAt: task.dueAt,
    data: { task: 'kickoff-call', owner: 'csm' },
  });
  const late = completeTask.apply(state, playbook, { task: 'kickoff-call', actor: 'csm:ana' }, at(5));
  expect(one(eventsOf(late, at(5)), 'onboarding.task_overdue').occurredAt).toBe(task.dueAt);
  const onTime = completeTask.apply(state, playbook, { task: 'kickoff-call', actor: 'csm:ana' }, at(1));
  const overdueTasks = (events: DomainEvent[]) =>
    events.filter((e) => e.type === 'onboarding.task_overdue').map((e) => e.data.task);
  // Done on time; the task it unlocked (due day 6) is overdue by day 9.
  expect(overdueTasks(eventsOf(onTime, at(9)))).toEqual(['confirm-success-criteria']);
});

it('derives escalations raised and acknowledged, a stall started and ended, and at-risk changes', () => {
  const stalled = fireDueTimers(started(), playbook, at(15));
  expect(stalled.stalledSince).toBe(at(15).toISOString());
  const events = eventsOf(stalled, at(15), { stalledSince: null, atRisk: false });
  expect(one(events, 'onboarding.stall_started')).toMatchObject({
    occurredAt: at(15).toISOString(),
    data: { stage: 'kickoff' },
  });
  expect(one(events, 'onboarding.at_risk_changed').data).toMatchObject({ atRisk: true });
  const raised = events.filter((e) => e.type === 'onboarding.escalation_raised');
  expect(raised.length).toBeGreaterThan(0);
  expect(raised[0].data).toMatchObject({ level: 1, subject: { kind: expect.any(String) } });

  const escalationId = raised[0].data.escalationId as string;
  const acknowledged = acknowledgeEscalation.apply(stalled, playbook, { escalationId, actor: 'csm:ana' }, at(15.5));
  expect(one(eventsOf(acknowledged, at(15.5)), 'onboarding.escalation_acknowledged')).toMatchObject({
    id: `onboarding-acct-ev:escalation_acknowledged:${escalationId}:${raised[0].occurredAt}`,
    occurredAt: at(15.5).toISOString(),
  });

  const recovered = recordMilestone.apply(
    stalled,
    playbook,
    { milestone: 'success-criteria-agreed', actor: 'csm:ana' },
    at(16),
  );
  const after = eventsOf(recovered, at(16), { stalledSince: stalled.stalledSince!, atRisk: true });
  expect(one(after, 'onboarding.stall_ended')).toMatchObject({
    id: `onboarding-acct-ev:stall_ended:${stalled.stalledSince}`,
    occurredAt: at(16).toISOString(),
  });
  // Without what was projected before, an ended fact cannot be told: nothing is made up.
  expect(types(eventsOf(recovered, at(16)))).not.toContain('onboarding.stall_ended');
  expect(types(eventsOf(recovered, at(16)))).not.toContain('onboarding.at_risk_changed');
});

it('derives cutover outcomes, hypercare breaches, BAU acceptance and completion', () => {
  const state: OnboardingState = {
    ...started(),
    status: 'completed',
    completedAt: at(90).toISOString(),
    cutovers: [
      {
        attempt: 1,
        mode: 'rehearsal',
        cutoverId: 'cut-1',
        requestedBy: 'csm:ana',
        requestedAt: at(60).toISOString(),
        status: 'rolled-back',
        endedAt: at(60.1).toISOString(),
        failure: { step: 'switch-sso', error: 'IdP said no to dana@customer.example' },
        rollbackInvoked: true,
      },
      {
        attempt: 2,
        mode: 'cutover',
        cutoverId: 'cut-2',
        requestedBy: 'x',
        requestedAt: at(61).toISOString(),
        status: 'running',
      },
    ],
    hypercare: {
      cutoverId: 'cut-2',
      startedAt: at(62).toISOString(),
      endsAt: at(90).toISOString(),
      status: 'accepted',
      acceptanceGate: 'bau-acceptance',
      nextReadingAt: at(90).toISOString(),
      readings: 10,
      missedReadings: 0,
      breaches: [{ metric: 'error-rate', since: at(63).toISOString(), detail: 'error rate 5.0% above 2.0%' }],
      acceptedAt: at(90).toISOString(),
      acceptedBy: 'lead:kim',
    },
  };
  const events = eventsOf(state, at(90));
  expect(one(events, 'onboarding.cutover_attempt_ended')).toMatchObject({
    id: `onboarding-acct-ev:cutover_attempt_ended:cut-1:rolled-back:${at(60.1).toISOString()}`,
    data: {
      cutoverId: 'cut-1',
      mode: 'rehearsal',
      outcome: 'rolled-back',
      failedStep: 'switch-sso',
      rollbackInvoked: true,
    },
  });
  expect(JSON.stringify(events)).not.toContain('dana@customer.example');
  expect(one(events, 'onboarding.hypercare_breached')).toMatchObject({
    data: { cutoverId: 'cut-2', metric: 'error-rate' },
  });
  expect(one(events, 'onboarding.bau_accepted').occurredAt).toBe(at(90).toISOString());
  expect(one(events, 'onboarding.completed')).toMatchObject({
    id: `onboarding-acct-ev:completed:${at(90).toISOString()}`,
    occurredAt: at(90).toISOString(),
  });
});
