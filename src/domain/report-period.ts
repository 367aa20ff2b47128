/**
 * The period a summary report covers, from the time its schedule fired. Pure: the nominal time
 * comes in as an argument, so a report caught up days late covers the same period (and gets the
 * same id) as the one that should have run.
 */
export const REPORT_KINDS = ['weekly', 'monthly'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export interface ReportPeriod {
  kind: ReportKind;
  /** `2027-W05` (ISO week of the period's first day) or `2027-01` (month of its first day), in the report's time zone. */
  label: string;
  /** Inclusive. */
  start: string;
  /** Exclusive: the time the schedule fired. */
  end: string;
  timeZone: string;
}

/** `weekly-2027-W05`: the stored report's id, and the key that makes its mail go once. */
export function reportId(period: Pick<ReportPeriod, 'kind' | 'label'>): string {
  return `${period.kind}-${period.label}`;
}

/** What a report id looks like; anything else cannot name a report. */
export const REPORT_ID_PATTERN = /^(weekly-\d{4}-W\d{2}|monthly-\d{4}-\d{2})$/;

/**
 * The week (or calendar-month length) that ends when the schedule fired: a Monday 07:00 run
 * covers the seven days before it, labelled with the ISO week they began in.
 */
export function reportPeriod(kind: ReportKind, firedAt: Date, timeZone: string): ReportPeriod {
  const start = new Date(firedAt);
  if (kind === 'weekly') start.setUTCDate(start.getUTCDate() - 7);
  else start.setUTCMonth(start.getUTCMonth() - 1);
  const local = localDate(start, timeZone);
  const label = kind === 'weekly' ? isoWeekLabel(local) : `${local.year}-${pad(local.month)}`;
  return { kind, label, start: start.toISOString(), end: firedAt.toISOString(), timeZone };
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** The calendar date at `at` in `timeZone` (an IANA name; Intl knows the rules). */
export function localDate(at: Date, timeZone: string): LocalDate {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day') };
}

/** ISO 8601 week: weeks start on Monday, and week 1 holds the year's first Thursday. */
function isoWeekLabel({ year, month, day }: LocalDate): string {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday); // the Thursday of this week decides its year
  const weekYear = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 + 1) / 7);
  return `${weekYear}-W${pad(week)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Whether Intl knows the zone (REPORT_TIME_ZONE is checked at start, not when the first report fails). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
