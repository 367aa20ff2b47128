import type { CsmWait } from './csm-wait';
import type { EscalationRecord } from './escalations';
import type { Handoff, HandoffField } from './handoff';
import { missingHandoffFields } from './handoff';
import type { HypercareRecord } from './hypercare';
import type { Effect } from './outbox';
import { audit, notify } from './outbox';
import type { Playbook } from './playbook';
import type { Role } from './roles';
import type { Segment, Tier } from './segment';
import type { SideEffectFailure } from './side-effects';
import { DAY_MS } from './time';

// Sub-rules own their records and take the part of the state they need, never this module: the imports stay a DAG.

/**
 * The live state of one onboarding, kept by its workflow. Everything in src/domain is
 * deterministic: time comes in as an argument, never from the clock, so the workflow can
 * replay it.
 */
export interface Account {
  id: string;
  name: string;
}

export interface Person {
  name: string;
  email: string;
}

export interface OnboardingInput {
  onboardingId: string;
  account: Account;
  segment: Segment;
  tier: Tier;
  handoff: Handoff;
  /** The Sales owner of the deal: reminded and escalated to while the handoff is incomplete. */
  salesOwner: Person;
  /** ISO timestamp of the CRM's closed-won event: TTV is measured from here. */
  closedWonAt: string;
  playbook: Playbook;
  /** The cohort it is compared in (e.g. `pilot-2027q1`, src/domain/cohort.ts); absent in older inputs. */
  cohort?: string;
  /** Set by continue-as-new: the state to carry on from. */
  resume?: OnboardingState;
  /**
   * Continue as new once the run's history has this many events. Unset: when Temporal suggests
   * it (long before the 51,200-event limit). A lower value keeps replays short.
   */
  historyEventLimit?: number;
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

export type TaskStatus = 'locked' | 'open' | 'done';

export interface TaskRecord {
  key: string;
  name: string;
  stage: string;
  owner: Role;
  dependsOn: string[];
  status: TaskStatus;
  unlockedAt?: string;
  dueAt?: string;
  completedAt?: string;
  completedBy?: string;
  evidence?: string;
}

export interface CriterionResult {
  criterion: string;
  met: boolean;
  evidence?: string;
}

export interface GateRecord {
  key: string;
  name: string;
  stage: string;
  approverRoles: Role[];
  acceptanceCriteria: string[];
  approvedAt?: string;
  approvedBy?: string;
  approverRole?: Role;
  criteria?: CriterionResult[];
}

export const RISK_CATEGORIES = ['data', 'auth', 'cutover', 'comms', 'compliance'] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];

/** Rule from the seeds: no blocker exists without an owner, a decision due date and a fallback. */
export interface RiskFields {
  category: RiskCategory;
  description: string;
  blocker: boolean;
  owner: string;
  decisionDueDate: string;
  fallback: string;
}

export interface RiskRecord extends RiskFields {
  id: string;
  recordedAt: string;
  recordedBy: string;
  status: 'open' | 'resolved';
  resolvedAt?: string;
  resolution?: string;
}

/** One cutover or rehearsal of this onboarding, run as a child workflow. */
export interface CutoverAttempt {
  attempt: number;
  mode: 'cutover' | 'rehearsal';
  cutoverId: string;
  requestedBy: string;
  requestedAt: string;
  /** requested: the workflow starts it next; running: started; then its outcome. */
  status: 'requested' | 'running' | 'needs-operator' | 'succeeded' | 'rolled-back';
  endedAt?: string;
  failure?: { step: string; error: string };
  reconciliation?: { sourceCount: number; targetCount: number; accuracy: number };
  rehearsal?: { passed: boolean; accuracy?: number };
  rollbackInvoked?: boolean;
}

export interface CsmAssignment {
  id: string;
  name: string;
  email: string;
  assignedAt: string;
}

export interface OnboardingState {
  onboardingId: string;
  account: Account;
  segment: Segment;
  tier: Tier;
  playbookVersion: number;
  /** The cohort it is compared in; set on closed-won or later (setCohort), absent when none. */
  cohort?: string;
  closedWonAt: string;
  /** When the workflow started; with `revision` it orders writes to the read model. */
  startedAt: string;
  status: OnboardingStatus;
  handoff: Handoff;
  handoffMissing: HandoffField[];
  salesOwner: Person;
  csm?: CsmAssignment;
  /** While no CSM covering the tier has a free seat (src/domain/csm-wait.ts); gone once assigned. */
  csmWait?: CsmWait;
  /** A roster change signalled while the first assignment try was on its way (src/domain/csm-wait.ts). */
  csmRosterChangedAt?: string;
  stage: StageVisit;
  stageHistory: StageVisit[];
  milestones: MilestoneRecord[];
  tasks: TaskRecord[];
  gates: GateRecord[];
  risks: RiskRecord[];
  escalations: EscalationRecord[];
  /** Cutover and rehearsal attempts, oldest first (absent in states carried over from before they existed). */
  cutovers?: CutoverAttempt[];
  /** The watch after a successful cutover, when the playbook's cutover plan has one. */
  hypercare?: HypercareRecord;
  /** Projections, audit entries and messages refused for good (absent until the first). */
  sideEffectFailures?: SideEffectFailure[];
  /** Keys of reminders already sent (task reminders, handoff reminders), so each goes once. */
  remindersSent: string[];
  /** The last accepted change that moved the journey on; stall detection counts from here. */
  lastProgressAt: string;
  stalledSince?: string;
  firstValueMilestone: string;
  completedAt?: string;
  /** Side effects not yet carried out; continue-as-new carries them over. */
  outbox: Effect[];
  auditSeq: number;
  /** Increases by one with every accepted change. */
  revision: number;
}

