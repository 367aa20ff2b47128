import type { ClassConstructor } from 'class-transformer';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { invalidRequest } from '../common/problem-details';
import { fieldErrors, VALIDATOR_OPTIONS } from '../common/validation';

/**
 * A page's query string checked by the JSON API's own query DTO, so a filter has one set of
 * rules. A GET form sends every field, the empty ones as '': an empty field is no filter, so it
 * is dropped first (the API's DTO would refuse '' as a tier or a date).
 */
export async function pageQuery<T extends object>(dto: ClassConstructor<T>, raw: Record<string, unknown>): Promise<T> {
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
  const query = plainToInstance(dto, given);
  const errors = await validate(query, VALIDATOR_OPTIONS);
  if (errors.length > 0) throw invalidRequest(fieldErrors(errors));
  return query;
}
