import { HttpException, HttpStatus } from '@nestjs/common';
import {
  isGrpcServiceError,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { httpStatusOfRefusal } from '../../src/contracts/onboarding-errors';
import { PayloadDecryptionError } from '../../src/infra/payload-codec';
import { MAX_BODY_LABEL } from './http-hardening';
import { ProblemException, type ProblemOptions } from './problem-details';

/** gRPC status codes Temporal answers with (only those the API tells apart). */
const GRPC = {
  CANCELLED: 1,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  RESOURCE_EXHAUSTED: 8,
  INVALID_ARGUMENT: 3,
  FAILED_PRECONDITION: 9,
  UNAVAILABLE: 14,
};

/** Seconds a client should wait before retrying while a dependency is down. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * A change sent to Temporal whose answer did not come back within the deadline: it may or may not
 * have been applied. The same Idempotency-Key gives the retry the same Temporal id, so Temporal
 * applies it at most once and the retry's answer settles it.
 */
export const OUTCOME_UNKNOWN: ProblemOptions = {
  status: 503,
  code: 'OutcomeUnknown',
  detail: 'Temporal did not confirm the change in time; retry with the same Idempotency-Key to learn its outcome',
  retryAfter: RETRY_AFTER_SECONDS,
};

/**
 * What any error thrown while serving a request means to the caller, or undefined when it is
 * unexpected (a 500). Temporal's, PostgreSQL's and the HTTP layer's errors are mapped here and
 * nowhere else, so services need no try/catch.
 */
export function problemOf(err: unknown): ProblemOptions | undefined {
  if (err instanceof ProblemException) return err.problem;
  const undecodable = causeOfType(err, PayloadDecryptionError);
  if (undecodable) {
    // A configuration fault (a key removed from PAYLOAD_ENCRYPTION_KEYS too early), said as such;
    // the message names key ids only, never data.
    return {
      status: 500,
      code: 'PayloadNotDecodable',
      detail: `the API cannot decrypt what Temporal holds: ${undecodable.message}`,
    };
  }
  if (err instanceof WorkflowNotFoundError)
    return { status: 404, code: 'NotFound', detail: `${subjectOf(err.workflowId)} not found` };
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return { status: 409, code: 'AlreadyStarted', detail: `${subjectOf(err.workflowId)} already exists` };
  }
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const status = httpStatusOfRefusal(err.cause.type);
    if (status) return { status, code: err.cause.type!, detail: err.cause.message };
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return OUTCOME_UNKNOWN;
  if (err instanceof Error && /workflow execution already completed/i.test(err.message)) {
    return {
      status: 409,
      code: 'OnboardingEnded',
      detail: 'the onboarding (or attempt) has ended; it takes no more changes',
    };
  }
  const grpc = grpcCodeOf(err);
  if (grpc !== undefined) return grpcProblem(grpc, grpcTextOf(err));
  if (isPostgresUnavailable(err)) {
    return {
      status: 503,
      code: 'DependencyUnavailable',
      detail: 'the database is unavailable or did not answer within the deadline',
      retryAfter: RETRY_AFTER_SECONDS,
    };
  }
  const http = httpLayerProblem(err);
  if (http) return http;
  return undefined;
}

/** `onboarding-X` is an onboarding; `onboarding-X:cutover:2` one of its cutover attempts. */
function subjectOf(workflowId: string): string {
  if (/:(cutover|rehearsal):\d+$/.test(workflowId)) return `cutover attempt ${workflowId}`;
  return workflowId.startsWith('onboarding-') ? `onboarding ${workflowId}` : `workflow ${workflowId}`;
}

function grpcCodeOf(err: unknown): number | undefined {
  const candidate = err instanceof ServiceError ? err.cause : err;
  return isGrpcServiceError(candidate) ? candidate.code : undefined;
}

/** The wrapper's message and the server's own details: either may say why. */
function grpcTextOf(err: unknown): string {
  const cause = err instanceof ServiceError ? (err.cause as { details?: unknown } | undefined) : undefined;
  return `${(err as Error).message ?? ''} ${typeof cause?.details === 'string' ? cause.details : ''}`;
}

/** True when a call to Temporal ran out of time (the API's deadline) or was cancelled. */
export function isTemporalTimeout(err: unknown): boolean {
  const code = grpcCodeOf(err);
  return code === GRPC.DEADLINE_EXCEEDED || code === GRPC.CANCELLED;
}

