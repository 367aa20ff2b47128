import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Repository } from 'typeorm';
import type { UpdateDefinition } from '@temporalio/common';
import {
  getStateQuery,
  ONBOARDING_WORKFLOW_TYPE,
  onboardingIdForAccount,
  OnboardingView,
} from '../../src/contracts/onboarding.contract';
import { getCutoverStateQuery, operatorDecisionUpdate, signOffStageUpdate } from '../../src/contracts/cutover.contract';
import { ACCOUNT_ID, STAGE, STATUS, TIER } from '../../src/contracts/search-attributes';
import type { CutoverState, OperatorDecision, StageSignOff } from '../../src/domain/cutover';
import { OnboardingInput, startOnboarding } from '../../src/domain/onboarding';
import type { Segment } from '../../src/domain/segment';
import { segmentFor, tierFor } from '../../src/domain/segmentation';
import { PlaybookStore } from '../../src/playbooks/playbook-store';
import { SegmentationStore } from '../../src/playbooks/segmentation-store';
import { OnboardingRecord } from '../../src/persistence/entities/onboarding-record.entity';
import { TASK_QUEUE } from '../tokens';
import { ListOnboardingsQuery } from './dto/list-onboardings.query';
import { SEGMENT_OR_MEASURES, StartOnboardingDto } from './dto/start-onboarding.dto';
import { requestFingerprint } from './request-fingerprint';
import { toHttpError } from './temporal-errors';

export interface StartedOnboarding {
  onboardingId: string;
  accountId: string;
  segment: string;
  tier: string;
  playbookVersion: number;
  created: boolean;
}

interface OnboardingMemo {
  requestFingerprint: string;
  segment: string;
  tier: string;
  playbookVersion: number;
  /** The segmentation rule version that mapped the segment to the tier (and decided the segment if the CRM gave none). */
  segmentationVersion: number;
}

@Injectable()
export class OnboardingsService {
  constructor(
    private readonly temporal: Client,
    @Inject(TASK_QUEUE) private readonly taskQueue: string,
    @InjectRepository(OnboardingRecord) private readonly records: Repository<OnboardingRecord>,
    private readonly playbooks: PlaybookStore,
    private readonly segmentation: SegmentationStore,
  ) {}

  /**
   * Starts the onboarding for a closed-won deal. Temporal's workflow-id uniqueness makes this
   * idempotent: the same payload again returns the existing onboarding, a different one is a
   * conflict. Nothing is written anywhere else, so a failed start leaves nothing behind.
   */
  async start(dto: StartOnboardingDto): Promise<StartedOnboarding> {
    // The DTO's validation already says this; kept for callers that bypass the pipe.
    if (dto.segment === undefined && (dto.arr === undefined || dto.complexity === undefined)) {
      throw new BadRequestException([SEGMENT_OR_MEASURES]);
    }
    // The latest segmentation rule decides the segment when the CRM gives none, and the tier.
    const rule = await this.segmentation.latest();
    const segment: Segment = dto.segment ?? segmentFor(rule, { arr: dto.arr!, complexity: dto.complexity! });
    const tier = tierFor(rule, segment);
    // New onboardings take the latest published version; running ones keep theirs.
    const playbook = await this.playbooks.latest(tier);
    const onboardingId = onboardingIdForAccount(dto.account.id);
    const memo: OnboardingMemo = {
      requestFingerprint: requestFingerprint(dto),
      segment,
      tier,
      playbookVersion: playbook.version,
      segmentationVersion: rule.version,
    };
    const input: OnboardingInput = {
      onboardingId,
      account: { id: dto.account.id, name: dto.account.name },
      segment,
      tier,
      handoff: dto.handoff,
      salesOwner: { name: dto.salesOwner.name, email: dto.salesOwner.email },
      closedWonAt: new Date(dto.closedWonAt ?? Date.now()).toISOString(),
      playbook,
    };
    const initial = startOnboarding(input, new Date());
    try {
      await this.temporal.workflow.start(ONBOARDING_WORKFLOW_TYPE, {
        taskQueue: this.taskQueue,
        workflowId: onboardingId,
        args: [input],
        // A failed or terminated onboarding may be started again; a running or completed one not.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        memo: { ...memo },
        typedSearchAttributes: [
          { key: ACCOUNT_ID, value: dto.account.id },
          { key: TIER, value: tier },
          { key: STAGE, value: initial.stage.key },
          { key: STATUS, value: initial.status },
        ],
        staticSummary: `Onboarding of account ${dto.account.id} (${segment}, ${tier}, playbook v${playbook.version}, segmentation v${rule.version})`,
      });
      return { onboardingId, accountId: dto.account.id, segment, tier, playbookVersion: playbook.version, created: true };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const existing = (await this.temporal.workflow.getHandle(onboardingId).describe()).memo as Partial<OnboardingMemo>;
      if (existing?.requestFingerprint !== memo.requestFingerprint) {
        throw new ConflictException(
          `onboarding ${onboardingId} already exists for account ${dto.account.id} with a different closed-won payload`,
        );
      }
      return {
        onboardingId,
        accountId: dto.account.id,
        // What the onboarding started with: a rule published since does not change it.
        segment: existing.segment ?? segment,
        tier: existing.tier ?? tier,
        playbookVersion: existing.playbookVersion ?? playbook.version,
        created: false,
      };
    }
  }

