import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { invalidRequest } from './problem-details';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENCY_KEY_MAX_LENGTH = 200;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * The request's `Idempotency-Key` header, or undefined. At most 200 printable characters: the
 * key is a database key and part of a Temporal update id, and either would refuse a longer one.
 */
export function idempotencyKeyOf(request: Request): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw.join(',') : raw;
  if (key.length === 0 || key.length > IDEMPOTENCY_KEY_MAX_LENGTH || !PRINTABLE_ASCII.test(key)) {
    throw invalidRequest([
      {
        path: IDEMPOTENCY_KEY_HEADER,
        message: `${IDEMPOTENCY_KEY_HEADER} must be 1-${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters without spaces`,
      },
    ]);
  }
  return key;
}

/** Where the idempotency interceptor leaves the Temporal update id it derived for the request. */
export const UPDATE_ID = Symbol('temporalUpdateId');

/**
 * The Temporal update id of this request: derived by `@Idempotent()` from its idempotency record
 * (key, route, path parameters, body), or undefined without an `Idempotency-Key`. Never the raw
 * key: the same key sent with another command must not be taken by Temporal for the first one.
 */
export const UpdateId = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | undefined =>
    (ctx.switchToHttp().getRequest<Request>() as Request & { [UPDATE_ID]?: string })[UPDATE_ID],
);

/** The header as the OpenAPI document describes it, on every route that takes it. */
export const IDEMPOTENCY_HEADER_DOC = {
  name: IDEMPOTENCY_KEY_HEADER,
  required: false,
  description:
    `Send a unique key (at most ${IDEMPOTENCY_KEY_MAX_LENGTH} printable characters) to retry safely: a retry with the same key and request ` +
    'gets the first answer again; the same key with another route, onboarding or body is refused with 422; while the first is still ' +
    'running, 409 with Retry-After. Keys are kept 24 hours (IDEMPOTENCY_TTL_HOURS).',
};
