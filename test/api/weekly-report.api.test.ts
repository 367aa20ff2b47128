/**
 * The weekly summary (issue 10 item 6) end to end: a real Temporal Schedule starts the report
 * workflow for past weeks (a backfill: the catch-up of weeks nobody ran), the worker compiles
 * them from the read model and mails them to a real SMTP server with an inline PNG chart, the
 * red flags and the pilot's progress; the same weeks again send nothing; a week started while no
 * worker polls is sent when one comes. On a database of its own, so that the program's red
 * flags and cohorts are this file's.
 */
import type { ScheduleHandle } from '@temporalio/client';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { loadSettings } from '../../src/config/settings';
import { SUMMARY_REPORT_WORKFLOW, type SummaryReportOutcome } from '../../src/contracts/summary-report.contract';
import { ensureSummarySchedules } from '../../src/infra/summary-report-schedule';
import { writeDashboardFacts } from '../../src/persistence/dashboard-facts-store';
import { createOnboardingWorker } from '../../worker/create-worker';
import { closedWonBody } from '../fixtures/onboarding-input';
import { type ApiHarness, eventually, startApiHarness } from '../support/api-harness';
import { createOwnDatabase, type OwnDatabase } from '../support/own-database';
import type { ReceivedMail } from '../support/smtp-inbox';
import { testPayloadCodec, workflowBundle } from '../support/test-env';
import { startTestWorker } from '../support/test-worker';

jest.setTimeout(90_000);

let h: ApiHarness;
let database: OwnDatabase;
const run = Math.random().toString(36).slice(2, 8);
const accountId = `weekly-${run}`;
const owner = `impl:lee-${run}`;
const cohort = `pilot-${run}`;
const RECIPIENTS = ['vp-cs@vendor.example', 'cs-lead@vendor.example'];
const reports = (cron = '0 7 * * 1') => ({
  weeklyCron: cron,
  timeZone: 'UTC',
  recipients: RECIPIENTS,
  catchupDays: 7,
});
const schedules: ScheduleHandle[] = [];

/** Mondays 2 Nov, 9 Nov and 16 Nov 2026, 07:00 UTC: the weeks 44, 45 and 46. */
const MISSED_WEEKS = { start: new Date('2026-11-02T06:00:00Z'), end: new Date('2026-11-16T08:00:00Z') };

const reportMails = () => h.inbox.messages.filter((m) => m.mail.headers.get('x-onboarding-report'));
const reportIdOf = (m: ReceivedMail) => m.mail.headers.get('x-onboarding-report') as string;

async function reportMailsAtLeast(count: number): Promise<ReceivedMail[]> {
  return eventually(async () => (reportMails().length >= count ? reportMails() : undefined), 60_000);
}

/** Waits for every run the schedule has started so far, and returns their outcomes. */
async function outcomesOf(handle: ScheduleHandle, runs: number): Promise<SummaryReportOutcome[]> {
  const actions = await eventually(async () => {
    const { info } = await handle.describe();
    return info.recentActions.length >= runs ? info.recentActions : undefined;
  }, 30_000);
  // A period's runs share its workflow id: each is read by its own run id.
  return Promise.all(
    actions.map(
      (a) =>
        h.client.workflow
          .getHandle(a.action.workflow.workflowId, a.action.workflow.firstExecutionRunId, { followRuns: false })
          .result() as Promise<SummaryReportOutcome>,
    ),
  );
}

beforeAll(async () => {
  database = await createOwnDatabase('weekly_report');
  h = await startApiHarness({ databaseUrl: database.url });
  const path = `/onboardings/onboarding-${accountId}`;
  await h.api
    .post('/onboardings')
    .send({ ...closedWonBody(accountId), cohort })
    .expect(201);
  await h.api
    .post(`${path}/risks`)
    .send({
      actor: 'csm:ana',
      category: 'data',
      description: 'Ledger API access not granted',
      blocker: true,
      owner,
      decisionDueDate: '2026-11-20',
      fallback: 'Go live on CSV import',
    })
    .expect(200);
  // The report reads the read model, which the workflow projects a moment later.
  await eventually(async () => {
    const [row] = await h.dataSource.query(`SELECT risks FROM onboardings WHERE account_id = $1`, [accountId]);
    return row?.risks?.length ? true : undefined;
  });
  // A second onboarding, stalled (as the projection writes its facts): 1 of 2 active, a red flag.
  await writeDashboardFacts(
    h.dataSource.manager,
    {
      onboardingId: `onboarding-stalled-${run}`,
      tier: 'tech-touch',
      segment: 'mid-market',
      cohort: null,
      csmId: null,
      closedWonAt: '2026-10-01T00:00:00Z',
      status: 'in-progress',
      stalled: true,
      playbookVersion: 1,
      asOf: new Date(),
    },
    {
      ttvDays: null,
      ttvTargetDays: 30,
      milestonesTotal: 4,
      milestonesMet: 0,
      milestonesMissed: 0,
      milestonesAchieved: 0,
      milestonesOverdue: 0,
      escalationsByLevel: [0, 0, 0],
      atRiskKinds: ['stalled'],
      automationFailures: 0,
      stageDurations: [],
    },
  );
});