export function startOnboarding(input: OnboardingInput, now: Date): OnboardingState {
  const { playbook } = input;
  const closedWon = Date.parse(input.closedWonAt);
  const at = now.toISOString();
  const first = playbook.stages[0];
  const stage: StageVisit = { key: first.key, name: first.name, enteredAt: at };
  const handoffMissing = missingHandoffFields(input.handoff);
  const state: OnboardingState = {
    onboardingId: input.onboardingId,
    account: input.account,
    segment: input.segment,
    tier: input.tier,
    playbookVersion: playbook.version,
    // Only when given: states of older runs have no such key, and new ones without a cohort match them.
    ...(input.cohort ? { cohort: input.cohort } : {}),
    closedWonAt: input.closedWonAt,
    startedAt: at,
    status: handoffMissing.length > 0 ? 'handoff-incomplete' : 'in-progress',
    handoff: input.handoff,
    handoffMissing,
    salesOwner: input.salesOwner,
    stage,
    stageHistory: [stage],
    milestones: playbook.milestones.map((m) => ({
      key: m.key,
      name: m.name,
      targetDay: m.targetDay,
      targetDate: new Date(closedWon + m.targetDay * DAY_MS).toISOString(),
    })),
    tasks: playbook.tasks.map((t) => ({
      key: t.key,
      name: t.name,
      stage: t.stage,
      owner: t.owner,
      dependsOn: t.dependsOn,
      status: 'locked',
    })),
    gates: playbook.gates.map((g) => ({
      key: g.key,
      name: g.name,
      stage: g.stage,
      approverRoles: g.approverRoles,
      acceptanceCriteria: g.acceptanceCriteria,
    })),
    risks: [],
    escalations: [],
    remindersSent: [],
    lastProgressAt: at,
    firstValueMilestone: playbook.firstValueMilestone,
    outbox: [],
    auditSeq: 0,
    revision: 1,
  };
  audit(state, at, 'system', 'onboarding-started', {
    tier: state.tier,
    playbookVersion: state.playbookVersion,
    handoffMissing,
  });
  if (state.status === 'handoff-incomplete') {
    notify(state, `handoff-incomplete:0`, 'handoff-incomplete', [], {});
  }
  return state;
}

/** Days from closed-won to the first-value milestone, once achieved. */
export function timeToValueDays(state: OnboardingState): number | undefined {
  const firstValue = state.milestones.find((m) => m.key === state.firstValueMilestone);
  if (!firstValue?.achievedAt) return undefined;
  return (Date.parse(firstValue.achievedAt) - Date.parse(state.closedWonAt)) / DAY_MS;
}

/** Open blockers make an onboarding at risk; so do a stall and unacknowledged escalations. */
export function atRiskReasons(state: OnboardingState): string[] {
  const reasons: string[] = [];
  if (state.stalledSince) reasons.push(`stalled at ${state.stage.name} since ${state.stalledSince}`);
  for (const risk of state.risks) {
    if (risk.status === 'open' && risk.blocker) reasons.push(`open blocker: ${risk.description}`);
  }
  for (const b of state.hypercare?.breaches ?? []) {
    if (!b.clearedAt) reasons.push(`hypercare breach: ${b.detail} since ${b.since}`);
  }
  const open = state.escalations.filter((e) => !e.closedAt && !e.acknowledgedAt);
  if (open.length) reasons.push(`${open.length} unacknowledged escalation(s)`);
  // Data or messages were lost or altered: an operator should look (src/domain/side-effects.ts).
  for (const f of state.sideEffectFailures ?? []) reasons.push(sideEffectRefusalReason(f));
  return reasons;
}

function sideEffectRefusalReason(f: SideEffectFailure): string {
  const outcome = { sanitised: 'stored without the refused characters', failed: 'not stored', none: 'not delivered' }[
    f.fallback
  ];
  return `${f.effect} refused ${f.occurrences} time(s) since ${f.firstAt} (${f.type} ${f.code}; ${outcome})`;
}

/**
 * Whether an at-risk reason is a side effect refused for good: the read-model row keeps the
 * reasons, not the refusals, and the dashboard facts backfill counts them from there. Beside the
 * reason's wording, so that the two change together.
 */
export function isSideEffectRefusalReason(reason: string): boolean {
  return /^(projection|audit|message) refused \d+ time\(s\) since \S+ \(/.test(reason);
}
