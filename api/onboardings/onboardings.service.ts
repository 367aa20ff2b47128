import { Inject, Injectable } from '@nestjs/common';
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
import { ACCOUNT_ID, STAGE, STATUS, TIER } from '../../src/contracts/search-attributes';
import { OnboardingInput, startOnboarding } from '../../src/domain/onboarding';
import type { Segment } from '../../src/domain/segment';
import { segmentFor, tierFor } from '../../src/domain/segmentation';
import { LatestPublished } from '../../src/playbooks/latest-published';
import { OnboardingRecord } from '../../src/persistence/entities/onboarding-record.entity';
import { invalidRequest, ProblemException, refuse } from '../common/problem-details';
import { isTemporalTimeout, isWorkerUnavailable, OUTCOME_UNKNOWN } from '../common/problem-of';
import { projectedView, type ProjectedOnboardingView, type ReadModelReason } from './projected-view';
import { LIVE_STATE_TIMEOUT_MS, TASK_QUEUE } from '../common/tokens';
import { ListOnboardingsQuery } from './dto/list-onboardings.query';
import { SEGMENT_OR_MEASURES, StartOnboardingDto } from './dto/start-onboarding.dto';
import { requestFingerprint } from '../common/request-fingerprint';

export type StateReading =
  { source: 'live'; view: OnboardingView } | { source: 'read-model'; view: ProjectedOnboardingView };

