/**
 * The report's SQL over the read model, on a real PostgreSQL database of this file's own: rows as
 * the projection writes them, and what the week's report makes of them.
 */
import { DataSource } from 'typeorm';
import { reportPeriod } from '../../src/domain/report-period';
import { dataSourceOptions } from '../../src/persistence/data-source';
import { compileSummary } from '../../src/reports/compile-summary';
import { chartPng, chartsOf } from '../../src/reports/summary-charts';
import { summaryHtml, summaryText } from '../../src/reports/summary-rendering';
import { createOwnDatabase, type OwnDatabase } from '../support/own-database';

let db: OwnDatabase;
let dataSource: DataSource;

/** Week 5 of 2027 in Berlin: Monday 1 Feb 07:00 to Monday 8 Feb 07:00 local (06:00 UTC). */
const period = reportPeriod('weekly', new Date('2027-02-08T06:00:00Z'), 'Europe/Berlin');
const now = new Date('2027-02-08T06:05:00Z');

async function onboarding(id: string, fields: Record<string, unknown>): Promise<void> {
  const row: Record<string, unknown> = {
    id,
    account_id: id,
    account_name: `Account ${id}`,
    segment: 'enterprise',
    tier: 'high-touch',
    playbook_version: 1,
    status: 'in-progress',
    stage: 'integration',
    stage_entered_at: '2027-01-20T00:00:00Z',
    closed_won_at: '2027-01-10T00:00:00Z',
    milestones: '[]',
    stage_history: '[]',
    handoff_missing: '[]',
    started_at: '2027-01-10T00:00:00Z',
    revision: 1,
    projected_at: '2027-02-01T00:00:00Z',
    ...fields,
  };
  const columns = Object.keys(row);
  await dataSource.query(
    `INSERT INTO onboardings (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
    columns.map((c) => (typeof row[c] === 'object' && row[c] !== null ? JSON.stringify(row[c]) : row[c])),
  );
}

const risk = (over: Record<string, unknown>) => ({
  id: 'risk-1',
  category: 'data',
  description: 'Ledger access',
  blocker: true,
  owner: 'impl:lee',
  decisionDueDate: '2027-02-05',
  fallback: 'CSV import',
  recordedAt: '2027-02-01T10:00:00Z',
  recordedBy: 'csm:ana',
  status: 'open',
  ...over,
});

beforeAll(async () => {
  db = await createOwnDatabase('report_compile');
  dataSource = await new DataSource(dataSourceOptions(db.url)).initialize();
  // Monday 1 Feb 06:59 Berlin is before the period; 10:00 is in it, and so is Monday 8 Feb 06:00.
  await onboarding('started-before', { closed_won_at: '2027-02-01T05:59:00Z' });
  await onboarding('started-monday', { closed_won_at: '2027-02-01T09:00:00Z' });
  await onboarding('started-last-monday', { closed_won_at: '2027-02-08T05:00:00Z' });
  await onboarding('completed', {
    status: 'completed',
    completed_at: '2027-02-03T12:00:00Z',
    risks: [risk({ id: 'risk-done', owner: 'nobody' })],
  });
  await onboarding('blocked', {
    at_risk: true,
    risks: [
      risk({ id: 'late', owner: 'impl:lee', decisionDueDate: '2027-02-05' }),
      risk({ id: 'resolved', status: 'resolved', owner: 'gone' }),
      risk({ id: 'not-a-blocker', blocker: false, owner: 'also-gone' }),
      risk({ id: 'soon', owner: 'legal:kim', decisionDueDate: '2027-02-20' }),
    ],
    escalations: [
      {
        id: 'task:uat:L1',
        subject: { kind: 'task', key: 'uat' },
        level: 1,
        notify: 'cs-lead',
        breachedAt: '2027-02-02T09:00:00Z',
        raisedAt: '2027-02-02T09:00:00Z',
        acknowledgedAt: '2027-02-02T10:00:00Z',
      },
      {
        id: 'task:old:L1',
        subject: { kind: 'task', key: 'old' },
        level: 1,
        notify: 'cs-lead',
        breachedAt: '2027-01-02T09:00:00Z',
        raisedAt: '2027-01-02T09:00:00Z',
      },
    ],
  });
  await onboarding('stalled', {
    stalled_since: '2027-02-04T00:00:00Z',
    waiting_on: 'customer',
    waiting_since: '2027-02-01T00:00:00Z',
  });
});

afterAll(async () => {
  await dataSource?.destroy();
  await db?.drop();
});

describe('compiling the week from the read model', () => {
  it('counts starts and completions of the period by local day, and what stands now', async () => {
    const report = await compileSummary(dataSource, period, { now });
    expect(report.period.label).toBe('2027-W05');
    expect(report.counts).toEqual({ started: 2, completed: 1, active: 5, atRisk: 1, stalled: 1 });
    // Both Mondays are partly in the week.
    expect(report.daily.map((d) => d.date)).toEqual([
      '2027-02-01',
      '2027-02-02',
      '2027-02-03',
      '2027-02-04',
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
    ]);
    expect(report.daily[0]).toEqual({ date: '2027-02-01', started: 1, completed: 0 });
    expect(report.daily[7]).toEqual({ date: '2027-02-08', started: 1, completed: 0 });
    expect(report.daily.find((d) => d.date === '2027-02-03')).toEqual({ date: '2027-02-03', started: 0, completed: 1 });
  });

  it('lists open blockers of running onboardings, earliest decision first, with owner, due date and impact', async () => {
    const { blockers } = await compileSummary(dataSource, period, { now });
    expect(blockers.map((b) => [b.riskId, b.owner, b.decisionDueDate, b.daysOverdue])).toEqual([
      ['late', 'impl:lee', '2027-02-05', 3],
      ['soon', 'legal:kim', '2027-02-20', 0],
    ]);
    expect(blockers[0]).toMatchObject({
      onboardingId: 'blocked',
      accountName: 'Account blocked',
      expectedImpact:
        'Holds Account blocked (high-touch) in integration; decision 3 day(s) overdue; otherwise: CSV import',
    });
  });

  it('lists escalations raised in the period, and stalls with what they wait on', async () => {
    const report = await compileSummary(dataSource, period, { now });
    expect(report.escalations).toEqual([
      expect.objectContaining({
        escalationId: 'task:uat:L1',
        subject: 'task uat',
        level: 1,
        acknowledged: true,
        closed: false,
      }),
    ]);
    expect(report.stalls).toEqual([
      expect.objectContaining({
        onboardingId: 'stalled',
        waitingOn: 'customer',
        stalledSince: '2027-02-04T00:00:00.000Z',
      }),
    ]);
  });

  it('takes sections from other modules (red flags, pilot progress) through their sources', async () => {
    const report = await compileSummary(dataSource, period, {
      now,
      sectionSources: [async (_ds, p) => ({ key: 'red-flags', title: 'Red flags', lines: [`none in ${p.label}`] })],
    });
    expect(report.sections).toEqual([{ key: 'red-flags', title: 'Red flags', lines: ['none in 2027-W05'] }]);
    expect(summaryText(report)).toContain('RED FLAGS\n- none in 2027-W05');
  });

  it('renders text and escaped HTML, and charts as PNG', async () => {
    await onboarding('hostile', {
      account_name: '<script>alert(1)</script>',
      risks: [risk({ id: 'x', owner: 'o"wner' })],
    });
    const report = await compileSummary(dataSource, period, { now });
    const charts = chartsOf(report);
    const html = summaryHtml(report, charts);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('src="cid:blockers-by-owner@summary-report"');
    expect(summaryText(report)).toContain('Decision owner: impl:lee, due 2027-02-05 (3 day(s) overdue)');
    for (const chart of charts) expect(chartPng(chart).subarray(1, 4).toString()).toBe('PNG');
  });
});
