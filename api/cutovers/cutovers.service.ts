import { Injectable } from '@nestjs/common';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { getCutoverStateQuery, operatorDecisionUpdate, signOffStageUpdate } from '../../src/contracts/cutover.contract';
import type { CutoverState, OperatorDecision, StageSignOff } from '../../src/domain/cutover';
import { notFound, refuse } from '../common/problem-details';
import { OnboardingsService } from '../onboardings/onboardings.service';

@Injectable()
export class CutoversService {
  constructor(
    private readonly temporal: Client,
    private readonly onboardings: OnboardingsService,
  ) {}

  /** A cutover or rehearsal attempt, answered by its own workflow. */
  async get(onboardingId: string, attempt: number): Promise<CutoverState> {
    const cutoverId = await this.cutoverId(onboardingId, attempt);
    return this.temporal.workflow.getHandle(cutoverId).query(getCutoverStateQuery);
  }

  /** An operator's decision about a compensation that keeps failing. */
  async decide(
    onboardingId: string,
    attempt: number,
    decision: OperatorDecision,
    updateId?: string,
  ): Promise<CutoverState> {
    const current = await this.get(onboardingId, attempt);
    // An ended cutover takes no update at all; say why in the same words as a running one.
    if (current.status !== 'needs-operator') {
      const earlier = await this.earlierOutcome(current.cutoverId, updateId);
      if (earlier) return earlier;
      throw refuse(409, 'NoDecisionPending', `cutover ${current.cutoverId} is ${current.status}: no decision pending`);
    }
    return this.update(current.cutoverId, operatorDecisionUpdate, decision, updateId);
  }

  /** A named owner's sign-off (or refusal) of the rollout stage the cutover waits on. */
  async signOff(
    onboardingId: string,
    attempt: number,
    /** The sign-off, given the role the stage waits for (the caller's role is checked against it). */
    signOff: (waitingRole: string | undefined) => StageSignOff,
    updateId?: string,
  ): Promise<CutoverState> {
    const current = await this.get(onboardingId, attempt);
    if (current.status !== 'awaiting-sign-off') {
      const earlier = await this.earlierOutcome(current.cutoverId, updateId);
      if (earlier) return earlier;
      throw refuse(409, 'NoSignOffPending', `cutover ${current.cutoverId} is ${current.status}: no sign-off pending`);
    }
    return this.update(current.cutoverId, signOffStageUpdate, signOff(current.awaitingSignOff?.role), updateId);
  }

  /**
   * The outcome of an update Temporal already applied under this id: a retry (same
   * Idempotency-Key) after an unknown outcome gets it, not a refusal because the cutover has
   * moved on since. Undefined when there was none.
   */
  private async earlierOutcome(cutoverId: string, updateId?: string): Promise<CutoverState | undefined> {
    if (!updateId) return undefined;
    try {
      return await this.temporal.workflow.getHandle(cutoverId).getUpdateHandle<CutoverState>(updateId).result();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /** `updateId` (from the request's idempotency record) makes Temporal apply a retried call once. */
  private update<A>(
    cutoverId: string,
    update: UpdateDefinition<CutoverState, [A]>,
    arg: A,
    updateId?: string,
  ): Promise<CutoverState> {
    return this.temporal.workflow.getHandle(cutoverId).executeUpdate(update, { args: [arg], updateId });
  }

  private async cutoverId(onboardingId: string, attempt: number): Promise<string> {
    const state = await this.onboardings.getState(onboardingId);
    const found = (state.cutovers ?? []).find((c) => c.attempt === attempt);
    if (!found) throw notFound(`onboarding ${onboardingId} has no cutover attempt ${attempt}`);
    return found.cutoverId;
  }
}
