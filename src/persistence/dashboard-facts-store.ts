import type { EntityManager } from 'typeorm';
import type { DashboardFacts } from '../domain/dashboard-facts';
import type { OnboardingState } from '../domain/onboarding';

/** The columns an aggregate filters by, copied onto every facts row so one table answers it. */
export interface FactFilters {
  onboardingId: string;
  tier: string;
  segment: string;
  cohort: string | null;
  csmId: string | null;
  closedWonAt: string;
}

export function factFiltersOf(state: Omit<OnboardingState, 'outbox'>): FactFilters {
  return {
    onboardingId: state.onboardingId,
    tier: state.tier,
    segment: state.segment,
    cohort: state.cohort ?? null,
    csmId: state.csm?.id ?? null,
    closedWonAt: state.closedWonAt,
  };
}

/**
 * Replaces one onboarding's dashboard facts (src/domain/dashboard-facts.ts): its row in
 * `onboarding_facts` and its rows in `stage_durations`. Called in the projection's transaction,
 * only when the onboarding's row moved forward, so the facts follow the same (startedAt,
 * revision) order as the row. Also used by the dashboard benchmark to seed.
 */
export async function writeDashboardFacts(
  tx: EntityManager,
  f: FactFilters & { status: string; stalled: boolean; playbookVersion: number; asOf: Date },
  facts: DashboardFacts,
): Promise<void> {
  await tx.query(
    `INSERT INTO onboarding_facts AS o (onboarding_id, tier, segment, cohort, csm_id, closed_won_at, status, stalled,
        at_risk, at_risk_kinds, ttv_days, ttv_target_days, milestones_total, milestones_met, milestones_missed,
        milestones_achieved, milestones_overdue, escalations_l1, escalations_l2, escalations_l3, automation_failures,
        playbook_version, facts_as_of)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
     ON CONFLICT (onboarding_id) DO UPDATE SET tier = EXCLUDED.tier, segment = EXCLUDED.segment,
        cohort = EXCLUDED.cohort, csm_id = EXCLUDED.csm_id, closed_won_at = EXCLUDED.closed_won_at,
        status = EXCLUDED.status, stalled = EXCLUDED.stalled, at_risk = EXCLUDED.at_risk,
        at_risk_kinds = EXCLUDED.at_risk_kinds, ttv_days = EXCLUDED.ttv_days, ttv_target_days = EXCLUDED.ttv_target_days,
        milestones_total = EXCLUDED.milestones_total, milestones_met = EXCLUDED.milestones_met,
        milestones_missed = EXCLUDED.milestones_missed, milestones_achieved = EXCLUDED.milestones_achieved,
        milestones_overdue = EXCLUDED.milestones_overdue, escalations_l1 = EXCLUDED.escalations_l1,
        escalations_l2 = EXCLUDED.escalations_l2, escalations_l3 = EXCLUDED.escalations_l3,
        automation_failures = EXCLUDED.automation_failures, playbook_version = EXCLUDED.playbook_version,
        facts_as_of = EXCLUDED.facts_as_of`,
    [
      f.onboardingId,
      f.tier,
      f.segment,
      f.cohort,
      f.csmId,
      f.closedWonAt,
      f.status,
      f.stalled,
      facts.atRiskKinds.length > 0,
      facts.atRiskKinds,
      facts.ttvDays,
      facts.ttvTargetDays,
      facts.milestonesTotal,
      facts.milestonesMet,
      facts.milestonesMissed,
      facts.milestonesAchieved,
      facts.milestonesOverdue,
      ...facts.escalationsByLevel,
      facts.automationFailures,
      f.playbookVersion,
      f.asOf,
    ],
  );
  await tx.query(`DELETE FROM stage_durations WHERE onboarding_id = $1`, [f.onboardingId]);
  if (facts.stageDurations.length === 0) return;
  const rows = facts.stageDurations.map((_, i) => {
    const b = i * 3;
    return `($1, $${b + 7}, $${b + 8}, $${b + 9}, $2, $3, $4, $5, $6)`;
  });
  await tx.query(
    `INSERT INTO stage_durations (onboarding_id, seq, stage, days, tier, segment, cohort, csm_id, closed_won_at)
     VALUES ${rows.join(', ')}`,
    [
      f.onboardingId,
      f.tier,
      f.segment,
      f.cohort,
      f.csmId,
      f.closedWonAt,
      ...facts.stageDurations.flatMap((s) => [s.seq, s.stage, s.days]),
    ],
  );
}