/** True when Temporal says no worker polls the task queue, so no query can be answered. */
export function isWorkerUnavailable(err: unknown): boolean {
  return grpcCodeOf(err) === GRPC.FAILED_PRECONDITION && /no poller/i.test(grpcTextOf(err));
}

function grpcProblem(code: number, message: string): ProblemOptions | undefined {
  if (code === GRPC.DEADLINE_EXCEEDED || code === GRPC.CANCELLED) {
    return {
      status: 503,
      code: 'DependencyUnavailable',
      detail: 'Temporal did not answer within the deadline',
      retryAfter: RETRY_AFTER_SECONDS,
    };
  }
  if (code === GRPC.UNAVAILABLE || code === GRPC.RESOURCE_EXHAUSTED) {
    return {
      status: 503,
      code: 'DependencyUnavailable',
      detail: 'Temporal is unavailable',
      retryAfter: RETRY_AFTER_SECONDS,
    };
  }
  // A query needs a worker to answer it; none polling is an outage, not a bad request.
  if (code === GRPC.FAILED_PRECONDITION && /no poller/i.test(message)) {
    return {
      status: 503,
      code: 'WorkerUnavailable',
      detail: 'no worker is polling the onboardings task queue',
      retryAfter: RETRY_AFTER_SECONDS,
    };
  }
  if (code === GRPC.NOT_FOUND) return { status: 404, code: 'NotFound', detail: 'not found' };
  if (code === GRPC.ALREADY_EXISTS) return { status: 409, code: 'AlreadyExists', detail: 'already exists' };
  // Temporal refuses what it cannot store (an id, a header); nothing reaches it from a body unchecked.
  if (code === GRPC.INVALID_ARGUMENT)
    return { status: 400, code: 'InvalidArgument', detail: 'Temporal refused the request as invalid' };
  return undefined;
}

/**
 * Failures of `pg`, its pool and TypeORM that say the database is down, unreachable or too slow:
 * connection errors (class 08, shutdown 57P01/57P03), the server cancelling a statement past
 * `statement_timeout` (57014), and the client giving up (`query_timeout`, `connectionTimeoutMillis`).
 * TypeORM wraps the driver's error in `driverError`.
 */
function isPostgresUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; driverError?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (
    code &&
    (code.startsWith('08') ||
      ['57P01', '57P03', '57014', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code))
  ) {
    return true;
  }
  const message = typeof e?.message === 'string' ? e.message : '';
  if (
    /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|query read timeout|not queryable|canceling statement due to statement timeout/i.test(
      message,
    )
  ) {
    return true;
  }
  return e?.driverError !== undefined && e.driverError !== err && isPostgresUnavailable(e.driverError);
}

/** Nest's own HttpExceptions (no route, a pipe) and body-parser's errors (bad JSON, too large). */
function httpLayerProblem(err: unknown): ProblemOptions | undefined {
  if (err instanceof HttpException) {
    const status = err.getStatus();
    return { status, code: codeOfStatus(status), detail: detailOf(err) };
  }
  const e = err as { status?: unknown; statusCode?: unknown; type?: unknown; expose?: unknown };
  const status =
    typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  if (status && status >= 400 && status < 500 && e.expose !== false) {
    const detail =
      e.type === 'entity.parse.failed'
        ? 'the body is not valid JSON'
        : e.type === 'entity.too.large'
          ? `the body is larger than ${MAX_BODY_LABEL}`
          : (err as Error).message;
    return { status, code: codeOfStatus(status), detail };
  }
  return undefined;
}

/**
 * The framework's own refusals (no route, a param it cannot decode, a body it cannot parse)
 * quote the URL or the input in their message; a client gets a fixed text instead, since a
 * query string or a body may hold personal data.
 */
function detailOf(err: HttpException): string {
  const noRoute = /^Cannot (\w+) ([^?\s]*)/.exec(err.message);
  if (noRoute) return `no route for ${noRoute[1]} ${noRoute[2].slice(0, 200)}`;
  if (/JSON/.test(err.message)) return 'the body is not valid JSON';
  return `the request was refused (${err.getStatus()})`;
}

function codeOfStatus(status: number): string {
  const name = HttpStatus[status];
  if (!name) return 'HttpError';
  return name
    .toLowerCase()
    .split('_')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** The error itself or one of its causes, if of this class (the client wraps what a codec throws). */
function causeOfType<E extends Error>(err: unknown, type: new (...args: never[]) => E): E | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) if (e instanceof type) return e;
  return undefined;
}
