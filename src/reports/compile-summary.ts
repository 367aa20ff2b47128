import type { DataSource } from 'typeorm';
import { localDate, type ReportPeriod } from '../domain/report-period';
import {
  daysOverdue,
  expectedImpact,
  type BlockerLine,
  type EscalationLine,
  type ReportSection,
  type StallLine,
  type SummaryReport,
} from '../domain/summary-report';

/**
 * A module that adds a section to every report (red flags, pilot progress): it reads the read
 * model itself and returns its lines. `now` is the compilation's, what "as it stands" means.
 */
export type ReportSectionSource = (dataSource: DataSource, period: ReportPeriod, now: Date) => Promise<ReportSection>;

/** Bounds each list in a report: a mail is read, not searched; the counts stay exact. */
export const REPORT_LIST_LIMIT = 200;

/**
 * Compiles the period's report with SQL over the `onboardings` read model (never by asking
 * workflows): counts of the period, and the blockers, stalls and escalations as they stand.
 */
export async function compileSummary(
  dataSource: DataSource,
  period: ReportPeriod,
  opts: { now: Date; sectionSources?: ReportSectionSource[] },
): Promise<SummaryReport> {
  const range = [period.start, period.end];
  const [counts]: Array<Record<keyof SummaryReport['counts'], string>> = await dataSource.query(
    `SELECT
       count(*) FILTER (WHERE closed_won_at >= $1 AND closed_won_at < $2) AS started,
       count(*) FILTER (WHERE completed_at >= $1 AND completed_at < $2) AS completed,
       count(*) FILTER (WHERE status <> 'completed') AS active,
       count(*) FILTER (WHERE status <> 'completed' AND at_risk) AS "atRisk",
       count(*) FILTER (WHERE status <> 'completed' AND stalled_since IS NOT NULL) AS stalled
     FROM onboardings`,
    range,
  );
  const dayRows: Array<{ day: string; started: string; completed: string }> = await dataSource.query(
    `SELECT day, sum(started) AS started, sum(completed) AS completed FROM (
       SELECT to_char(closed_won_at AT TIME ZONE $3, 'YYYY-MM-DD') AS day, 1 AS started, 0 AS completed
         FROM onboardings WHERE closed_won_at >= $1 AND closed_won_at < $2
       UNION ALL
       SELECT to_char(completed_at AT TIME ZONE $3, 'YYYY-MM-DD'), 0, 1
         FROM onboardings WHERE completed_at >= $1 AND completed_at < $2
     ) d GROUP BY day`,
    [...range, period.timeZone],
  );
  const sectionSources = opts.sectionSources ?? [];
  return {
    period,
    generatedAt: opts.now.toISOString(),
    counts: {
      started: Number(counts.started),
      completed: Number(counts.completed),
      active: Number(counts.active),
      atRisk: Number(counts.atRisk),
      stalled: Number(counts.stalled),
    },
    daily: dailySeries(period, dayRows),
    blockers: await openBlockers(dataSource, opts.now),
    escalations: await escalationsRaised(dataSource, period),
    stalls: await stalls(dataSource),
    sections: await Promise.all(sectionSources.map((source) => source(dataSource, period, opts.now))),
  };
}

const REF_COLUMNS = `o.id AS "onboardingId", o.account_name AS "accountName", o.tier, o.stage, o.csm_id AS "csmId"`;

async function openBlockers(dataSource: DataSource, now: Date): Promise<BlockerLine[]> {
  const rows: Array<Omit<BlockerLine, 'daysOverdue' | 'expectedImpact'>> = await dataSource.query(
    `SELECT ${REF_COLUMNS}, r->>'id' AS "riskId", r->>'category' AS category, r->>'description' AS description,
            r->>'owner' AS owner, r->>'decisionDueDate' AS "decisionDueDate", r->>'fallback' AS fallback,
            r->>'recordedAt' AS "recordedAt"
       FROM onboardings o CROSS JOIN LATERAL jsonb_array_elements(o.risks) r
      WHERE o.status <> 'completed' AND r->>'status' = 'open' AND (r->>'blocker')::boolean
      ORDER BY r->>'decisionDueDate', o.id, r->>'id'
      LIMIT ${REPORT_LIST_LIMIT}`,
  );
  return rows.map((row) => ({
    ...row,
    daysOverdue: daysOverdue(row.decisionDueDate, now),
    expectedImpact: expectedImpact(row, now),
  }));
}

async function escalationsRaised(dataSource: DataSource, period: ReportPeriod): Promise<EscalationLine[]> {
  const rows: Array<EscalationLine & { level: string }> = await dataSource.query(
    `SELECT ${REF_COLUMNS}, e->>'id' AS "escalationId",
            (e->'subject'->>'kind') || ' ' || (e->'subject'->>'key') AS subject,
            e->>'level' AS level, e->>'notify' AS notify, e->>'raisedAt' AS "raisedAt",
            e ? 'acknowledgedAt' AS acknowledged, e ? 'closedAt' AS closed
       FROM onboardings o CROSS JOIN LATERAL jsonb_array_elements(o.escalations) e
      WHERE (e->>'raisedAt')::timestamptz >= $1 AND (e->>'raisedAt')::timestamptz < $2
      ORDER BY e->>'raisedAt', o.id
      LIMIT ${REPORT_LIST_LIMIT}`,
    [period.start, period.end],
  );
  return rows.map((row) => ({ ...row, level: Number(row.level) }));
}

async function stalls(dataSource: DataSource): Promise<StallLine[]> {
  const rows: Array<
    Omit<StallLine, 'stalledSince' | 'waitingSince'> & { stalledSince: Date; waitingSince: Date | null }
  > = await dataSource.query(
    `SELECT ${REF_COLUMNS}, o.stalled_since AS "stalledSince", o.waiting_on AS "waitingOn",
              o.waiting_since AS "waitingSince"
         FROM onboardings o
        WHERE o.status <> 'completed' AND o.stalled_since IS NOT NULL
        ORDER BY o.stalled_since, o.id
        LIMIT ${REPORT_LIST_LIMIT}`,
  );
  return rows.map((row) => ({
    ...row,
    stalledSince: row.stalledSince.toISOString(),
    waitingSince: row.waitingSince ? row.waitingSince.toISOString() : null,
  }));
}

/**
 * Every local day the period touches, days without a start or completion included (a chart
 * without gaps). A run at 07:00 covers part of its first and last day, so a week has 8 entries.
 */
function dailySeries(
  period: ReportPeriod,
  rows: Array<{ day: string; started: string; completed: string }>,
): SummaryReport['daily'] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const end = Date.parse(period.end);
  const instants: number[] = [];
  for (let t = Date.parse(period.start); t < end; t += 86_400_000) instants.push(t);
  instants.push(end - 1);
  const dates = instants.map((t) => {
    const { year, month, day } = localDate(new Date(t), period.timeZone);
    return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  });
  // A daylight-saving change can make two steps land on one day.
  return [...new Set(dates)].map((date) => {
    const row = byDay.get(date);
    return { date, started: Number(row?.started ?? 0), completed: Number(row?.completed ?? 0) };
  });
}
