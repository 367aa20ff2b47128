import { applyDecorators } from '@nestjs/common';
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsOptional, Validate } from 'class-validator';

export interface ValidatedPropertyOptions {
  /** The class-validator constraint, and what its `args.constraints` hold. */
  constraint: new () => unknown;
  constraints?: unknown[];
  /** Absent is fine: skipped by validation, and not required in the schema. */
  optional: boolean;
  /** The OpenAPI schema of the field (what the constraint checks, said as a schema). */
  schema: ApiPropertyOptions;
  /** More decorators for the field, such as a transform. */
  with?: PropertyDecorator[];
}

/**
 * A DTO field checked by a custom constraint and documented by its schema, in one decorator:
 * validation and the OpenAPI document then agree on what is accepted and on whether the field
 * may be absent.
 */
export function ValidatedProperty(options: ValidatedPropertyOptions): PropertyDecorator {
  const { constraint, constraints, optional, schema } = options;
  return applyDecorators(
    ...(optional ? [IsOptional()] : []),
    Validate(constraint, constraints),
    ...(options.with ?? []),
    ApiProperty({ required: !optional, ...schema } as ApiPropertyOptions),
  );
}
