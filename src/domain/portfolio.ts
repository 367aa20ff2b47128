import type { EscalationRecord } from './escalations';
import type { MilestoneRecord, OnboardingStatus, StageVisit, TaskRecord } from './onboarding';
import { DAY_MS } from './time';

/**
 * A CSM's portfolio: each onboarding with what needs the CSM first (seed 004: "CSM portfolio view
 * showing all customers in onboarding"). Pure: the read model's rows and `now` come in.
 */
export interface PortfolioSource {
  id: string;
  accountName: string;
  tier: string;
  status: OnboardingStatus;
  stage: string;
  stageEnteredAt: Date | string;
  stageHistory: StageVisit[];
  csmId: string | null;
  waitingOn: string;
  waitingSince: Date | string | null;
  atRisk: boolean;
  atRiskReasons: string[];
  tasks: TaskRecord[];
  milestones: MilestoneRecord[];
  escalations: EscalationRecord[];
}

/** In this order: what needs the CSM first. */
export const PORTFOLIO_NEEDS = ['overdue-or-escalated', 'at-risk', 'waiting-on-csm', 'on-track'] as const;
export type PortfolioNeed = (typeof PORTFOLIO_NEEDS)[number];

export interface PortfolioEntry {
  onboardingId: string;
  accountName: string;
  tier: string;
  status: OnboardingStatus;
  stage: string;
  stageName: string;
  daysInStage: number;
  csmId: string | null;
  need: PortfolioNeed;
  /** Plain words for the need, e.g. "2 overdue tasks, 1 open escalation". */
  needDetail: string;
  overdueTasks: number;
  openEscalations: number;
  atRisk: boolean;
  atRiskReasons: string[];
  /** The earliest due date of an open task or unmet milestone target. */
  nextDueAt: string | null;
  waitingOn: string;
  waitingSince: string | null;
}

/**
 * "Waiting on the CSM": the journey waits on work a CSM does (their open tasks, a milestone to
 * record, a gate to take to approval); a customer task or a handoff waits on someone else.
 */
const WAITING_ON_CSM_KINDS = ['internal-task', 'milestone', 'gate-approval'];

export function portfolioEntry(row: PortfolioSource, now: Date): PortfolioEntry {
  const at = now.getTime();
  const overdue = row.tasks.filter((t) => t.status === 'open' && t.dueAt && Date.parse(t.dueAt) < at);
  const escalations = row.escalations.filter((e) => !e.acknowledgedAt && !e.closedAt);
  const csmTasks = row.tasks.filter((t) => t.status === 'open' && t.owner === 'csm');
  const waitingOnCsm = WAITING_ON_CSM_KINDS.includes(row.waitingOn) || csmTasks.length > 0;
  const need: PortfolioNeed =
    overdue.length > 0 || escalations.length > 0
      ? 'overdue-or-escalated'
      : row.atRisk
        ? 'at-risk'
        : waitingOnCsm && row.status !== 'completed'
          ? 'waiting-on-csm'
          : 'on-track';
  const dues = [
    ...row.tasks.filter((t) => t.status === 'open' && t.dueAt).map((t) => t.dueAt!),
    ...row.milestones.filter((m) => !m.achievedAt).map((m) => m.targetDate),
  ].sort();
  const entered = new Date(row.stageEnteredAt).getTime();
  return {
    onboardingId: row.id,
    accountName: row.accountName,
    tier: row.tier,
    status: row.status,
    stage: row.stage,
    stageName: row.stageHistory.at(-1)?.name ?? row.stage,
    daysInStage: Math.max(0, Math.floor((at - entered) / DAY_MS)),
    csmId: row.csmId,
    need,
    needDetail: needDetail(need, overdue.length, escalations.length, row.atRiskReasons, row.waitingOn),
    overdueTasks: overdue.length,
    openEscalations: escalations.length,
    atRisk: row.atRisk,
    atRiskReasons: row.atRiskReasons,
    nextDueAt: dues[0] ?? null,
    waitingOn: row.waitingOn,
    waitingSince: row.waitingSince ? new Date(row.waitingSince).toISOString() : null,
  };
}

function needDetail(need: PortfolioNeed, overdue: number, escalations: number, reasons: string[], waiting: string) {
  switch (need) {
    case 'overdue-or-escalated':
      return [
        overdue > 0 ? `${overdue} overdue task${overdue > 1 ? 's' : ''}` : '',
        escalations > 0 ? `${escalations} open escalation${escalations > 1 ? 's' : ''}` : '',
      ]
        .filter(Boolean)
        .join(', ');
    case 'at-risk':
      return `at risk: ${reasons.join('; ') || 'see the onboarding'}`;
    case 'waiting-on-csm':
      return `waiting on you (${waiting})`;
    case 'on-track':
      return waiting === 'nothing' ? 'nothing waiting' : `waiting on ${waiting}`;
  }
}

/** What needs the CSM first; within a need, the earliest due date, then the longest wait. */
export function byWhatNeedsTheCsmFirst(a: PortfolioEntry, b: PortfolioEntry): number {
  return (
    PORTFOLIO_NEEDS.indexOf(a.need) - PORTFOLIO_NEEDS.indexOf(b.need) ||
    compareNullable(a.nextDueAt, b.nextDueAt) ||
    compareNullable(a.waitingSince, b.waitingSince) ||
    a.onboardingId.localeCompare(b.onboardingId)
  );
}

function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
