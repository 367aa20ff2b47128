/**
 * What each kind of error means to a caller, decided in one place (api/common/problem-of.ts).
 * The errors are built as Temporal's client and `pg` build them.
 */
import { NotFoundException } from '@nestjs/common';
import { ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { isTemporalTimeout, isWorkerUnavailable, problemOf } from '../../api/common/problem-of';

/** As the client throws them: the server's details on the gRPC cause, its own words on the wrapper. */
function grpcError(code: number, details: string, message = details): ServiceError {
  const cause = Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
  return new ServiceError(message, { cause });
}

it.each([
  [
    'an unknown onboarding',
    new WorkflowNotFoundError('not found', 'onboarding-acme', undefined),
    { status: 404, code: 'NotFound', detail: 'onboarding onboarding-acme not found' },
  ],
  [
    'an unknown cutover attempt',
    new WorkflowNotFoundError('not found', 'onboarding-acme:cutover:2', undefined),
    { status: 404, detail: 'cutover attempt onboarding-acme:cutover:2 not found' },
  ],
  [
    'a workflow id already taken',
    new WorkflowExecutionAlreadyStartedError('started', 'onboarding-acme', 'onboardingWorkflow'),
    { status: 409, code: 'AlreadyStarted' },
  ],
  [
    "a validator's refusal",
    new WorkflowUpdateFailedError(
      'refused',
      ApplicationFailure.create({ type: 'TaskLocked', message: "task 'x' is locked", nonRetryable: true }),
    ),
    { status: 409, code: 'TaskLocked', detail: "task 'x' is locked" },
  ],
  [
    "a cutover's refusal",
    new WorkflowUpdateFailedError(
      'refused',
      ApplicationFailure.create({ type: 'SignOffNotAllowed', message: 'not yours', nonRetryable: true }),
    ),
    { status: 403, code: 'SignOffNotAllowed' },
  ],
  [
    'Temporal unavailable',
    grpcError(14, 'connection refused'),
    { status: 503, code: 'DependencyUnavailable', retryAfter: expect.any(Number) },
  ],
  ['a deadline passed', grpcError(4, 'deadline exceeded'), { status: 503, retryAfter: expect.any(Number) }],
  [
    'no worker polling (a query)',
    grpcError(9, 'no poller seen for task queue recently, worker may be down', 'Failed to query workflow'),
    { status: 503, code: 'WorkerUnavailable', retryAfter: expect.any(Number) },
  ],
  ['an argument Temporal refuses', grpcError(3, 'update id too long'), { status: 400, code: 'InvalidArgument' }],
  [
    'PostgreSQL down',
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    { status: 503, code: 'DependencyUnavailable' },
  ],
  [
    'PostgreSQL shutting down',
    Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    { status: 503 },
  ],
  ["Nest's own 404", new NotFoundException('Cannot GET /nowhere'), { status: 404, code: 'NotFound' }],
])('maps %s', (_case, err, expected) => {
  expect(problemOf(err)).toMatchObject(expected);
});

it.each([
  ['an unexpected error', new TypeError("Cannot read properties of undefined (reading 'x')")],
  [
    'a refusal code no workflow defines',
    new WorkflowUpdateFailedError('x', ApplicationFailure.create({ type: 'SomethingNew', message: 'x' })),
  ],
  ['a value that is not an Error', 'boom'],
])('leaves %s unmapped (a 500 with an error id)', (_case, err) => {
  expect(problemOf(err)).toBeUndefined();
});

it('tells the failures after which the read model answers a state read: a deadline, or no worker polling', () => {
  const noPoller = grpcError(
    9,
    'no poller seen for task queue recently, worker may be down',
    'Failed to query workflow',
  );
  expect([isWorkerUnavailable(noPoller), isTemporalTimeout(noPoller)]).toEqual([true, false]);
  expect(isTemporalTimeout(grpcError(4, 'deadline exceeded'))).toBe(true);
  // Another precondition, or Temporal itself unreachable: not a worker that is late.
  expect(isWorkerUnavailable(grpcError(9, 'workflow is not running'))).toBe(false);
  expect(isWorkerUnavailable(grpcError(14, 'connection refused'))).toBe(false);
});
