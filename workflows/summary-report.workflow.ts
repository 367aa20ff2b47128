import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import {
  SCHEDULED_START_TIME,
  type SummaryReportActivities,
  type SummaryReportInput,
  type SummaryReportOutcome,
} from '../src/contracts/summary-report.contract';

/**
 * One summary report: compile and keep it, then mail it. The period comes from the schedule's
 * nominal time (not the time the run started), so a run caught up after an outage, or a backfill,
 * reports on the period it was meant for; the report's id is that period, so a second run for
 * it finds the stored report and the mail already sent.
 */
export async function summaryReportWorkflow(input: SummaryReportInput): Promise<SummaryReportOutcome> {
  const { compileSummaryReport, mailSummaryReport } = proxyActivities<SummaryReportActivities>({
    // A week's SQL and a few charts; SMTP is bounded by the mailer's own timeouts.
    startToCloseTimeout: '2 minutes',
    // About a day of attempts: an outage that long fails this run rather than holding up the
    // next period's (the schedule buffers runs one after another).
    retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', maximumAttempts: 150 },
  });
  const periodEnd =
    input.periodEnd ??
    workflowInfo().typedSearchAttributes.get(SCHEDULED_START_TIME)?.toISOString() ??
    workflowInfo().startTime.toISOString();
  const { reportId } = await compileSummaryReport({ kind: input.kind, timeZone: input.timeZone, periodEnd });
  const { mailed } = await mailSummaryReport({ reportId, recipients: input.recipients });
  return { reportId, mailed };
}
