import {
  acknowledgeEscalation,
  approveGate,
  type Command,
  completeHandoff,
  completeTask,
  recordMilestone,
} from './commands';
import type { Handoff } from './handoff';
import type { OnboardingState } from './onboarding';
import { OnboardingRuleViolation } from './onboarding-rule-violation';
import type { Playbook } from './playbook';
import { DAY_MS, HOUR_MS } from './time';

/**
 * What the people around a previewed onboarding do, and when. By default everyone is on time:
 * Sales completes the handoff at closed-won, each task is done and each milestone reached an
 * hour before it is due (an hour, so that "on time" is never the instant a ladder starts), each
 * gate is approved as soon as its stage allows; a milestone waits for the journey to reach the
 * stage that exits on it. A scenario overrides this item by item.
 */
export interface PreviewScenario {
  /** Sales completes the handoff this many days after closed-won (default 0: complete at closed-won). */
  handoffDelayDays?: number;
  /** Items nobody ever completes, reaches or approves. */
  never?: { tasks?: string[]; milestones?: string[]; gates?: string[] };
  /**
   * The day (after closed-won) an item is done instead of its due day; an item that cannot be
   * done that day (a locked task, a gate whose stage is not reached) is done as soon as it can.
   */
  complete?: {
    tasks?: Record<string, number>;
    milestones?: Record<string, number>;
    gates?: Record<string, number>;
  };
  /** Every escalation is acknowledged this many hours after it is raised (default: never). */
  acknowledgeAfterHours?: number;
  /** How far to look (default: the playbook's last milestone target, the handoff delay and 30 days). */
  horizonDays?: number;
}

/** How much earlier than its due time an on-time team acts. */
export const ON_TIME_LEAD_HOURS = 1;
/** How long after its last milestone target a preview looks by default. */
export const HORIZON_MARGIN_DAYS = 30;

/** One thing the scenario's people did, sent to the onboarding as the command the API would send. */
export type PreviewAction =
  | { command: 'completeHandoff'; key: 'handoff' }
  | { command: 'completeTask'; key: string }
  | { command: 'recordMilestone'; key: string }
  | { command: 'approveGate'; key: string }
  | { command: 'acknowledgeEscalation'; key: string };

export interface PlannedAction {
  at: number;
  action: PreviewAction;
}

/** A complete handoff with placeholder facts: the rules only ask whether each field is present. */
export const PREVIEW_HANDOFF: Handoff = {
  goals: ['(preview)'],
  successCriteria: ['(preview)'],
  technicalRequirements: ['(preview)'],
  stakeholders: [{ name: 'Customer sponsor', role: 'sponsor', executiveSponsor: true }],
  salesPromises: [],
  targetGoLive: '(preview)',
  complianceScope: {},
  migrationScope: '(preview)',
};

const ACTOR = 'preview';

export function defaultHorizonDays(playbook: Playbook, scenario: PreviewScenario): number {
  const lastTarget = Math.max(0, ...playbook.milestones.map((m) => m.targetDay));
  return Math.ceil(lastTarget + (scenario.handoffDelayDays ?? 0)) + HORIZON_MARGIN_DAYS;
}

/** The command (and its body) the API would send for an action. */
export function commandFor(
  state: OnboardingState,
  playbook: Playbook,
  action: PreviewAction,
): { command: Command<unknown>; body: unknown } {
  const as = <C>(command: Command<C>, body: C) => ({ command: command as Command<unknown>, body });
  switch (action.command) {
    case 'completeHandoff':
      return as(completeHandoff, { handoff: PREVIEW_HANDOFF, actor: ACTOR });
    case 'completeTask':
      return as(completeTask, { task: action.key, actor: ACTOR });
    case 'recordMilestone':
      return as(recordMilestone, { milestone: action.key, actor: ACTOR, source: 'preview' });
    case 'acknowledgeEscalation':
      return as(acknowledgeEscalation, { escalationId: action.key, actor: ACTOR });
    case 'approveGate': {
      const gate = state.gates.find((g) => g.key === action.key)!;
      const criteria = gate.acceptanceCriteria.map((criterion) => ({ criterion, met: true }));
      return as(approveGate, { gate: gate.key, actor: ACTOR, role: gate.approverRoles[0], criteria });
    }
  }
}

/**
 * The earliest action the scenario's people take from `now` on, given the state: only what the
 * command's own validator accepts now (what it refuses waits for a later state), at its planned
 * time or now, whichever is later.
 */
export function nextPlannedAction(
  state: OnboardingState,
  playbook: Playbook,
  scenario: PreviewScenario,
  startMs: number,
  now: Date,
): PlannedAction | undefined {
  const day = (d: number) => startMs + d * DAY_MS;
  const lead = ON_TIME_LEAD_HOURS * HOUR_MS;
  const candidates: PlannedAction[] = [];
  const consider = (action: PreviewAction, plannedAt: number) => {
    const { command, body } = commandFor(state, playbook, action);
    try {
      command.check(state, body, now, playbook);
    } catch (err) {
      if (err instanceof OnboardingRuleViolation) return;
      throw err;
    }
    candidates.push({ at: Math.max(plannedAt, now.getTime()), action });
  };

  if (state.status === 'completed') return undefined;
  if (state.status === 'handoff-incomplete') {
    consider({ command: 'completeHandoff', key: 'handoff' }, day(scenario.handoffDelayDays ?? 0));
  }
  const never = scenario.never ?? {};
  const complete = scenario.complete ?? {};
  for (const task of state.tasks) {
    if (task.status !== 'open' || never.tasks?.includes(task.key)) continue;
    const planned = complete.tasks?.[task.key];
    consider(
      { command: 'completeTask', key: task.key },
      planned !== undefined ? day(planned) : Date.parse(task.dueAt!) - lead,
    );
  }
  for (const m of state.milestones) {
    if (m.achievedAt || never.milestones?.includes(m.key)) continue;
    // The rules would take it earlier, but nobody reports "BAU accepted" while stuck in integration:
    // a milestone waits for the journey to reach the stage that exits on it.
    const exitsAt = playbook.stages.find((s) => s.exitMilestones.includes(m.key));
    if (exitsAt && !state.stageHistory.some((v) => v.key === exitsAt.key)) continue;
    const planned = complete.milestones?.[m.key];
    consider(
      { command: 'recordMilestone', key: m.key },
      planned !== undefined ? day(planned) : Date.parse(m.targetDate) - lead,
    );
  }
  for (const g of state.gates) {
    if (g.approvedAt || never.gates?.includes(g.key)) continue;
    consider({ command: 'approveGate', key: g.key }, day(complete.gates?.[g.key] ?? 0));
  }
  if (scenario.acknowledgeAfterHours !== undefined) {
    for (const e of state.escalations) {
      if (e.acknowledgedAt || e.closedAt) continue;
      consider(
        { command: 'acknowledgeEscalation', key: e.id },
        Date.parse(e.raisedAt) + scenario.acknowledgeAfterHours * HOUR_MS,
      );
    }
  }
  // Earliest first; on a tie, the order above (handoff, tasks, milestones, gates, acknowledgements).
  return candidates.reduce<PlannedAction | undefined>((best, c) => (!best || c.at < best.at ? c : best), undefined);
}