/** Why the workflow's own answer did not come, when the read model may answer instead. */
function workerDidNotAnswer(err: unknown): ReadModelReason | undefined {
  if (isTemporalTimeout(err)) return 'live-state-timeout';
  if (isWorkerUnavailable(err)) return 'worker-unavailable';
  return undefined;
}

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
    private readonly published: LatestPublished,
    @Inject(LIVE_STATE_TIMEOUT_MS) private readonly liveStateTimeoutMs: number,
  ) {}

  /**
   * Starts the onboarding for a closed-won deal. Temporal's workflow-id uniqueness makes this
   * idempotent: the same payload again returns the existing onboarding, a different one is a
   * conflict. Nothing is written anywhere else, so a failed start leaves nothing behind.
   */
  async start(dto: StartOnboardingDto): Promise<StartedOnboarding> {
    // The DTO's validation already says this; kept for callers that bypass the pipe.
    if (dto.segment === undefined && (dto.arr === undefined || dto.complexity === undefined)) {
      throw invalidRequest([{ path: 'segment', message: SEGMENT_OR_MEASURES }]);
    }
    // The latest segmentation rule decides the segment when the CRM gives none, and the tier.
    // Both are cached in this process until a publish is notified (src/playbooks/latest-published.ts).
    const rule = await this.published.segmentationRule();
    const segment: Segment = dto.segment ?? segmentFor(rule, { arr: dto.arr!, complexity: dto.complexity! });
    const tier = tierFor(rule, segment);
    // New onboardings take the latest published version; running ones keep theirs.
    const playbook = await this.published.playbook(tier);
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
      ...(dto.cohort ? { cohort: dto.cohort } : {}),
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
      return {
        onboardingId,
        accountId: dto.account.id,
        segment,
        tier,
        playbookVersion: playbook.version,
        created: true,
      };
    } catch (err) {
      // The start may have reached Temporal: a retry settles it (same payload, same onboarding).
      if (isTemporalTimeout(err)) throw new ProblemException(OUTCOME_UNKNOWN);
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const existing = (await this.temporal.workflow.getHandle(onboardingId).describe())
        .memo as Partial<OnboardingMemo>;
      if (existing?.requestFingerprint !== memo.requestFingerprint) {
        throw refuse(
          409,
          'OnboardingExists',
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

  /** The live state, answered by the workflow itself (what a command's checks need). */
  async getState(onboardingId: string): Promise<OnboardingView> {
    return this.temporal.workflow.getHandle(onboardingId).query(getStateQuery);
  }

  /**
   * The state for reading: the workflow's own answer when a worker gives it within
   * API_LIVE_STATE_TIMEOUT_MS, otherwise the read model's row, marked as the projection of
   * revision N at projected_at. A query is answered by a worker, after any workflow task of that
   * onboarding already queued: behind a burst it waits for the backlog, however the worker is tuned
   * (docs/ARCHITECTURE.md, "State reads under load").
   */
  async readState(onboardingId: string): Promise<StateReading> {
    // Asked under the request's own deadline: when the read model cannot stand in, the live
    // answer may still come within it (a workflow task held for a moment, the database down).
    const live = this.getState(onboardingId);
    const settled = live.then(
      (view) => ({ view }),
      (err: unknown) => ({ err }),
    );
    const waited = new Promise<undefined>((r) => setTimeout(() => r(undefined), this.liveStateTimeoutMs).unref());
    const first = await Promise.race([settled, waited]);
    if (first && 'view' in first) return { source: 'live', view: first.view };
    const reason = first ? workerDidNotAnswer(first.err) : 'live-state-timeout';
    if (!reason) throw first!.err;
    const record = await this.records.findOneBy({ id: onboardingId }).catch(() => undefined);
    // Not projected yet, or the database unavailable too: the live answer or its failure, then.
    if (!record) return { source: 'live', view: await live };
    return { source: 'read-model', view: projectedView(record, reason) };
  }

  /**
   * Sends a command as a workflow update: the caller learns at once whether it was accepted.
   * `updateId` (derived from the request's idempotency record) makes Temporal apply a retried call once.
   */
  async update<C>(
    onboardingId: string,
    update: UpdateDefinition<OnboardingView, [C]>,
    command: C,
    updateId?: string,
  ): Promise<OnboardingView> {
    return this.temporal.workflow.getHandle(onboardingId).executeUpdate(update, { args: [command], updateId });
  }

  /**
   * Waits, up to `withinMs`, until the audit log holds the onboarding's entries up to `seq` (the
   * `auditSeq` of a command's answer). The workflow writes them once the command's workflow task
   * is stored, a moment after the answer: a page that shows the audit log right after its own
   * command waits for them, so the user sees what they just did. Answers whether they came.
   */
  async untilAudited(onboardingId: string, seq: number, withinMs = 3000): Promise<boolean> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const [{ last }] = await this.records.manager.query(
        'SELECT coalesce(max(seq), 0)::int AS last FROM audit_log WHERE onboarding_id = $1',
        [onboardingId],
      );
      if (last >= seq) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Who decided what (the authenticated principal and its role), when, on what evidence: the audit log, oldest first. */
  async audit(onboardingId: string) {
    const rows = await this.records.manager.query(
      // principalKind/principalId/actingRole: the authenticated caller behind `actor`, its label
      // (empty on what the onboarding did by itself); actorNote: the caller's own note.
      `SELECT seq, at, actor, action, details, evidence, principal_kind AS "principalKind",
              principal_id AS "principalId", acting_role AS "actingRole", actor_note AS "actorNote"
         FROM audit_log WHERE onboarding_id = $1 ORDER BY seq`,
      [onboardingId],
    );
    // An onboarding not yet projected still has a workflow: only then is "no entries" true.
    if (rows.length === 0 && !(await this.records.existsBy({ id: onboardingId }))) {
      await this.temporal.workflow.getHandle(onboardingId).describe();
    }
    return { onboardingId, entries: rows };
  }

  /** The list comes from PostgreSQL's read model, which may trail the live state by a moment. */
  async list(query: ListOnboardingsQuery): Promise<{ items: OnboardingRecord[]; total: number }> {
    const where = {
      ...(query.tier ? { tier: query.tier } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.stage ? { stage: query.stage } : {}),
      ...(query.csm ? { csmId: query.csm } : {}),
      ...(query.cohort ? { cohort: query.cohort } : {}),
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
