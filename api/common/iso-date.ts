import type { ApiPropertyOptions } from '@nestjs/swagger';
import { ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { ValidatedProperty } from './validated-property';

/**
 * `2027-03-01`, or `2027-03-01T09:30[:00[.000]]` with `Z` or an offset. Only these: `new Date()`
 * reads many other strings (week dates, ordinal dates, `2024-02-30`, local times, years past
 * 9999) in its own way, and a date read differently from what the caller meant is worse than a 400.
 * Years before 1900 are refused too: PostgreSQL has no year 0, and no onboarding is that old.
 */
const MIN_YEAR = 1900;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2})))?$/;

export const ISO_DATE_RULE =
  'must be an ISO 8601 date (2027-03-01) or date-time with a zone (2027-03-01T09:30:00Z), years 1900-9999';

/** True when the string is a calendar date (or date-time with zone) that means exactly what it says. */
export function isStrictIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < MIN_YEAR) return false;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return false;
  if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return false;
  return !Number.isNaN(new Date(value).getTime());
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeapYear(year) ? 1 : 0);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

@ValidatorConstraint({ name: 'isoDate' })
export class IsoDateConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return isStrictIsoDate(value);
  }

  defaultMessage(args: ValidationArguments): string {
    const got = typeof args.value === 'string' ? JSON.stringify(args.value.slice(0, 40)) : typeof args.value;
    return `$property ${ISO_DATE_RULE}, got ${got}`;
  }
}

/** A date field read strictly (see ISO_DATE), documented as such in the OpenAPI schema. */
export function IsoDate(options: { optional?: boolean; api?: ApiPropertyOptions } = {}): PropertyDecorator {
  return ValidatedProperty({
    constraint: IsoDateConstraint,
    optional: options.optional ?? false,
    schema: { type: 'string', pattern: ISO_DATE.source, ...options.api } as ApiPropertyOptions,
  });
}
