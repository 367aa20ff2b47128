import { byWhatNeedsTheCsmFirst, portfolioEntry, type PortfolioSource } from '../../src/domain/portfolio';
import type { TaskRecord } from '../../src/domain/onboarding';

const now = new Date('2027-01-20T12:00:00Z');

function row(id: string, over: Partial<PortfolioSource> = {}): PortfolioSource {
  return {
    id,
    accountName: `Account ${id}`,
    tier: 'high-touch',
    status: 'in-progress',
    stage: 'training',
    stageEnteredAt: '2027-01-10T12:00:00Z',
    stageHistory: [{ key: 'training', name: 'Training', enteredAt: '2027-01-10T12:00:00Z' }],
    csmId: 'csm-ana',
    waitingOn: 'customer-task',
    waitingSince: '2027-01-12T00:00:00Z',
    atRisk: false,
    atRiskReasons: [],
    tasks: [],
    milestones: [],
    escalations: [],
    ...over,
  };
}

const task = (key: string, over: Partial<TaskRecord>): TaskRecord => ({
  key,
  name: key,
  stage: 'training',
  owner: 'customer',
  dependsOn: [],
  status: 'open',
  ...over,
});

describe("a CSM's portfolio", () => {
  it('puts overdue and escalated first, then at risk, then waiting on the CSM, then the rest', () => {
    const entries = [
      row('calm'),
      row('waiting', { waitingOn: 'milestone' }),
      row('risky', { atRisk: true, atRiskReasons: ['open blocker: SSO'] }),
      row('overdue', { tasks: [task('uat', { dueAt: '2027-01-19T00:00:00Z' })] }),
      row('escalated', {
        escalations: [
          {
            id: 'stage:training:L1',
            subject: { kind: 'stage', key: 'training' },
            level: 1,
            notify: 'csm',
            breachedAt: '2027-01-18T00:00:00Z',
            raisedAt: '2027-01-18T00:00:00Z',
          },
        ],
      }),
    ].map((r) => portfolioEntry(r, now));
    const sorted = [...entries].sort(byWhatNeedsTheCsmFirst);
    expect(sorted.map((e) => [e.onboardingId, e.need])).toEqual([
      ['overdue', 'overdue-or-escalated'],
      ['escalated', 'overdue-or-escalated'],
      ['risky', 'at-risk'],
      ['waiting', 'waiting-on-csm'],
      ['calm', 'on-track'],
    ]);
    expect(sorted[0].needDetail).toBe('1 overdue task');
    expect(sorted[1].needDetail).toBe('1 open escalation');
  });

  it('orders within a need by the next due date, and counts days in stage', () => {
    const soon = portfolioEntry(row('soon', { tasks: [task('a', { dueAt: '2027-01-22T00:00:00Z' })] }), now);
    const later = portfolioEntry(
      row('later', { milestones: [{ key: 'm', name: 'M', targetDay: 30, targetDate: '2027-02-01T00:00:00Z' }] }),
      now,
    );
    expect([later, soon].sort(byWhatNeedsTheCsmFirst).map((e) => e.onboardingId)).toEqual(['soon', 'later']);
    expect(soon).toMatchObject({ daysInStage: 10, stageName: 'Training', nextDueAt: '2027-01-22T00:00:00Z' });
  });

  it('does not count acknowledged escalations or a done task as needing the CSM', () => {
    const e = portfolioEntry(
      row('quiet', {
        tasks: [task('done', { status: 'done', dueAt: '2027-01-01T00:00:00Z' })],
        escalations: [
          {
            id: 'x',
            subject: { kind: 'task', key: 'done' },
            level: 1,
            notify: 'csm',
            breachedAt: '2027-01-02T00:00:00Z',
            raisedAt: '2027-01-02T00:00:00Z',
            acknowledgedAt: '2027-01-03T00:00:00Z',
          },
        ],
      }),
      now,
    );
    expect(e).toMatchObject({ need: 'on-track', overdueTasks: 0, openEscalations: 0 });
  });
});
