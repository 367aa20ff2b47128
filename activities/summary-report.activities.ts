import type { Transporter } from 'nodemailer';
import type { DataSource } from 'typeorm';
import type { SummaryReportActivities } from '../src/contracts/summary-report.contract';
import { reportId, reportPeriod } from '../src/domain/report-period';
import { ReportStore } from '../src/persistence/report-store';
import { compileSummary, type ReportSectionSource } from '../src/reports/compile-summary';
import { chartPng, chartsOf } from '../src/reports/summary-charts';
import { summaryHtml, summarySubject, summaryText } from '../src/reports/summary-rendering';
import { messageIdFor } from './notification.activities';
import { failingPermanently } from './permanent-failures';

export interface SummaryReportDeps {
  dataSource: DataSource;
  mailer: Transporter;
  from: string;
  /** Sections other modules add (the worker gives red flags and pilot progress: activities/index.ts). */
  sectionSources?: ReportSectionSource[];
  now?: () => Date;
}

/**
 * Compiles, keeps and mails summary reports. The report's id is its period (`weekly-2027-W05`):
 * the first compilation of a period is stored and later ones return it unchanged, and the mail
 * is sent under a row lock and recorded (`sent_at`), so a retried activity, a second run for the
 * period or a backfill never mails it twice. A crash between the SMTP answer and the commit
 * would send again on retry (at least once); the Message-ID is the same, so clients drop it.
 */
export function createSummaryReportActivities(deps: SummaryReportDeps): SummaryReportActivities {
  const store = new ReportStore(deps.dataSource);
  const now = deps.now ?? (() => new Date());
  return {
    // A row PostgreSQL refuses or a mail the server rejects (5xx) fails the run without retries,
    // so that it does not hold up the next period's run (the schedule buffers runs in order).
    compileSummaryReport: ({ kind, timeZone, periodEnd }) =>
      failingPermanently('report', async () => {
        const period = reportPeriod(kind, new Date(periodEnd), timeZone);
        const id = reportId(period);
        if (await store.exists(id)) return { reportId: id };
        const report = await compileSummary(deps.dataSource, period, {
          now: now(),
          sectionSources: deps.sectionSources,
        });
        await store.keep(id, report, { text: summaryText(report), html: summaryHtml(report, chartsOf(report)) });
        return { reportId: id };
      }),

    mailSummaryReport: ({ reportId: id, recipients }) =>
      failingPermanently('report', async () => {
        const mailed = await store.sendOnce(id, async (report) => {
          if (recipients.length === 0) return 0; // kept, not mailed: REPORT_RECIPIENTS is empty
          // Charts are rendered from the stored content, so they match the stored text and HTML.
          const charts = chartsOf(report.content);
          await deps.mailer.sendMail({
            from: deps.from,
            to: recipients,
            subject: summarySubject(report.content),
            text: report.text,
            html: report.html,
            attachments: charts.map((chart) => ({
              filename: `${chart.cid.split('@')[0]}.png`,
              content: chartPng(chart),
              contentType: 'image/png',
              cid: chart.cid,
            })),
            messageId: messageIdFor(`report:${id}`),
            headers: { 'X-Onboarding-Report': id },
          });
          return recipients.length;
        });
        return { mailed };
      }),
  };
}