afterAll(async () => {
  for (const handle of schedules) await handle.delete().catch(() => undefined);
  await h?.close();
  await database?.drop();
});

describe('the weekly summary', () => {
  it('catches up missed weeks through the schedule, each mailed with its chart and the blockers’ owners', async () => {
    const [weekly] = await ensureSummarySchedules(h.client, {
      taskQueue: h.taskQueue,
      idPrefix: `summary-${run}`,
      reports: reports(),
    });
    schedules.push(weekly);
    await weekly.backfill({ ...MISSED_WEEKS, overlap: ScheduleOverlapPolicy.BUFFER_ALL });

    const mails = await reportMailsAtLeast(3);
    expect(mails.map(reportIdOf).sort()).toEqual(['weekly-2026-W44', 'weekly-2026-W45', 'weekly-2026-W46']);
    for (const { mail, envelope } of mails) {
      expect(envelope.to.sort()).toEqual([...RECIPIENTS].sort());
      expect(mail.subject).toMatch(/^Weekly onboarding summary 2026-W4[456]: \d+ open blocker\(s\)$/);
      // The plain-text part names the blocker's decision owner, due date and expected impact.
      expect(mail.text).toContain(`Decision owner: ${owner}, due 2026-11-20`);
      expect(mail.text).toContain(`Holds Account ${accountId}`);
      expect(mail.text).toContain('otherwise: Go live on CSV import');
      // The red flags as they stand, each with its figure and threshold, in red in the HTML.
      const stalled = '50% of active onboardings are stalled (1 of 2), over the 15% maximum';
      expect(mail.text).toContain(`RED FLAGS (1 RAISED)\n! ${stalled}\n`);
      expect(mail.html).toContain(`<li style="color:#b00020;font-weight:bold">${stalled}</li>`);
      // The pilot cohort in flight, against the baseline, with its sample note and checklist.
      expect(mail.text).toContain(`PILOT PROGRESS\n- 1 cohort(s) in flight`);
      expect(mail.text).toContain(
        `- ${cohort}: 1 onboarding(s), 1 in flight, 0 completed\n` +
          '    Small sample: 1 onboarding(s): too few to conclude from (fewer than 5)\n',
      );
      expect(mail.text).toContain(
        '    Met: Every pilot onboarding entered its playbook (all 1 onboardings started their journey)\n',
      );
      expect(mail.html).toContain(`<h3>${cohort}: 1 onboarding(s), 1 in flight, 0 completed</h3>`);
      // The HTML shows the charts as inline PNG attachments.
      const pngs = mail.attachments.filter((a) => a.contentType === 'image/png');
      expect(pngs.map((a) => a.cid).sort()).toEqual([
        'blockers-by-owner@summary-report',
        'daily-onboardings@summary-report',
      ]);
      for (const png of pngs) expect(png.content.subarray(1, 4).toString()).toBe('PNG');
      // Inline (related) parts, which mailparser resolves from their cid: into the HTML.
      for (const png of pngs) expect(png.related).toBe(true);
      expect(mail.html).toMatch(
        /<img src="data:image\/png;base64,[^"]+" alt="Onboardings started and completed per day"/,
      );
      expect(mail.html).toContain(owner);
    }
    expect((await outcomesOf(weekly, 3)).map((o) => o.mailed)).toEqual([true, true, true]);
  });

  it('never mails a week twice: the same weeks again, and a run started by hand, send nothing', async () => {
    const [weekly] = schedules;
    await weekly.backfill({ ...MISSED_WEEKS, overlap: ScheduleOverlapPolicy.BUFFER_ALL });
    const again = await outcomesOf(weekly, 6);
    expect(again).toHaveLength(6);
    expect(again.filter((o) => o.mailed)).toHaveLength(3);

    const byHand = await h.client.workflow.execute(SUMMARY_REPORT_WORKFLOW, {
      taskQueue: h.taskQueue,
      workflowId: `summary-by-hand-${run}`,
      args: [{ kind: 'weekly', timeZone: 'UTC', recipients: RECIPIENTS, periodEnd: '2026-11-16T07:00:00Z' }],
    });
    expect(byHand).toEqual({ reportId: 'weekly-2026-W46', mailed: false });
    expect(reportMails()).toHaveLength(3);
  });

  it('a week whose run started while no worker polled is mailed when a worker comes', async () => {
    const idleQueue = `summary-idle-${run}`;
    const [weekly] = await ensureSummarySchedules(h.client, {
      taskQueue: idleQueue,
      idPrefix: `summary-idle-${run}`,
      reports: reports(),
    });
    schedules.push(weekly);
    // Monday 23 Nov 2026: week 47, while nothing polls the schedule's task queue.
    await weekly.backfill({
      start: new Date('2026-11-23T06:00:00Z'),
      end: new Date('2026-11-23T08:00:00Z'),
      overlap: ScheduleOverlapPolicy.BUFFER_ALL,
    });
    const [started] = await eventually(async () => {
      const { info } = await weekly.describe();
      return info.recentActions.length > 0 ? info.recentActions : undefined;
    });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(reportMails().map(reportIdOf)).not.toContain('weekly-2026-W47');

    const payloadCodec = testPayloadCodec();
    const worker = await startTestWorker(
      (connection) =>
        createOnboardingWorker({
          connection,
          namespace: 'default',
          taskQueue: idleQueue,
          dataSource: h.dataSource,
          maxCachedWorkflows: 10,
          workflowBundle: workflowBundle(),
          notifications: {
            ...loadSettings({}),
            smtpUrl: h.inbox.url,
            mailFrom: 'Onboarding <onboarding@vendor.example>',
          },
          migrationPlatformUrl: h.sandbox.url,
          payloadCodec,
        }),
      { payloadCodec },
    );
    try {
      const outcome = await h.client.workflow.getHandle(started.action.workflow.workflowId).result();
      expect(outcome).toEqual({ reportId: 'weekly-2026-W47', mailed: true });
      expect(reportMails().map(reportIdOf)).toContain('weekly-2026-W47');
    } finally {
      await worker.close();
    }
  });

  it('updates the schedule to a changed cron and keeps it paused', async () => {
    const [weekly] = schedules;
    await weekly.pause('paused in the UI');
    await ensureSummarySchedules(h.client, {
      taskQueue: h.taskQueue,
      idPrefix: `summary-${run}`,
      reports: reports('0 8 * * 1'),
    });
    const { spec, state, policies } = await weekly.describe();
    expect(state.paused).toBe(true);
    expect(spec.calendars?.[0]).toMatchObject({ hour: [{ start: 8, end: 8, step: 1 }] });
    expect(policies.overlap).toBe(ScheduleOverlapPolicy.BUFFER_ALL);
    expect(policies.catchupWindow).toBe(7 * 86_400_000);
  });

  it('runs a monthly report too, and keeps without mailing when no one is to get it', async () => {
    const handles = await ensureSummarySchedules(h.client, {
      taskQueue: h.taskQueue,
      idPrefix: `summary-monthly-${run}`,
      reports: { ...reports(), weeklyCron: undefined, monthlyCron: '0 7 1 * *', recipients: [] },
    });
    schedules.push(...handles);
    expect(handles.map((handle) => handle.scheduleId)).toEqual([`summary-monthly-${run}-monthly`]);
    await handles[0].backfill({
      start: new Date('2026-11-01T06:00:00Z'),
      end: new Date('2026-11-01T08:00:00Z'),
      overlap: ScheduleOverlapPolicy.BUFFER_ALL,
    });
    expect(await outcomesOf(handles[0], 1)).toEqual([{ reportId: 'monthly-2026-10', mailed: false }]);
    const stored = await h.api.get('/reports/monthly-2026-10').expect(200);
    expect(stored.body).toMatchObject({ kind: 'monthly', period: '2026-10', sentAt: null, recipientsCount: 0 });
    expect(stored.body.text).toContain(`Decision owner: ${owner}`);
    expect(reportMails().map(reportIdOf)).not.toContain('monthly-2026-10');
  });

  it('lists past reports and shows each, as JSON or as the HTML mailed', async () => {
    const list = await h.api.get('/reports?limit=10').expect(200);
    expect(list.body.total).toBeGreaterThanOrEqual(5);
    expect(list.body.reports.map((r: { id: string }) => r.id)).toEqual(
      expect.arrayContaining(['weekly-2026-W44', 'weekly-2026-W45', 'weekly-2026-W46', 'weekly-2026-W47']),
    );
    const w46 = list.body.reports.find((r: { id: string }) => r.id === 'weekly-2026-W46');
    expect(w46).toMatchObject({
      kind: 'weekly',
      period: '2026-W46',
      periodStart: '2026-11-09T07:00:00.000Z',
      periodEnd: '2026-11-16T07:00:00.000Z',
      recipientsCount: 2,
      sentAt: expect.any(String),
    });

    const one = await h.api.get('/reports/weekly-2026-W46').expect(200);
    expect(one.body.content.blockers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ owner, decisionDueDate: '2026-11-20', fallback: 'Go live on CSV import' }),
      ]),
    );
    expect(one.body.content.daily).toHaveLength(8); // both Mondays, each partly in the week

    const html = await h.api.get('/reports/weekly-2026-W46?format=html').expect(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('src="data:image/png;base64,');
    expect(html.text).toContain(owner);

    await h.api.get('/reports/weekly-2020-W01').expect(404);
    await h.api.get('/reports/nonsense').expect(404);
    await h.api.get('/reports?limit=1000').expect(400);
    const csm = await h.createKey(['csm'], { csmId: 'csm-ana' });
    await h.as(csm).get('/reports').expect(403);
  });
});
