import type { DataSource } from 'typeorm';
import type { CohortComparison } from '../dashboards/leadership-dashboard';
import { CRITERION_STATUS_WORDS } from '../domain/cohort-comparison';
import type { RedFlagThresholds } from '../domain/red-flags';
import type { ReportSection, ReportSectionGroup } from '../domain/summary-report';
import type { ReportSectionSource } from './compile-summary';
import { days, percent } from './figures-text';
import { reportDashboard } from './report-dashboard';

/** Cohorts listed in one report: a mail is read, not searched; the rest are on the dashboard. */
export const PILOT_COHORTS_LIMIT = 10;

export interface CohortInFlight {
  cohort: string;
  onboardings: number;
  inFlight: number;
}

/**
 * Cohorts with an onboarding not completed yet, the most recently started first (a new pilot
 * before an old one's stragglers), and how many there are in all. Through the facts' partial
 * index on cohort.
 */
export async function cohortsInFlight(
  dataSource: DataSource,
  limit = PILOT_COHORTS_LIMIT,
): Promise<{ cohorts: CohortInFlight[]; total: number }> {
  const rows: Array<{ cohort: string; onboardings: string; in_flight: string; total: string }> = await dataSource.query(
    `SELECT cohort, count(*) AS onboardings, count(*) FILTER (WHERE status <> 'completed') AS in_flight,
              count(*) OVER () AS total
         FROM onboarding_facts
        WHERE cohort IS NOT NULL
        GROUP BY cohort
       HAVING count(*) FILTER (WHERE status <> 'completed') > 0
        ORDER BY max(closed_won_at) DESC, cohort
        LIMIT $1`,
    [limit],
  );
  return {
    cohorts: rows.map((r) => ({ cohort: r.cohort, onboardings: Number(r.onboardings), inFlight: Number(r.in_flight) })),
    total: Number(rows[0]?.total ?? 0),
  };
}

/**
 * Pilot progress: each cohort in flight beside the baseline, as the dashboard's cohort
 * comparison gives it (the same figures), as of the compilation: counts, median TTV and
 * completion within target against each tier's baseline, stall rate, the small-sample note and
 * the pilot's success criteria.
 */
export function pilotProgressSection(opts: { thresholds: RedFlagThresholds; limit?: number }): ReportSectionSource {
  return async (dataSource, _period, now) => {
    const dashboard = reportDashboard(dataSource, opts.thresholds);
    const { cohorts, total } = await cohortsInFlight(dataSource, opts.limit);
    const groups: ReportSectionGroup[] = [];
    // One after the other: each comparison already runs its queries at once on the pool.
    for (const c of cohorts) groups.push(cohortGroup(c, await dashboard.comparison(c.cohort, 'baseline', now)));
    return pilotProgressLines(groups, total, now);
  };
}

export function pilotProgressLines(groups: ReportSectionGroup[], total: number, now: Date): ReportSection {
  const section = { key: 'pilot-progress', title: 'Pilot progress' };
  if (total === 0) return { ...section, lines: ['No cohort has an onboarding in flight.'] };
  const cut =
    total > groups.length
      ? [
          `${total} cohorts are in flight; the ${groups.length} most recently started are listed, the others are on the dashboard's cohort comparison.`,
        ]
      : [];
  return {
    ...section,
    lines: [`${total} cohort(s) in flight, each against the latest baseline, as of ${now.toISOString()}.`, ...cut],
    groups,
  };
}

export function cohortGroup(c: CohortInFlight, comparison: CohortComparison): ReportSectionGroup {
  const { cohort: side, against, checklist } = comparison;
  const baselines = against.kind === 'baseline' ? against.byTier : [];
  const baselineOf = (tier: string) => baselines.find((b) => b.tier === tier);
  const ttv = side.byTier.map((t) => {
    const b = baselineOf(t.tier);
    return `${t.tier} ${days(t.ttvMedianDays)} (${t.ttvOnboardings} reached value) vs baseline ${b ? days(b.medianTtvDays) : 'not entered'}`;
  });
  const completionBaselines = side.byTier.map((t) => {
    const b = baselineOf(t.tier);
    return `${t.tier} ${b ? percent(b.completionWithinTargetRate) : 'not entered'}`;
  });
  const cw = side.completionWithinTarget;
  return {
    heading: `${c.cohort}: ${c.onboardings} onboarding(s), ${c.inFlight} in flight, ${c.onboardings - c.inFlight} completed`,
    lines: [
      ...(side.sample.note ? [`Small sample: ${side.sample.note}`] : []),
      `Median TTV: ${ttv.join('; ') || 'no onboarding yet'}`,
      `Completion within target: ${percent(cw.share)} (${cw.withinTarget} of ${cw.decided} decided) vs baseline ${completionBaselines.join('; ') || 'not entered'}`,
      `Stalled: ${side.stalled.stalled} of ${side.stalled.active} active (${percent(side.stalled.share)})`,
      ...checklist.map((item) => `${CRITERION_STATUS_WORDS[item.status]}: ${item.criterion} (${item.why})`),
    ],
  };
}
