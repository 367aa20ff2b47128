import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { invalidRequest } from './problem-details';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENCY_KEY_MAX_LENGTH = 200;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * The request's `Idempotency-Key` header, or undefined. At most 200 printable characters: the
 * key becomes a Temporal update id and a database key, and either would refuse a longer one.
 */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const raw = ctx.switchToHttp().getRequest<Request>().headers['idempotency-key'];
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
});

/** The header as the OpenAPI document describes it, on every route that takes it. */
export const IDEMPOTENCY_HEADER_DOC = {
  name: IDEMPOTENCY_KEY_HEADER,
  required: false,
  description: `A retried call with the same key is applied once (at most ${IDEMPOTENCY_KEY_MAX_LENGTH} printable characters)`,
};
