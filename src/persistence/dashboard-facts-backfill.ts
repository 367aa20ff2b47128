import type { DataSource, EntityManager } from 'typeorm';
import { dashboardFactsOf, type FactsSource } from '../domain/dashboard-facts';
import { isSideEffectRefusalReason, type OnboardingStatus } from '../domain/onboarding';
import { rebuildDashboardRollups, writeDashboardFacts } from './dashboard-facts-store';

export interface BackfillOutcome {
  /** Onboardings given facts. */
  written: number;
  /** Onboardings left to their next projection: their playbook version is not stored. */
  withoutPlaybook: string[];
}

const BATCH = 500;

/**
 * Brings the dashboard's derived data up to date after the migrations, at every start (it costs
 * two index probes when there is nothing to do): the facts of onboardings that have none, then
 * both counter tables rebuilt if facts were written or the daily counters were never built (the
 * release that added them). Here and not in a migration: a migration must do the same forever,
 * and this runs the projection's current derivation, which the schema of its own release fits.
 */
export async function reconcileDashboardFacts(dataSource: DataSource): Promise<BackfillOutcome & { rebuilt: boolean }> {
  const outcome = await backfillDashboardFacts(dataSource);
  const [{ unbuilt }]: Array<{ unbuilt: boolean }> = await dataSource.query(
    `SELECT EXISTS (SELECT 1 FROM onboarding_facts) AND NOT EXISTS (SELECT 1 FROM dashboard_day_rollups) AS unbuilt`,
  );
  const rebuilt = outcome.written > 0 || unbuilt;
  if (rebuilt) await dataSource.transaction((tx) => rebuildDashboardRollups(tx));
  return { ...outcome, rebuilt };
}

/**
 * Facts for the onboardings projected before the fact tables existed (migration 1764280000000):
 * their read-model row holds every field the facts are derived from (milestones, stage history,
 * escalations, risks, hypercare, stall, the at-risk reasons that tell the refused side effects)
 * but the first-value milestone, which their playbook version in `playbooks` names. Derived with
 * the projection's own dashboardFactsOf, as of the row's projection, and written with its own
 * writer, so the facts are what that projection would have written. Idempotent: only rows
 * without facts are read, locked as the projection locks them, so a projection running at the
 * same time writes after this and wins. One transaction per batch, so the locks are short.
 */
export async function backfillDashboardFacts(dataSource: DataSource): Promise<BackfillOutcome> {
  const outcome: BackfillOutcome = { written: 0, withoutPlaybook: [] };
  let after = '';
  for (;;) {
    const last = await dataSource.transaction((tx) => backfillBatch(tx, after, outcome));
    if (last === undefined) return outcome;
    after = last;
  }
}

/** One batch after the id `after`; the last id read, or undefined when none was left. */
async function backfillBatch(tx: EntityManager, after: string, outcome: BackfillOutcome): Promise<string | undefined> {
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
  if (rows.length === 0) return undefined;
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
      sideEffectFailures: r.at_risk_reasons.filter(isSideEffectRefusalReason),
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
  return rows[rows.length - 1].id;
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
