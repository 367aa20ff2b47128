import type { ApiPropertyOptions } from '@nestjs/swagger';
import { ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { unsafeTextProblem } from '../../src/domain/safe-text';
import { ValidatedProperty } from './validated-property';

/** The safe-text rule for the OpenAPI document (lone surrogates cannot be said in a pattern). */
export const SAFE_TEXT_PATTERN = '^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$';

export interface FreeTextOptions {
  /** Most characters (UTF-16 code units): every column and message has a bound. */
  max: number;
  /** Refuse the empty string. */
  nonEmpty?: boolean;
  /** Absent (undefined or null) is fine. */
  optional?: boolean;
  /** A list of texts: each item is checked, and the list holds at most `maxItems` (100). */
  each?: boolean;
  maxItems?: number;
  /** Documentation only, merged into the property's OpenAPI schema. */
  api?: ApiPropertyOptions;
}

/**
 * A free-text field (a name, an actor, a note...): a string of bounded length made only of
 * characters every store and channel downstream can carry. One decorator for validation and
 * for the OpenAPI schema, so the two cannot disagree.
 */
export function FreeText(options: FreeTextOptions): PropertyDecorator {
  const { max, nonEmpty = false, optional = false, each = false, maxItems = 100 } = options;
  const string = {
    type: 'string',
    maxLength: max,
    ...(nonEmpty ? { minLength: 1 } : {}),
    pattern: SAFE_TEXT_PATTERN,
  } as const;
  const schema = each ? { type: 'array', items: string, maxItems } : string;
  return ValidatedProperty({
    constraint: FreeTextConstraint,
    constraints: [{ max, nonEmpty, each, maxItems }],
    optional,
    schema: { ...schema, ...options.api } as ApiPropertyOptions,
  });
}

type Checked = Required<Pick<FreeTextOptions, 'max' | 'nonEmpty' | 'each' | 'maxItems'>>;

@ValidatorConstraint({ name: 'freeText' })
export class FreeTextConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return problemOf(value, args.constraints[0] as Checked) === undefined;
  }

  /** Starts with `$property` (or `$property[i]`), which the validation pipe turns into the full path. */
  defaultMessage(args: ValidationArguments): string {
    return problemOf(args.value, args.constraints[0] as Checked) ?? '$property is invalid';
  }
}

function problemOf(value: unknown, opts: Checked): string | undefined {
  if (!opts.each) return textProblem(value, opts, '$property');
  if (!Array.isArray(value)) return '$property must be a list of strings';
  if (value.length > opts.maxItems) return `$property must have at most ${opts.maxItems} items, got ${value.length}`;
  for (const [i, item] of value.entries()) {
    const problem = textProblem(item, opts, `$property[${i}]`);
    if (problem) return problem;
  }
  return undefined;
}

function textProblem(value: unknown, opts: Checked, name: string): string | undefined {
  if (typeof value !== 'string') return `${name} must be a string`;
  if (opts.nonEmpty && value.length === 0) return `${name} must not be empty`;
  if (value.length > opts.max) return `${name} must be at most ${opts.max} characters long, got ${value.length}`;
  const unsafe = unsafeTextProblem(value);
  return unsafe ? `${name} ${unsafe}` : undefined;
}
