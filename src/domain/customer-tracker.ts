import type { HypercareRecord } from './hypercare';
import type { CsmAssignment, MilestoneRecord, OnboardingStatus, StageVisit, TaskRecord } from './onboarding';
import type { Role } from './roles';

/**
 * What the customer's progress tracker shows (seed 003, "customer-facing milestone tracker"),
 * built by picking fields one by one: the plan's stages with dates, milestones with targets,
 * open tasks with owners and due dates, the CSM and the next step. Never risks, escalations,
 * at-risk reasons, evidence, audit notes or anything about another customer: a field not copied
 * here cannot reach the page. Pure.
 */
export interface CustomerTracker {
  accountName: string;
  status: OnboardingStatus;
  stages: { name: string; state: 'done' | 'current' | 'upcoming'; enteredAt?: string; exitedAt?: string }[];
  milestones: { name: string; targetDate: string; achievedAt?: string }[];
  openTasks: { name: string; owner: string; dueAt?: string }[];
  csm?: { name: string; email: string };
  nextStep: string;
  /** The satisfaction question is asked at the end of the journey only (see satisfactionOpen). */
  satisfactionOpen: boolean;
}

/** The part of the live state the tracker reads. */
export interface TrackerSource {
  account: { name: string };
  status: OnboardingStatus;
  stageHistory: StageVisit[];
  milestones: MilestoneRecord[];
  tasks: TaskRecord[];
  csm?: CsmAssignment;
  hypercare?: HypercareRecord;
}

/** Owners as a customer reads them. */
const OWNER_WORDS: Partial<Record<Role, string>> = {
  customer: 'Your team',
  csm: 'Your CSM',
  implementation: 'Our implementation team',
  sales: 'Your account executive',
};

/**
 * The end of the journey: the onboarding is completed, or it has cut over and is in hypercare
 * (the customer already works on the new platform; BAU acceptance is the team's formality).
 */
export function satisfactionOpen(s: Pick<TrackerSource, 'status' | 'hypercare'>): boolean {
  return s.status === 'completed' || s.hypercare !== undefined;
}

export function customerTracker(s: TrackerSource, plannedStages: { key: string; name: string }[]): CustomerTracker {
  const visits = new Map(s.stageHistory.map((v) => [v.key, v]));
  const plan = plannedStages.length > 0 ? plannedStages : s.stageHistory;
  const stages = plan.map((p) => {
    const v = visits.get(p.key);
    const state: 'done' | 'current' | 'upcoming' = !v
      ? 'upcoming'
      : v.exitedAt || s.status === 'completed'
        ? 'done'
        : 'current';
    return {
      name: p.name,
      state,
      ...(v ? { enteredAt: v.enteredAt } : {}),
      ...(v?.exitedAt ? { exitedAt: v.exitedAt } : {}),
    };
  });
  const openTasks = s.tasks
    .filter((t) => t.status === 'open')
    .map((t) => ({ name: t.name, owner: OWNER_WORDS[t.owner] ?? 'Our team', ...(t.dueAt ? { dueAt: t.dueAt } : {}) }));
  const milestones = s.milestones.map((m) => ({
    name: m.name,
    targetDate: m.targetDate,
    ...(m.achievedAt ? { achievedAt: m.achievedAt } : {}),
  }));
  return {
    accountName: s.account.name,
    status: s.status,
    stages,
    milestones,
    openTasks,
    ...(s.csm ? { csm: { name: s.csm.name, email: s.csm.email } } : {}),
    nextStep: nextStep(s, openTasks, milestones),
    satisfactionOpen: satisfactionOpen(s),
  };
}

function nextStep(
  s: TrackerSource,
  openTasks: CustomerTracker['openTasks'],
  milestones: CustomerTracker['milestones'],
): string {
  if (s.status === 'completed') return 'Your onboarding is complete. Tell us below how it went.';
  if (!s.csm) return 'We are preparing your onboarding team: your Customer Success Manager will contact you shortly.';
  const yours = openTasks.find((t) => t.owner === OWNER_WORDS.customer);
  const task = yours ?? openTasks[0];
  if (task) return `${task.owner}: ${task.name}${task.dueAt ? `, due ${task.dueAt.slice(0, 10)}` : ''}.`;
  const milestone = milestones.find((m) => !m.achievedAt);
  if (milestone) return `Next milestone: ${milestone.name}, target ${milestone.targetDate.slice(0, 10)}.`;
  return `${s.csm.name} will be in touch about the next step.`;
}
