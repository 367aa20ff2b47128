import type { EntityManager } from 'typeorm';
import { dashboardFactsOf, type FactsSource } from '../domain/dashboard-facts';
import type { OnboardingStatus } from '../domain/onboarding';
import { writeDashboardFacts } from './dashboard-facts-store';

/**
 * One reason atRiskReasons (src/domain/onboarding.ts) gives per side effect refused for good:
 * `projection refused 2 time(s) since …`. The read-model row keeps the reasons, not the refusals,
 * and the facts count only how many there are.
 */
const REFUSAL_REASON = /^(projection|audit|message) refused \d+ time\(s\) since \S+ \(/;

export interface BackfillOutcome {
  /** Onboardings given facts. */
  written: number;
  /** Onboardings left to their next projection: their playbook version is not stored. */
  withoutPlaybook: string[];
}

const BATCH = 500;

/**
 * Facts for the onboardings projected before the fact tables existed (migration 1764280000000):
 * their read-model row holds every field the facts are derived from (milestones, stage history,
 * escalations, risks, hypercare, stall, the at-risk reasons that tell the refused side effects)
 * but the first-value milestone, which their playbook version in `playbooks` names. Derived with
 * the projection's own dashboardFactsOf, as of the row's projection, and written with its own
 * writer, so the facts are what that projection would have written. Idempotent: only rows
 * without facts are read, locked as the projection locks them, so a projection running at the
 * same time writes after this and wins.
 *
 * The monthly and daily counters follow by deltas; the migration rebuilds them afterwards anyway.
 */
export async function backfillDashboardFacts(tx: EntityManager): Promise<BackfillOutcome> {
  const outcome: BackfillOutcome = { written: 0, withoutPlaybook: [] };
  let after = '';
  for (;;) {
    const rows: BackfillRow[] = await tx.query(
      `SELECT o.id, o.tier, o.segment, o.cohort, o.csm_id, o.closed_won_at, o.status, o.playbook_version,
              o.milestones, o.stage_history, o.escalations, o.risks, o.hypercare, o.stalled_since,
              o.at_risk_reasons, o.projected_at, p.definition->>'firstValueMilestone' AS first_value_milestone
         FROM onboardings o LEFT JOIN playbooks p ON p.tier = o.tier AND p.version = o.playbook_version
        WHERE o.id > $1 AND NOT EXISTS (SELECT 1 FROM onboarding_facts f WHERE f.onboarding_id = o.id)
        ORDER BY o.id LIMIT ${BATCH}
          FOR UPDATE OF o`,
      [after],
    );
    if (rows.length === 0) return outcome;
    for (const r of rows) {
      if (r.first_value_milestone === null) {
        outcome.withoutPlaybook.push(r.id);
        continue;
      }
      const closedWonAt = r.closed_won_at.toISOString();
      const source: FactsSource = {
        closedWonAt,
        milestones: r.milestones,
        firstValueMilestone: r.first_value_milestone,
        escalations: r.escalations,
        stageHistory: r.stage_history,
        stalledSince: r.stalled_since?.toISOString(),
        risks: r.risks,
        hypercare: r.hypercare ?? undefined,
        sideEffectFailures: r.at_risk_reasons.filter((reason) => REFUSAL_REASON.test(reason)),
      };
      await writeDashboardFacts(
        tx,
        {
          onboardingId: r.id,
          tier: r.tier,
          segment: r.segment,
          cohort: r.cohort,
          csmId: r.csm_id,
          closedWonAt,
          status: r.status,
          stalled: r.stalled_since !== null,
          playbookVersion: r.playbook_version,
          asOf: r.projected_at,
        },
        dashboardFactsOf(source, r.projected_at),
      );
      outcome.written++;
    }
    after = rows[rows.length - 1].id;
  }
}

interface BackfillRow {
  id: string;
  tier: string;
  segment: string;
  cohort: string | null;
  csm_id: string | null;
  closed_won_at: Date;
  status: OnboardingStatus;
  playbook_version: number;
  milestones: FactsSource['milestones'];
  stage_history: FactsSource['stageHistory'];
  escalations: FactsSource['escalations'];
  risks: FactsSource['risks'];
  hypercare: NonNullable<FactsSource['hypercare']> | null;
  stalled_since: Date | null;
  at_risk_reasons: string[];
  projected_at: Date;
  first_value_milestone: string | null;
}
