import type { DataSource, EntityManager } from 'typeorm';
import type { ReportKind } from '../domain/report-period';
import type { SummaryReport } from '../domain/summary-report';

/** A stored report as `GET /reports` lists it. */
export interface ReportSummary {
  id: string;
  kind: ReportKind;
  period: string;
  periodStart: string;
  periodEnd: string;
  timeZone: string;
  generatedAt: string;
  sentAt: string | null;
  recipientsCount: number;
}

/** One report with what was compiled and rendered. */
export interface StoredReport extends ReportSummary {
  content: SummaryReport;
  text: string;
  html: string;
}

interface ReportRow {
  id: string;
  kind: ReportKind;
  period: string;
  period_start: Date;
  period_end: Date;
  time_zone: string;
  generated_at: Date;
  sent_at: Date | null;
  recipients_count: number;
  content?: SummaryReport;
  text_body?: string;
  html_body?: string;
}

const SUMMARY_COLUMNS =
  'id, kind, period, period_start, period_end, time_zone, generated_at, sent_at, recipients_count';

/** The `reports` table: written by the report activities, read by the API. */
export class ReportStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores the report unless its period is stored already: the first compilation is the report. */
  async keep(id: string, report: SummaryReport, rendered: { text: string; html: string }): Promise<void> {
    const { period } = report;
    await this.dataSource.query(
      `INSERT INTO reports (id, kind, period, period_start, period_end, time_zone, generated_at, content, text_body, html_body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT DO NOTHING`,
      [
        id,
        period.kind,
        period.label,
        period.start,
        period.end,
        period.timeZone,
        report.generatedAt,
        JSON.stringify(report),
        rendered.text,
        rendered.html,
      ],
    );
  }

  async exists(id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM reports WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  /** Newest period first. */
  async list(page: { limit: number; offset: number }): Promise<{ reports: ReportSummary[]; total: number }> {
    const rows: ReportRow[] = await this.dataSource.query(
      `SELECT ${SUMMARY_COLUMNS} FROM reports ORDER BY period_end DESC, id LIMIT $1 OFFSET $2`,
      [page.limit, page.offset],
    );
    const [{ count }]: Array<{ count: string }> = await this.dataSource.query(`SELECT count(*) FROM reports`);
    return { reports: rows.map(summaryOf), total: Number(count) };
  }

  async get(id: string): Promise<StoredReport | undefined> {
    const [row]: ReportRow[] = await this.dataSource.query(
      `SELECT ${SUMMARY_COLUMNS}, content, text_body, html_body FROM reports WHERE id = $1`,
      [id],
    );
    return row && { ...summaryOf(row), content: row.content!, text: row.text_body!, html: row.html_body! };
  }

  /**
   * Runs `send` with the report unless it was sent, and records the sending (with the number of
   * recipients) when `send` reports it sent. The row stays locked until the commit, so two
   * concurrent runs for one period cannot both send; a failed send rolls back and throws.
   */
  async sendOnce(id: string, send: (report: StoredReport) => Promise<number>): Promise<boolean> {
    return this.dataSource.transaction(async (tx: EntityManager) => {
      const [row]: ReportRow[] = await tx.query(
        `SELECT ${SUMMARY_COLUMNS}, content, text_body, html_body FROM reports WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!row) throw new Error(`report ${id} is not stored`);
      if (row.sent_at !== null) return false;
      const recipients = await send({
        ...summaryOf(row),
        content: row.content!,
        text: row.text_body!,
        html: row.html_body!,
      });
      if (recipients === 0) return false;
      await tx.query(`UPDATE reports SET sent_at = now(), recipients_count = $2 WHERE id = $1`, [id, recipients]);
      return true;
    });
  }
}

function summaryOf(row: ReportRow): ReportSummary {
  return {
    id: row.id,
    kind: row.kind,
    period: row.period,
    periodStart: row.period_start.toISOString(),
    periodEnd: row.period_end.toISOString(),
    timeZone: row.time_zone,
    generatedAt: row.generated_at.toISOString(),
    sentAt: row.sent_at ? row.sent_at.toISOString() : null,
    recipientsCount: row.recipients_count,
  };
}
