import type { Handoff, HandoffField } from './handoff';
import { missingHandoffFields } from './handoff';
import { OnboardingRuleViolation } from './onboarding-rule-violation';
import type { Playbook } from './playbook';
import type { Segment, Tier } from './segment';

/**
 * The live state of one onboarding, kept by its workflow, and the pure rules that change it.
 * Everything here is deterministic: time comes in as an argument, never from the clock.
 */
export interface Account {
  id: string;
  name: string;
}

export interface OnboardingInput {
  onboardingId: string;
  account: Account;
  segment: Segment;
  tier: Tier;
  handoff: Handoff;
  /** ISO timestamp of the CRM's closed-won event: TTV is measured from here. */
  closedWonAt: string;
  playbook: Playbook;
}

export type OnboardingStatus = 'handoff-incomplete' | 'in-progress' | 'completed';

export interface MilestoneRecord {
  key: string;
  name: string;
  targetDay: number;
  /** closedWonAt + targetDay, so "completed within target" needs no arithmetic downstream. */
  targetDate: string;
  achievedAt?: string;
  recordedBy?: string;
  source?: string;
  evidence?: string;
  withinTarget?: boolean;
}

export interface StageVisit {
  key: string;
  name: string;
  enteredAt: string;
  exitedAt?: string;
}

export interface OnboardingState {
  onboardingId: string;
  account: Account;
  segment: Segment;
  tier: Tier;
  playbookVersion: number;
  closedWonAt: string;
  /** When the workflow started; with `revision` it orders writes to the read model. */
  startedAt: string;
  status: OnboardingStatus;
  stage: StageVisit;
  stageHistory: StageVisit[];
  milestones: MilestoneRecord[];
  firstValueMilestone: string;
  handoffMissing: HandoffField[];
  completedAt?: string;
  /** Increases by one with every accepted change. */
  revision: number;
}

export interface RecordMilestoneCommand {
  milestone: string;
  /** Who reports it: a CSM's id, or the integration's name. */
  actor: string;
  /** Where it came from: api, crm, product-telemetry... */
  source?: string;
  /** A link or note that shows the outcome happened. */
  evidence?: string;
  /** When it happened, if not now (ISO); never in the future. */
  achievedAt?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function startOnboarding(input: OnboardingInput, now: Date): OnboardingState {
  const closedWon = Date.parse(input.closedWonAt);
  const milestones: MilestoneRecord[] = input.playbook.milestones.map((m) => ({
    key: m.key,
    name: m.name,
    targetDay: m.targetDay,
    targetDate: new Date(closedWon + m.targetDay * DAY_MS).toISOString(),
  }));
  const handoffMissing = missingHandoffFields(input.handoff);
  const first = input.playbook.stages[0];
  const stage: StageVisit = { key: first.key, name: first.name, enteredAt: now.toISOString() };
  return {
    onboardingId: input.onboardingId,
    account: input.account,
    segment: input.segment,
    tier: input.tier,
    playbookVersion: input.playbook.version,
    closedWonAt: input.closedWonAt,
    startedAt: now.toISOString(),
    status: handoffMissing.length > 0 ? 'handoff-incomplete' : 'in-progress',
    stage,
    stageHistory: [stage],
    milestones,
    firstValueMilestone: input.playbook.firstValueMilestone,
    handoffMissing,
    revision: 1,
  };
}

/** Throws an OnboardingRuleViolation when the command must be refused; returns otherwise. */
export function checkRecordMilestone(state: OnboardingState, command: RecordMilestoneCommand, now: Date): void {
  if (typeof command?.milestone !== 'string' || command.milestone.length === 0) {
    throw new OnboardingRuleViolation('InvalidCommand', 'milestone must be a non-empty string');
  }
  if (typeof command.actor !== 'string' || command.actor.length === 0) {
    throw new OnboardingRuleViolation('InvalidCommand', 'actor must be a non-empty string');
  }
  if (command.achievedAt !== undefined) {
    const at = Date.parse(command.achievedAt);
    if (Number.isNaN(at)) {
      throw new OnboardingRuleViolation('InvalidCommand', 'achievedAt must be an ISO 8601 timestamp');
    }
    if (at > now.getTime()) {
      throw new OnboardingRuleViolation('InvalidCommand', 'achievedAt must not be in the future');
    }
    if (at < Date.parse(state.closedWonAt)) {
      throw new OnboardingRuleViolation('InvalidCommand', 'achievedAt must not be before closed-won');
    }
  }
  if (state.status === 'completed') {
    throw new OnboardingRuleViolation('OnboardingCompleted', `onboarding ${state.onboardingId} is already completed`);
  }
  const milestone = state.milestones.find((m) => m.key === command.milestone);
  if (!milestone) {
    const known = state.milestones.map((m) => m.key).join(', ');
    throw new OnboardingRuleViolation(
      'UnknownMilestone',
      `milestone '${command.milestone}' is not in this onboarding's playbook (known: ${known})`,
    );
  }
  if (milestone.achievedAt) {
    throw new OnboardingRuleViolation(
      'MilestoneAlreadyRecorded',
      `milestone '${milestone.key}' was already recorded at ${milestone.achievedAt}`,
    );
  }
}

/**
 * Records the milestone, then moves the onboarding past every stage whose exit milestones are
 * all achieved. The final stage's exit completes the onboarding.
 */
export function recordMilestone(
  state: OnboardingState,
  stages: Playbook['stages'],
  command: RecordMilestoneCommand,
  now: Date,
): OnboardingState {
  checkRecordMilestone(state, command, now);
  const achievedAt = command.achievedAt ? new Date(command.achievedAt).toISOString() : now.toISOString();
  const milestones = state.milestones.map((m) =>
    m.key !== command.milestone
      ? m
      : {
          ...m,
          achievedAt,
          recordedBy: command.actor,
          source: command.source ?? 'api',
          evidence: command.evidence,
          withinTarget: Date.parse(achievedAt) <= Date.parse(m.targetDate),
        },
  );
  return advanceStages({ ...state, milestones, revision: state.revision + 1 }, stages, now);
}

function advanceStages(state: OnboardingState, stages: Playbook['stages'], now: Date): OnboardingState {
  const achieved = new Set(state.milestones.filter((m) => m.achievedAt).map((m) => m.key));
  const current = stages.findIndex((s) => !s.exitMilestones.every((key) => achieved.has(key)));
  const at = now.toISOString();
  if (current === -1) {
    const stageHistory = closeVisit(state.stageHistory, state.stage.key, at);
    return { ...state, status: 'completed', completedAt: at, stage: stageHistory[stageHistory.length - 1], stageHistory };
  }
  const next = stages[current];
  if (next.key === state.stage.key) return state;
  const stage: StageVisit = { key: next.key, name: next.name, enteredAt: at };
  return { ...state, stage, stageHistory: [...closeVisit(state.stageHistory, state.stage.key, at), stage] };
}

function closeVisit(history: StageVisit[], key: string, at: string): StageVisit[] {
  return history.map((v) => (v.key === key && !v.exitedAt ? { ...v, exitedAt: at } : v));
}

/** Days from closed-won to the first-value milestone, once achieved. */
export function timeToValueDays(state: OnboardingState): number | undefined {
  const firstValue = state.milestones.find((m) => m.key === state.firstValueMilestone);
  if (!firstValue?.achievedAt) return undefined;
  return (Date.parse(firstValue.achievedAt) - Date.parse(state.closedWonAt)) / DAY_MS;
}