  /** The live state, answered by the workflow itself. */
  async getState(onboardingId: string): Promise<OnboardingView> {
    try {
      return await this.temporal.workflow.getHandle(onboardingId).query(getStateQuery);
    } catch (err) {
      throw toHttpError(err, onboardingId);
    }
  }

  /**
   * Sends a command as a workflow update: the caller learns at once whether it was accepted.
   * An idempotency key becomes the update id, so Temporal applies a retried call once.
   */
  async update<C>(
    onboardingId: string,
    update: UpdateDefinition<OnboardingView, [C]>,
    command: C,
    idempotencyKey?: string,
  ): Promise<OnboardingView> {
    try {
      return await this.temporal.workflow.getHandle(onboardingId).executeUpdate(update, { args: [command], updateId: idempotencyKey });
    } catch (err) {
      throw toHttpError(err, onboardingId);
    }
  }

  /** A cutover or rehearsal attempt, answered by its own workflow. */
  async cutover(onboardingId: string, attempt: number): Promise<CutoverState> {
    const cutoverId = await this.cutoverId(onboardingId, attempt);
    try {
      return await this.temporal.workflow.getHandle(cutoverId).query(getCutoverStateQuery);
    } catch (err) {
      throw toHttpError(err, cutoverId);
    }
  }

  /** An operator's decision about a compensation that keeps failing. */
  async decideCutover(onboardingId: string, attempt: number, decision: OperatorDecision): Promise<CutoverState> {
    const current = await this.cutover(onboardingId, attempt);
    // An ended cutover takes no update at all; say why in the same words as a running one.
    if (current.status !== 'needs-operator') {
      throw new ConflictException({ statusCode: 409, error: 'NoDecisionPending', message: `cutover ${current.cutoverId} is ${current.status}: no decision pending` });
    }
    return this.updateCutover(current.cutoverId, operatorDecisionUpdate, decision);
  }

  /** A named owner's sign-off (or refusal) of the rollout stage the cutover waits on. */
  async signOffCutoverStage(onboardingId: string, attempt: number, signOff: StageSignOff): Promise<CutoverState> {
    const current = await this.cutover(onboardingId, attempt);
    if (current.status !== 'awaiting-sign-off') {
      throw new ConflictException({ statusCode: 409, error: 'NoSignOffPending', message: `cutover ${current.cutoverId} is ${current.status}: no sign-off pending` });
    }
    return this.updateCutover(current.cutoverId, signOffStageUpdate, signOff);
  }

  private async updateCutover<A>(cutoverId: string, update: UpdateDefinition<CutoverState, [A]>, arg: A): Promise<CutoverState> {
    try {
      return await this.temporal.workflow.getHandle(cutoverId).executeUpdate(update, { args: [arg] });
    } catch (err) {
      throw toHttpError(err, cutoverId);
    }
  }

  private async cutoverId(onboardingId: string, attempt: number): Promise<string> {
    const state = await this.getState(onboardingId);
    const found = (state.cutovers ?? []).find((c) => c.attempt === attempt);
    if (!found) throw new NotFoundException(`onboarding ${onboardingId} has no cutover attempt ${attempt}`);
    return found.cutoverId;
  }

  /** Who decided what, when, on what evidence: the audit log, oldest first. */
  async audit(onboardingId: string) {
    const rows = await this.records.manager.query(
      `SELECT seq, at, actor, action, details, evidence FROM audit_log WHERE onboarding_id = $1 ORDER BY seq`,
      [onboardingId],
    );
    return { onboardingId, entries: rows };
  }

  /** The list comes from PostgreSQL's read model, which may trail the live state by a moment. */
  async list(query: ListOnboardingsQuery): Promise<{ items: OnboardingRecord[]; total: number }> {
    const where = {
      ...(query.tier ? { tier: query.tier } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.stage ? { stage: query.stage } : {}),
      ...(query.csm ? { csmId: query.csm } : {}),
      ...(query.waitingOn ? { waitingOn: query.waitingOn } : {}),
      ...(query.atRisk !== undefined ? { atRisk: query.atRisk } : {}),
    };
    const [items, total] = await this.records.findAndCount({
      where,
      order: { closedWonAt: 'DESC', id: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return { items, total };
  }
}
