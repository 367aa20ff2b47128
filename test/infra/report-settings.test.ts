import { loadSettings } from '../../src/config/settings';

describe('the summary report settings', () => {
  it('default to a weekly report on Monday 07:00 UTC, kept but mailed to nobody', () => {
    expect(loadSettings({}).reports).toEqual({
      weeklyCron: '0 7 * * 1',
      monthlyCron: undefined,
      timeZone: 'UTC',
      recipients: [],
      catchupDays: 7,
    });
  });

  it('take a cron, a monthly cron, a zone, recipients and a catch-up window; off turns the weekly one off', () => {
    expect(
      loadSettings({
        REPORT_SCHEDULE_CRON: 'off',
        REPORT_MONTHLY_CRON: '0 7 1 * *',
        REPORT_TIME_ZONE: 'Europe/Berlin',
        REPORT_RECIPIENTS: ' vp@vendor.example, lead@vendor.example ,',
        REPORT_CATCHUP_DAYS: '3',
      }).reports,
    ).toEqual({
      weeklyCron: undefined,
      monthlyCron: '0 7 1 * *',
      timeZone: 'Europe/Berlin',
      recipients: ['vp@vendor.example', 'lead@vendor.example'],
      catchupDays: 3,
    });
  });

  it('refuse an unknown zone and a recipient that is not an address, without echoing addresses', () => {
    expect(() => loadSettings({ REPORT_TIME_ZONE: 'Mars/Olympus' })).toThrow(/REPORT_TIME_ZONE must be an IANA/);
    expect(() => loadSettings({ REPORT_RECIPIENTS: 'vp@vendor.example,secret-name' })).toThrow(
      'REPORT_RECIPIENTS must be comma-separated e-mail addresses',
    );
    expect(() => loadSettings({ REPORT_CATCHUP_DAYS: '0' })).toThrow(/REPORT_CATCHUP_DAYS must be a positive integer/);
  });
});
