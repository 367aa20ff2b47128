import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import type { ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { invalidRequest } from './problem-details';
import { ValidatedProperty } from './validated-property';

/** PostgreSQL's `integer`: every number the API takes ends up in one (a version, an offset, an attempt). */
export const INT32_MAX = 2_147_483_647;

export interface IntBounds {
  min: number;
  max?: number;
}

/**
 * The integer a path or query string says, or why not. Only plain decimal digits: `Number()`
 * would also read `1e20`, `0x10`, ` 7` and the empty string.
 */
export function parseBoundedInt(
  raw: unknown,
  { min, max = INT32_MAX }: IntBounds,
): { value: number } | { problem: string } {
  const rule = `must be an integer from ${min} to ${max}`;
  if (typeof raw !== 'string' || !/^-?\d{1,16}$/.test(raw)) return { problem: `${rule}, got ${describe(raw)}` };
  const value = Number(raw);
  if (value < min || value > max) return { problem: `${rule}, got ${raw}` };
  return { value };
}

function describe(raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(raw.length > 20 ? `${raw.slice(0, 20)}...` : raw);
  return Array.isArray(raw) ? 'several values' : typeof raw;
}

/** `@Param('version', new BoundedIntPipe({ min: 1 }))`: a 400 naming the parameter instead of a database overflow. */
@Injectable()
export class BoundedIntPipe implements PipeTransform<unknown, number> {
  constructor(private readonly bounds: IntBounds) {}

  transform(raw: unknown, metadata: ArgumentMetadata): number {
    const parsed = parseBoundedInt(raw, this.bounds);
    if ('value' in parsed) return parsed.value;
    const name = metadata.data ?? 'parameter';
    throw invalidRequest([{ path: name, message: `${name} ${parsed.problem}` }]);
  }
}

@ValidatorConstraint({ name: 'boundedInt' })
class BoundedIntConstraint implements ValidatorConstraintInterface {
  /** The transform has already turned a good string into a number; anything else is the raw input. */
  validate(value: unknown): boolean {
    return typeof value === 'number';
  }

  defaultMessage(args: ValidationArguments): string {
    const parsed = parseBoundedInt(args.value, args.constraints[0] as IntBounds);
    return `$property ${'problem' in parsed ? parsed.problem : 'is invalid'}`;
  }
}

/**
 * The same rule for a query DTO's field: the raw string becomes a number only when it passes
 * (so `1e20` is refused, not read); otherwise it stays a string and validation names it. An
 * absent field keeps the DTO's default.
 */
export function BoundedIntQuery(bounds: IntBounds & { api?: ApiPropertyOptions }): PropertyDecorator {
  const { min, max = INT32_MAX } = bounds;
  return ValidatedProperty({
    constraint: BoundedIntConstraint,
    constraints: [{ min, max }],
    optional: true,
    schema: { type: 'integer', minimum: min, maximum: max, ...bounds.api } as ApiPropertyOptions,
    with: [
      Transform(({ value }) => {
        if (value === undefined) return value;
        const parsed = parseBoundedInt(value, { min, max });
        return 'value' in parsed ? parsed.value : value;
      }),
    ],
  });
}
