import {
  type Client,
  ScheduleAlreadyRunning,
  type ScheduleHandle,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type ScheduleUpdateOptions,
} from '@temporalio/client';
import type { ReportSettings } from '../config/settings';
import {
  SUMMARY_REPORT_WORKFLOW,
  summaryScheduleId,
  type SummaryReportInput,
} from '../contracts/summary-report.contract';
import type { ReportKind } from '../domain/report-period';

export interface SummaryScheduleOptions {
  taskQueue: string;
  reports: ReportSettings;
  /** Schedule ids are `<prefix>-weekly` and `<prefix>-monthly`; tests use one of their own. */
  idPrefix?: string;
}

/**
 * Creates the report schedules that are configured, or updates them to the configuration
 * (`npm start` and each API process call it; concurrent calls end with the same schedule). An
 * update keeps the schedule's state, so a schedule paused in the Temporal UI stays paused. A
 * kind that is no longer configured is left as it is (delete it in the UI or CLI).
 *
 * Missed runs: while the worker is down, the schedule still starts each run and the run waits
 * on the task queue; while Temporal itself is down, runs missed within the catch-up window are
 * taken when it is back. Runs are buffered one after another (BUFFER_ALL), none is skipped.
 */
export async function ensureSummarySchedules(client: Client, opts: SummaryScheduleOptions): Promise<ScheduleHandle[]> {
  const crons: Array<[ReportKind, string | undefined]> = [
    ['weekly', opts.reports.weeklyCron],
    ['monthly', opts.reports.monthlyCron],
  ];
  const handles: ScheduleHandle[] = [];
  for (const [kind, cron] of crons) {
    if (cron) handles.push(await ensureSchedule(client, kind, cron, opts));
  }
  return handles;
}

async function ensureSchedule(
  client: Client,
  kind: ReportKind,
  cron: string,
  opts: SummaryScheduleOptions,
): Promise<ScheduleHandle> {
  const scheduleId = summaryScheduleId(kind, opts.idPrefix);
  const definition = scheduleDefinition(kind, cron, scheduleId, opts);
  try {
    return await client.schedule.create({ scheduleId, ...definition, state: { note: `${kind} summary report` } });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(scheduleId);
  try {
    await handle.update((previous) => ({ ...definition, state: previous.state }));
  } catch (err) {
    // Deleted between the two calls: the next start creates it.
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  return handle;
}

function scheduleDefinition(
  kind: ReportKind,
  cron: string,
  scheduleId: string,
  opts: SummaryScheduleOptions,
): Omit<ScheduleUpdateOptions, 'state'> {
  const input: SummaryReportInput = { kind, timeZone: opts.reports.timeZone, recipients: opts.reports.recipients };
  return {
    spec: { cronExpressions: [cron], timezone: opts.reports.timeZone },
    action: {
      type: 'startWorkflow',
      workflowType: SUMMARY_REPORT_WORKFLOW,
      // Temporal appends the nominal time: one workflow id per period.
      workflowId: scheduleId,
      taskQueue: opts.taskQueue,
      args: [input],
    },
    policies: {
      overlap: ScheduleOverlapPolicy.BUFFER_ALL,
      catchupWindow: `${opts.reports.catchupDays} days`,
      pauseOnFailure: false,
    },
  };
}
