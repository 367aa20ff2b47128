import type { OnboardingState } from './onboarding';
import { DAY_MS } from './time';

/**
 * What the leadership dashboard and the pilot comparison count of one onboarding, derived from
 * its state when it is projected. Stored as narrow columns (`onboarding_facts`, and
 * `stage_durations` for the stages it has left) so that the aggregates are indexed SQL over
 * numbers, never a walk through each onboarding's JSON or its workflow.
 */
export interface DashboardFacts {
  /** Days from closed-won to the first-value milestone; null until achieved. */
  ttvDays: number | null;
  /** The first-value milestone's target day in the onboarding's playbook. */
  ttvTargetDays: number | null;
  milestonesTotal: number;
  /** Achieved on or before their target date. */
  milestonesMet: number;
  /** Achieved late, or not achieved with their target date passed (as of the projection). */
  milestonesMissed: number;
  milestonesAchieved: number;
  /** Not achieved, target date passed (as of the projection). */
  milestonesOverdue: number;
  /** Escalations raised, by level: [level 1, level 2, level 3 and above]. */
  escalationsByLevel: [number, number, number];
  /** Why it is at risk, as kinds that can be counted (the reasons' text carries dates and names). */
  atRiskKinds: AtRiskKind[];
  /** Side effects (projection, audit, mail) refused for good: the automation failed. */
  automationFailures: number;
  /** Stages it has left, with how long each visit took. */
  stageDurations: Array<{ seq: number; stage: string; days: number }>;
}

export type AtRiskKind =
  'stalled' | `open-blocker:${string}` | 'hypercare-breach' | 'unacknowledged-escalation' | 'automation-failure';

/**
 * What the facts are derived from: the projected state, or the read-model row that holds the same
 * fields (the backfill, src/persistence/dashboard-facts-backfill.ts). Only the number of side
 * effects refused counts.
 */
export type FactsSource = Pick<
  OnboardingState,
  | 'closedWonAt'
  | 'milestones'
  | 'firstValueMilestone'
  | 'escalations'
  | 'stageHistory'
  | 'stalledSince'
  | 'risks'
  | 'hypercare'
> & { sideEffectFailures?: readonly unknown[] };

/**
 * The facts as of `asOf` (the projection's time). A milestone whose target passes later counts as
 * missed from the next projection on; the milestone's escalation timer projects the onboarding
 * when its target passes, so the lag is the escalation ladder's first delay at most.
 */
export function dashboardFactsOf(state: FactsSource, asOf: Date): DashboardFacts {
  const now = asOf.getTime();
  const closedWon = Date.parse(state.closedWonAt);
  const firstValue = state.milestones.find((m) => m.key === state.firstValueMilestone);
  let met = 0;
  let missed = 0;
  let achieved = 0;
  let overdue = 0;
  for (const m of state.milestones) {
    if (m.achievedAt) {
      achieved++;
      if (Date.parse(m.achievedAt) <= Date.parse(m.targetDate)) met++;
      else missed++;
    } else if (Date.parse(m.targetDate) < now) {
      overdue++;
      missed++;
    }
  }
  const levels: [number, number, number] = [0, 0, 0];
  for (const e of state.escalations) levels[Math.min(Math.max(e.level, 1), 3) - 1]++;
  return {
    ttvDays: firstValue?.achievedAt ? (Date.parse(firstValue.achievedAt) - closedWon) / DAY_MS : null,
    ttvTargetDays: firstValue ? firstValue.targetDay : null,
    milestonesTotal: state.milestones.length,
    milestonesMet: met,
    milestonesMissed: missed,
    milestonesAchieved: achieved,
    milestonesOverdue: overdue,
    escalationsByLevel: levels,
    atRiskKinds: atRiskKindsOf(state),
    automationFailures: (state.sideEffectFailures ?? []).length,
    stageDurations: state.stageHistory.flatMap((v, seq) =>
      v.exitedAt ? [{ seq, stage: v.key, days: (Date.parse(v.exitedAt) - Date.parse(v.enteredAt)) / DAY_MS }] : [],
    ),
  };
}

/** The kinds behind atRiskReasons (src/domain/onboarding.ts), one entry per kind. */
export function atRiskKindsOf(state: FactsSource): AtRiskKind[] {
  const kinds = new Set<AtRiskKind>();
  if (state.stalledSince) kinds.add('stalled');
  for (const risk of state.risks) {
    if (risk.status === 'open' && risk.blocker) kinds.add(`open-blocker:${risk.category}`);
  }
  if ((state.hypercare?.breaches ?? []).some((b) => !b.clearedAt)) kinds.add('hypercare-breach');
  if (state.escalations.some((e) => !e.closedAt && !e.acknowledgedAt)) kinds.add('unacknowledged-escalation');
  if ((state.sideEffectFailures ?? []).length > 0) kinds.add('automation-failure');
  return [...kinds];
}
