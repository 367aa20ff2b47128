import { type ValidationError, ValidationPipe } from '@nestjs/common';
import type { ValidatorOptions } from 'class-validator';
import { type FieldError, invalidRequest } from './problem-details';

/** What every DTO is checked with, by the pipe and by code that builds a DTO itself (a CRM webhook's mapped command). */
export const VALIDATOR_OPTIONS = { whitelist: true, forbidNonWhitelisted: true } satisfies ValidatorOptions;

/**
 * class-validator for every body, query and path DTO: unknown properties are refused, and each
 * bad field is reported once with its full path (`account.id`, `handoff.stakeholders[0].email`).
 */
export function requestValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => invalidRequest(fieldErrors(errors)),
  });
}

export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const path = joinPath(parent, error.property);
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      path,
      message: ownMessage(message, error.property, path),
    }));
    return [...own, ...fieldErrors(error.children ?? [], path)];
  });
}

function joinPath(parent: string, property: string): string {
  if (!parent) return property;
  return /^\d+$/.test(property) ? `${parent}[${property}]` : `${parent}.${property}`;
}

/** class-validator starts messages with the bare property (or an item of it, `goals[2]`); say the full path instead, once. */
function ownMessage(message: string, property: string, path: string): string {
  if (message.startsWith(path)) return message;
  if (message.startsWith(`${property} `) || message.startsWith(`${property}[`))
    return `${path}${message.slice(property.length)}`;
  return message;
}
