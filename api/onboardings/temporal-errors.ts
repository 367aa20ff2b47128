import { ConflictException, HttpException, NotFoundException } from '@nestjs/common';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { HTTP_STATUS_BY_VIOLATION } from '../../src/contracts/onboarding-errors';

/** Refusals of the cutover workflow's own updates. */
const CUTOVER_STATUS: Record<string, number> = {
  NoDecisionPending: 409,
  NoSignOffPending: 409,
  SignOffNotAllowed: 403,
  InvalidCommand: 400,
};

/**
 * Turns what Temporal answers into the HTTP error a caller can act on. A refused command
 * arrives as an ApplicationFailure whose type is a rule-violation code; anything unexpected is
 * rethrown and becomes a 500.
 */
export function toHttpError(err: unknown, onboardingId: string): unknown {
  if (err instanceof WorkflowNotFoundError) {
    return new NotFoundException(`onboarding ${onboardingId} not found`);
  }
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const status =
      HTTP_STATUS_BY_VIOLATION[err.cause.type as keyof typeof HTTP_STATUS_BY_VIOLATION] ?? CUTOVER_STATUS[err.cause.type ?? ''];
    if (status) return new HttpException({ statusCode: status, error: err.cause.type, message: err.cause.message }, status);
  }
  if (isCompletedWorkflowError(err)) {
    return new ConflictException(`onboarding ${onboardingId} has already ended; it takes no more changes`);
  }
  return err;
}

function isCompletedWorkflowError(err: unknown): boolean {
  return err instanceof Error && /workflow execution already completed/i.test(err.message);
}
