import type { OnboardingState } from './onboarding';

/**
 * The domain events the CS platform can subscribe to, derived from facts the onboarding's state
 * already records (never from the commands), so the workflow's commands and its recorded
 * histories stay as they are. Each event's id is built from the fact itself (the onboarding, the
 * kind, the item and when it happened; the time keeps a second occurrence, or a later run of the
 * same onboarding, apart): deriving the events of the same state again, or of a later state,
 * gives the same ids, and the event store keeps each id once.
 *
 * Payloads carry ids, keys, timestamps and outcomes, never names, e-mail addresses or free text
 * (risk descriptions, failure messages): the CS platform already knows the account by its id and
 * the CSM by the roster id, and a callback leaves our control once sent.
 */
export const DOMAIN_EVENT_TYPES = [
  'onboarding.started',
  'onboarding.handoff_completed',
  'onboarding.csm_assigned',
  'onboarding.stage_entered',
  'onboarding.stage_exited',
  'onboarding.milestone_recorded',
  'onboarding.task_overdue',
  'onboarding.escalation_raised',
  'onboarding.escalation_acknowledged',
  'onboarding.at_risk_changed',
  'onboarding.stall_started',
  'onboarding.stall_ended',
  'onboarding.cutover_attempt_ended',
  'onboarding.hypercare_breached',
  'onboarding.bau_accepted',
  'onboarding.completed',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

export function isDomainEventType(value: unknown): value is DomainEventType {
  return typeof value === 'string' && (DOMAIN_EVENT_TYPES as readonly string[]).includes(value);
}

export interface DomainEvent {
  /** Deterministic: `<onboardingId>:<kind>:<item>…`; the Standard Webhooks message id. */
  id: string;
  type: DomainEventType;
  onboardingId: string;
  /** ISO timestamp of the fact (not of its discovery). */
  occurredAt: string;
  data: Record<string, unknown>;
}

/**
 * What the read model held before this projection: the facts the state forgets once they end
 * (a stall's start, being at risk), which a state alone cannot show ended.
 */
export interface ProjectedBefore {
  stalledSince: string | null;
  atRisk: boolean;
}

type EventState = Omit<OnboardingState, 'outbox'>;

/**
 * Every event the state implies. `asOf`: when the projection runs (a task is overdue once its due
 * time has passed, which no fact of the state records). `before`: the previous projection, for
 * the events of a fact that ended (stall ended, at-risk changed); undefined when it is unknown
 * (no earlier projection, or one newer than this state), and then those events are not derived.
 */
export function domainEventsOf(
  state: EventState,
  opts: { asOf: string; atRisk: boolean; before?: ProjectedBefore },
): DomainEvent[] {
  const events: DomainEvent[] = [];
  const oid = state.onboardingId;
  const base = { onboardingId: oid, accountId: state.account.id };
  const add = (type: DomainEventType, item: string, occurredAt: string, data: Record<string, unknown> = {}) =>
    events.push({
      id: `${oid}:${type.slice('onboarding.'.length)}${item}`,
      type,
      onboardingId: oid,
      occurredAt,
      data: { ...base, ...data },
    });

  add('onboarding.started', `:${state.startedAt}`, state.startedAt, {
    tier: state.tier,
    segment: state.segment,
    playbookVersion: state.playbookVersion,
    closedWonAt: state.closedWonAt,
  });

  // Until the handoff is complete the journey has not begun: completeHandoff restarts the first
  // stage's clock at that moment, which is then when the handoff completed and the stage was entered.
  const journeyStarted = state.status !== 'handoff-incomplete';
  if (journeyStarted) {
    const at = state.stageHistory[0].enteredAt;
    add('onboarding.handoff_completed', `:${at}`, at);
  }

  if (state.csm)
    add('onboarding.csm_assigned', `:${state.csm.id}:${state.csm.assignedAt}`, state.csm.assignedAt, {
      csmId: state.csm.id,
    });

  if (journeyStarted) {
    for (const visit of state.stageHistory) {
      const item = `:${visit.key}:${visit.enteredAt}`;
      add('onboarding.stage_entered', item, visit.enteredAt, { stage: visit.key });
      if (visit.exitedAt)
        add('onboarding.stage_exited', item, visit.exitedAt, { stage: visit.key, enteredAt: visit.enteredAt });
    }
  }

  for (const m of state.milestones) {
    if (!m.achievedAt) continue;
    add('onboarding.milestone_recorded', `:${m.key}:${m.achievedAt}`, m.achievedAt, {
      milestone: m.key,
      targetDate: m.targetDate,
      withinTarget: m.withinTarget ?? Date.parse(m.achievedAt) <= Date.parse(m.targetDate),
      firstValue: m.key === state.firstValueMilestone,
    });
  }

  const asOf = Date.parse(opts.asOf);
  for (const t of state.tasks) {
    if (!t.dueAt) continue;
    const due = Date.parse(t.dueAt);
    const overdue = t.status === 'done' ? !!t.completedAt && Date.parse(t.completedAt) > due : due <= asOf;
    if (overdue)
      add('onboarding.task_overdue', `:${t.key}:${t.dueAt}`, t.dueAt, { task: t.key, owner: t.owner, dueAt: t.dueAt });
  }

  for (const e of state.escalations) {
    const escalation = { escalationId: e.id, subject: e.subject, level: e.level, notifyRole: e.notify };
    add('onboarding.escalation_raised', `:${e.id}:${e.raisedAt}`, e.raisedAt, {
      ...escalation,
      breachedAt: e.breachedAt,
    });
    if (e.acknowledgedAt)
      add('onboarding.escalation_acknowledged', `:${e.id}:${e.raisedAt}`, e.acknowledgedAt, escalation);
  }

  if (state.stalledSince)
    add('onboarding.stall_started', `:${state.stalledSince}`, state.stalledSince, { stage: state.stage.key });
  const before = opts.before;
  if (before?.stalledSince && before.stalledSince !== state.stalledSince) {
    // Progress ends a stall and moves lastProgressAt to that moment (progress.ts markProgress).
    add('onboarding.stall_ended', `:${before.stalledSince}`, state.lastProgressAt, {
      stalledSince: before.stalledSince,
    });
  }
  if (before && before.atRisk !== opts.atRisk) {
    // Being at risk is computed, not recorded: the change is observed at this projection.
    add('onboarding.at_risk_changed', `:${state.startedAt}:${state.revision}`, opts.asOf, { atRisk: opts.atRisk });
  }

  for (const c of state.cutovers ?? []) {
    if (c.status === 'requested' || c.status === 'running') continue;
    add(
      'onboarding.cutover_attempt_ended',
      `:${c.cutoverId}:${c.status}:${c.endedAt ?? c.requestedAt}`,
      c.endedAt ?? c.requestedAt,
      {
        cutoverId: c.cutoverId,
        attempt: c.attempt,
        mode: c.mode,
        outcome: c.status,
        failedStep: c.failure?.step,
        reconciliationAccuracy: c.reconciliation?.accuracy,
        rehearsalPassed: c.rehearsal?.passed,
        rollbackInvoked: c.rollbackInvoked ?? false,
      },
    );
  }

  const h = state.hypercare;
  for (const b of h?.breaches ?? []) {
    add('onboarding.hypercare_breached', `:${h!.cutoverId}:${b.metric}:${b.since}`, b.since, {
      cutoverId: h!.cutoverId,
      metric: b.metric,
      detail: b.detail,
    });
  }
  if (h?.acceptedAt)
    add('onboarding.bau_accepted', `:${h.cutoverId}:${h.acceptedAt}`, h.acceptedAt, { cutoverId: h.cutoverId });

  if (state.status === 'completed' && state.completedAt)
    add('onboarding.completed', `:${state.completedAt}`, state.completedAt);
  return events;
}
