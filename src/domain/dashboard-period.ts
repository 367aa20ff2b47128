import { DAY_MS } from './time';

/**
 * A dashboard period split into the pieces its counters can answer: whole months (monthly
 * counters), whole days (daily counters) and, at an end that falls inside a day, the onboardings'
 * own rows. A piece may count negatively: a month minus its first days is cheaper to read than
 * the twenty-odd days it keeps. Summing `sign` × the counts of each piece gives exactly the counts
 * of [from, to), so the percentiles over those counts are those of the onboardings in the period.
 *
 * months and days: `from` / `to` are dates (YYYY-MM-DD, UTC), to exclusive, absent when open;
 * rows: the instants themselves (ISO), from inclusive, to exclusive.
 */
export interface PeriodPiece {
  grain: 'months' | 'days' | 'rows';
  from?: string;
  to?: string;
  sign: 1 | -1;
}

const floorDay = (t: number): number => Math.floor(t / DAY_MS) * DAY_MS;
const ceilDay = (t: number): number => Math.ceil(t / DAY_MS) * DAY_MS;
const monthStart = (t: number): number => Date.UTC(new Date(t).getUTCFullYear(), new Date(t).getUTCMonth(), 1);
const nextMonth = (t: number): number => Date.UTC(new Date(t).getUTCFullYear(), new Date(t).getUTCMonth() + 1, 1);
const date = (t: number | undefined): string | undefined =>
  t === undefined ? undefined : new Date(t).toISOString().slice(0, 10);
const days = (from: number, to: number, sign: 1 | -1): PeriodPiece[] =>
  from < to ? [{ grain: 'days', from: date(from), to: date(to), sign }] : [];

/** `from` inclusive, `to` exclusive, ISO; either may be absent (open). */
export function periodPieces(from?: string, to?: string): PeriodPiece[] {
  const f = from === undefined ? undefined : Date.parse(from);
  const t = to === undefined ? undefined : Date.parse(to);
  if (f !== undefined && t !== undefined && f >= t) return [];
  // Whole days [a, b); what lies outside them, inside a day, is read row by row.
  const a = f === undefined ? undefined : ceilDay(f);
  const b = t === undefined ? undefined : floorDay(t);
  if (a !== undefined && b !== undefined && a > b) return [{ grain: 'rows', from, to, sign: 1 }];
  const pieces: PeriodPiece[] = [];
  if (f !== undefined && f < a!) pieces.push({ grain: 'rows', from, to: new Date(a!).toISOString(), sign: 1 });
  if (t !== undefined && b! < t) pieces.push({ grain: 'rows', from: new Date(b!).toISOString(), to, sign: 1 });
  if (a !== undefined && a === b) return pieces;

  const head = a !== undefined && a !== monthStart(a) ? monthStart(a) : undefined;
  const tail = b !== undefined && b !== monthStart(b) ? monthStart(b) : undefined;
  if (head !== undefined && head === tail) {
    // Inside one month: its days, or the month minus the days outside, whichever reads fewer days.
    const end = nextMonth(head);
    if (b! - a! <= a! - head + (end - b!)) return [...pieces, ...days(a!, b!, 1)];
    return [
      ...pieces,
      { grain: 'months', from: date(head), to: date(end), sign: 1 },
      ...days(head, a!, -1),
      ...days(b!, end, -1),
    ];
  }
  // Whole months [lo, hi), widened to a cut month when the month minus its outside days is cheaper.
  let lo = a;
  let hi = b;
  if (head !== undefined) {
    const end = nextMonth(a!);
    if (end - a! <= a! - head) {
      pieces.push(...days(a!, end, 1));
      lo = end;
    } else {
      pieces.push(...days(head, a!, -1));
      lo = head;
    }
  }
  if (tail !== undefined) {
    const end = nextMonth(b!);
    if (b! - tail <= end - b!) {
      pieces.push(...days(tail, b!, 1));
      hi = tail;
    } else {
      pieces.push(...days(b!, end, -1));
      hi = end;
    }
  }
  if (lo === undefined || hi === undefined || lo < hi)
    pieces.push({ grain: 'months', from: date(lo), to: date(hi), sign: 1 });
  return pieces;
}
