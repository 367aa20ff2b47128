import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  Logger,
  NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { IdempotencyStore } from '../../src/persistence/idempotency-store';
import type { Claim, IdempotentRequest } from '../../src/persistence/idempotency-store';
import {
  IDEMPOTENCY_HEADER_DOC,
  IDEMPOTENCY_KEY_HEADER,
  idempotencyKeyOf,
  UPDATE_ID,
} from './idempotency-key.decorator';
import type { RequestWithCaller } from '../auth/caller';
import { ProblemException } from './problem-details';
import type { ProblemOptions } from './problem-details';
import { problemOf } from './problem-of';
import { canonicalJson, requestFingerprint } from './request-fingerprint';

/** Whose keys these are when no principal called (routes that take no bearer credential). */
export const ANONYMOUS_SCOPE = 'anonymous';
/** Seconds a client waits before asking again about a key whose first request still runs. */
const IN_FLIGHT_RETRY_AFTER_SECONDS = 1;
/** Sent on a replayed answer, as Stripe does, so a client can tell it from a fresh one. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * Makes a POST route honour `Idempotency-Key` (one line per route): the key is bound to the route,
 * its path parameters and the body's fingerprint; a retry gets the first answer again, another
 * request under the same key a 422, a retry while the first still runs a 409. The handler reads
 * the Temporal update id derived from the record with `@UpdateId()`.
 */
export const Idempotent = () =>
  applyDecorators(UseInterceptors(IdempotencyInterceptor), ApiHeader(IDEMPOTENCY_HEADER_DOC));

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(private readonly store: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<RequestWithCaller & { [UPDATE_ID]?: string }>();
    const response = http.getResponse<Response>();
    const key = idempotencyKeyOf(request);
    if (key === undefined) return next.handle();
    const record: IdempotentRequest = {
      // Each principal has its own keys: one client's key never answers another's request.
      scope: request.caller ? `${request.caller.principal.kind}:${request.caller.principal.id}` : ANONYMOUS_SCOPE,
      key,
      route: `${request.method} ${request.route?.path ?? request.path}`,
      params: canonicalJson(request.params ?? {}),
      // The body as sent, before validation transforms it: what the client can send again.
      fingerprint: requestFingerprint(request.body ?? null),
    };
    return from(this.run(record, request, response, next));
  }

  private async run(
    record: IdempotentRequest,
    request: Request & { [UPDATE_ID]?: string },
    response: Response,
    next: CallHandler,
  ) {
    const claim = await this.store.claim(record);
    if (claim.outcome !== 'claimed') return this.answerWithoutRunning(claim, record, response);

    request[UPDATE_ID] = temporalUpdateId(record);
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (err) {
      const problem = problemOf(err);
      if (problem && isFinalRefusal(problem)) {
        await this.keep(record, claim.token, { status: problem.status, body: storedProblem(problem), headers: {} });
      } else {
        // No final answer (a dependency down, an outcome unknown, a bug): the client may retry,
        // and the retry, under the same Temporal update id, is applied at most once.
        await this.store
          .release(record, claim.token)
          .catch((releaseErr) => this.cannotRecord('release', record, releaseErr));
      }
      throw err;
    }
    const location = response.getHeader('location');
    await this.keep(record, claim.token, {
      status: response.statusCode,
      body,
      headers: location ? { location: String(location) } : {},
    });
    return body;
  }

  /**
   * The change already happened, so its answer goes out even if the record cannot be completed;
   * the claim then lapses after its lease and a retry runs again under the same Temporal update
   * id, which Temporal answers with the first outcome.
   */
  private async keep(
    record: IdempotentRequest,
    token: string,
    answer: { status: number; body: unknown; headers: Record<string, string> },
  ) {
    await this.store.complete(record, token, answer).catch((err) => this.cannotRecord('complete', record, err));
  }

  private cannotRecord(what: string, record: IdempotentRequest, err: unknown) {
    this.logger.warn(
      `could not ${what} idempotency record for ${record.route}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }

  private answerWithoutRunning(
    claim: Exclude<Claim, { outcome: 'claimed' }>,
    record: IdempotentRequest,
    response: Response,
  ): unknown {
    if (claim.outcome === 'in-flight') {
      throw new ProblemException({
        status: 409,
        code: 'IdempotencyKeyInFlight',
        detail: `the first request with ${IDEMPOTENCY_KEY_HEADER} "${record.key}" is still running; retry after it ends`,
        retryAfter: IN_FLIGHT_RETRY_AFTER_SECONDS,
      });
    }
    if (claim.outcome === 'reused') {
      throw new ProblemException({ status: 422, code: 'IdempotencyKeyReused', detail: reusedDetail(record, claim) });
    }
    const { status, body, headers } = claim.response;
    response.setHeader(REPLAYED_HEADER, 'true');
    if (status >= 400) throw new ProblemException(body as ProblemOptions);
    response.status(status);
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    return body;
  }
}

/**
 * Stored and replayed: what the client can do nothing about by retrying. Not a validation
 * failure (nothing ran, and the client may fix the body and resend it under the same key), nor
 * 408/429 (retrying later may succeed), nor any 5xx.
 */
function isFinalRefusal(problem: ProblemOptions): boolean {
  return (
    problem.status >= 400 &&
    problem.status < 500 &&
    problem.status !== 408 &&
    problem.status !== 429 &&
    problem.code !== 'ValidationFailed'
  );
}

function storedProblem(problem: ProblemOptions): ProblemOptions {
  return {
    status: problem.status,
    code: problem.code,
    detail: problem.detail,
    ...(problem.errors ? { errors: problem.errors } : {}),
  };
}

/**
 * The same for every retry of the same request under the same key (so Temporal applies it once,
 * even when a retry follows a crash between Temporal's acceptance and the record's completion),
 * and different for anything else sent under that key.
 */
export function temporalUpdateId(record: IdempotentRequest): string {
  const digest = createHash('sha256')
    .update(canonicalJson([record.scope, record.key, record.route, record.params, record.fingerprint]))
    .digest('hex');
  return `idem-${digest}`;
}

function reusedDetail(record: IdempotentRequest, claim: Extract<Claim, { outcome: 'reused' }>): string {
  const prefix = `${IDEMPOTENCY_KEY_HEADER} "${record.key}" was first used`;
  const suffix = 'send a new key for a new request';
  if (claim.differs.includes('route')) return `${prefix} for ${claim.first.route}, not ${record.route}; ${suffix}`;
  const parts: string[] = [];
  if (claim.differs.includes('params')) {
    const first = JSON.parse(claim.first.params) as Record<string, string>;
    const now = JSON.parse(record.params) as Record<string, string>;
    const names = Object.keys({ ...first, ...now }).filter((name) => first[name] !== now[name]);
    // Names only: the first request's values may be another client's (keys are not yet scoped per caller).
    parts.push(names.map((name) => `another ${name === 'id' ? 'onboarding' : name}`).join(' and '));
  }
  if (claim.differs.includes('body')) parts.push('another body');
  return `${prefix} on this route with ${parts.join(' and ')}; ${suffix}`;
}
