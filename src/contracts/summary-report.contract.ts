import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { ReportKind } from '../domain/report-period';

/**
 * The summary report: a Temporal Schedule per kind starts `summaryReportWorkflow`, which
 * compiles the period from the read model, keeps the report, and mails it once. Declared here
 * so the workflow, the activities, the schedule and the API share it.
 */
export const SUMMARY_REPORT_WORKFLOW = 'summaryReportWorkflow';

/** `summary-report-weekly`: one schedule per kind, visible and pausable in the Temporal UI. */
export function summaryScheduleId(kind: ReportKind, prefix = 'summary-report'): string {
  return `${prefix}-${kind}`;
}

/** Set by the scheduler on every workflow it starts: the nominal time, also for a catch-up or backfill. */
export const SCHEDULED_START_TIME = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);

export interface SummaryReportInput {
  kind: ReportKind;
  /** The IANA zone the schedule's cron runs in; days and labels are counted in it. */
  timeZone: string;
  /** Where the report is mailed; empty: kept, not mailed. */
  recipients: string[];
  /** The end of the period (ISO); absent when a schedule started the run (its nominal time is used). */
  periodEnd?: string;
}

export interface SummaryReportOutcome {
  reportId: string;
  /** False when it had been mailed before (or there is no one to mail it to). */
  mailed: boolean;
}

export interface SummaryReportActivities {
  /** Compiles and stores the period's report; a period already stored is returned as it is (the first compilation wins). */
  compileSummaryReport(request: {
    kind: ReportKind;
    timeZone: string;
    periodEnd: string;
  }): Promise<{ reportId: string }>;
  /** Mails the stored report once (under a row lock on it); later calls send nothing. */
  mailSummaryReport(request: { reportId: string; recipients: string[] }): Promise<{ mailed: boolean }>;
}
