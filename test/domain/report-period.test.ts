import { isTimeZone, reportId, reportPeriod } from '../../src/domain/report-period';
import { daysOverdue, expectedImpact } from '../../src/domain/summary-report';

describe('the period a summary report covers', () => {
  it('is the seven days before a weekly run, labelled with the ISO week they began in', () => {
    const period = reportPeriod('weekly', new Date('2027-02-08T07:00:00Z'), 'UTC');
    expect(period).toEqual({
      kind: 'weekly',
      label: '2027-W05',
      start: '2027-02-01T07:00:00.000Z',
      end: '2027-02-08T07:00:00.000Z',
      timeZone: 'UTC',
    });
    expect(reportId(period)).toBe('weekly-2027-W05');
  });

  it('counts ISO weeks across the turn of the year (week 53, and week 1 starting in December)', () => {
    expect(reportPeriod('weekly', new Date('2021-01-11T07:00:00Z'), 'UTC').label).toBe('2021-W01');
    expect(reportPeriod('weekly', new Date('2021-01-04T07:00:00Z'), 'UTC').label).toBe('2020-W53');
    expect(reportPeriod('weekly', new Date('2025-01-06T07:00:00Z'), 'UTC').label).toBe('2025-W01');
  });

  it('takes the calendar date in the report’s time zone: Monday 07:00 in Auckland is Sunday in UTC', () => {
    // Monday 8 Feb 2027 07:00 NZDT is Sunday 7 Feb 18:00 UTC; the week began on Monday 1 Feb there.
    const period = reportPeriod('weekly', new Date('2027-02-07T18:00:00Z'), 'Pacific/Auckland');
    expect(period.label).toBe('2027-W05');
    expect(reportPeriod('weekly', new Date('2027-02-07T18:00:00Z'), 'UTC').label).toBe('2027-W04');
  });

  it('is the month before a monthly run, labelled with that month', () => {
    const period = reportPeriod('monthly', new Date('2027-03-01T07:00:00Z'), 'UTC');
    expect(period).toMatchObject({
      label: '2027-02',
      start: '2027-02-01T07:00:00.000Z',
      end: '2027-03-01T07:00:00.000Z',
    });
    expect(reportId(period)).toBe('monthly-2027-02');
  });

  it('knows IANA time zones from names it cannot use', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('a blocker’s expected customer impact', () => {
  const blocker = {
    accountName: 'Acme',
    tier: 'high-touch',
    stage: 'integration',
    fallback: 'Go live on CSV import',
    decisionDueDate: '2027-02-03',
  };

  it('names the customer held, where, the decision’s lateness and the fallback', () => {
    expect(expectedImpact(blocker, new Date('2027-02-05T10:00:00Z'))).toBe(
      'Holds Acme (high-touch) in integration; decision 2 day(s) overdue; otherwise: Go live on CSV import',
    );
    expect(expectedImpact(blocker, new Date('2027-02-03T10:00:00Z'))).toContain('decision due 2027-02-03');
  });

  it('counts a due date as due until the end of that day', () => {
    expect(daysOverdue('2027-02-03', new Date('2027-02-03T23:00:00Z'))).toBe(0);
    expect(daysOverdue('2027-02-03', new Date('2027-02-04T00:30:00Z'))).toBe(1);
  });
});
