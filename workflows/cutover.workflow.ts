import {
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { CutoverActivities, CutoverOperationRequest } from '../src/contracts/cutover.contract';
import { getCutoverStateQuery, operatorDecisionUpdate, signOffStageUpdate } from '../src/contracts/cutover.contract';
import { cutoverFinishedSignal, cutoverStatusSignal } from '../src/contracts/onboarding.contract';
import { CUTOVER_STATUS } from '../src/contracts/search-attributes';

/**
 * Added while cutovers ran without it: the status as a search attribute, and the onboarding told
 * when an operator is needed. Recorded histories from before have neither, so it is patched.
 */
const VISIBLE_STATUS_PATCH = 'cutover-visible-status';
import {
  type CutoverInput,
  type CutoverState,
  type CutoverStepDefinition,
  healthBreach,
  type OperatorDecision,
  type StageSignOff,
  stepsFor,
} from '../src/domain/cutover';

/**
 * The cutover saga: runs the plan's steps in order; on a failure, undoes the completed ones in
 * exact reverse order. A compensation that keeps failing puts the cutover in `needs-operator`
 * until an operator decides (retry it, or say it was undone by hand).
 */
export async function cutoverWorkflow(input: CutoverInput): Promise<CutoverState> {
  const state = await runSaga(input);
  if (input.parentWorkflowId) {
    // Tell the onboarding, whatever happened: it records the attempt's facts. An onboarding that
    // has ended since cannot be told; the cutover's own result still says everything.
    await CancellationScope.nonCancellable(() =>
      getExternalWorkflowHandle(input.parentWorkflowId!).signal(cutoverFinishedSignal, {
        cutoverId: state.cutoverId,
        attempt: state.attempt,
        mode: state.mode,
        status: state.status === 'succeeded' ? 'succeeded' : 'rolled-back',
        failure: state.failure,
        reconciliation: state.reconciliation,
        rehearsal: state.rehearsal,
        rollbackInvoked: state.rollbackInvoked,
        signOffs: state.signOffs,
        operatorDecisions: state.operatorDecisions,
      }),
    ).catch(() => undefined);
  }
  return state;
}

async function runSaga(input: CutoverInput): Promise<CutoverState> {
  const state: CutoverState = {
    cutoverId: input.cutoverId,
    onboardingId: input.onboardingId,
    attempt: input.attempt,
    mode: input.mode,
    status: 'running',
    steps: stepsFor(input.plan, input.mode).map((s) => ({ key: s.key, name: s.name, status: 'pending' })),
    compensationOrder: [],
    rollbackInvoked: false,
  };
  let decision: OperatorDecision | undefined;
  let signOff: StageSignOff | undefined;
  const { retry } = input.plan;
  const forward = proxyActivities<CutoverActivities>({
    startToCloseTimeout: '30 minutes',
    // A migration reports a checkpoint at every batch; a silent worker is retried from it.
    heartbeatTimeout: retry.heartbeatTimeoutMs ?? 60_000,
    retry: {
      initialInterval: retry.initialIntervalMs,
      maximumInterval: '30 seconds',
      maximumAttempts: retry.stepAttempts,
    },
  });
  const undo = proxyActivities<CutoverActivities>({
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: retry.heartbeatTimeoutMs ?? 60_000,
    // Compensations try hard; when they still fail, an operator decides (never silently).
    retry: {
      initialInterval: retry.initialIntervalMs,
      maximumInterval: '30 seconds',
      maximumAttempts: retry.compensationAttempts,
    },
  });

  setHandler(getCutoverStateQuery, () => state);
  setHandler(
    operatorDecisionUpdate,
    (d) => {
      decision = d;
      (state.operatorDecisions ??= []).push({ ...d, step: state.operatorNeeded!.step, at: new Date().toISOString() });
      return state;
    },
    {
      validator: (d) => {
        if (state.status !== 'needs-operator') {
          throw ApplicationFailure.create({
            type: 'NoDecisionPending',
            message: `cutover ${state.cutoverId} is ${state.status}: no decision pending`,
            nonRetryable: true,
          });
        }
        if (d?.decision !== 'retry' && d?.decision !== 'done-by-hand') {
          throw ApplicationFailure.create({
            type: 'InvalidCommand',
            message: "decision must be 'retry' or 'done-by-hand'",
            nonRetryable: true,
          });
        }
        if (typeof d.actor !== 'string' || !d.actor) {
          throw ApplicationFailure.create({
            type: 'InvalidCommand',
            message: 'actor must be a non-empty string',
            nonRetryable: true,
          });
        }
      },
    },
  );

  setHandler(
    signOffStageUpdate,
    (given) => {
      signOff = given;
      (state.signOffs ??= []).push(given);
      return state;
    },
    {
      // Only the stage that waits, and only by its named owner's role.
      validator: (given) => {
        const waiting = state.awaitingSignOff;
        if (!waiting || given?.step !== waiting.step) {
          throw ApplicationFailure.create({
            type: 'NoSignOffPending',
            message: `no sign-off pending for step '${given?.step}'`,
            nonRetryable: true,
          });
        }
        if (given.role !== waiting.role) {
          throw ApplicationFailure.create({
            type: 'SignOffNotAllowed',
            message: `step '${waiting.step}' is signed off by ${waiting.role}, not ${given.role}`,
            nonRetryable: true,
          });
        }
        if (typeof given.actor !== 'string' || !given.actor || typeof given.approve !== 'boolean') {
          throw ApplicationFailure.create({
            type: 'InvalidCommand',
            message: 'actor and approve (true or false) are required',
            nonRetryable: true,
          });
        }
      },
    },
  );

  const step = (key: string) => state.steps.find((s) => s.key === key)!;
  const request = (s: CutoverStepDefinition, direction: 'do' | 'undo', round = 0): CutoverOperationRequest => ({
    cutoverId: input.cutoverId,
    mode: input.mode,
    step: s.key,
    operation: direction === 'do' ? s.action : s.compensation!,
    params: s.params,
    batchSize: input.plan.batchSize,
    reconciliationThreshold: input.plan.reconciliationThreshold,
    idempotencyKey: `${input.cutoverId}:${s.key}:${direction}${round ? `:${round}` : ''}`,
  });
  let published: string | undefined;
  const show = () => {
    setCurrentDetails(`**${state.status}**\n\n${state.steps.map((s) => `- ${s.name}: ${s.status}`).join('\n')}`);
    if (state.status !== published && patched(VISIBLE_STATUS_PATCH)) {
      upsertSearchAttributes([{ key: CUTOVER_STATUS, value: state.status }]);
      published = state.status;
    }
  };
  const tellParent = async (status: 'running' | 'needs-operator') => {
    if (input.parentWorkflowId && patched(VISIBLE_STATUS_PATCH)) {
      await getExternalWorkflowHandle(input.parentWorkflowId)
        .signal(cutoverStatusSignal, { cutoverId: input.cutoverId, status })
        .catch(() => undefined);
    }
  };

  /** The blast-radius limit of a rollout stage: a breach fails the step, and the saga rolls back. */
  const watchHealth = async (s: CutoverStepDefinition) => {
    const check = s.healthCheck!;
    for (let i = 0; i < check.checks; i++) {
      if (i > 0) await sleep(check.intervalMs);
      const health = await forward.readPlatformHealth();
      (state.healthChecks ??= []).push({ step: s.key, ...health });
      const breach = healthBreach(check, health);
      if (breach) {
        throw ApplicationFailure.create({ type: 'HealthBreach', message: `${s.name}: ${breach}`, nonRetryable: true });
      }
    }
  };

  /** A named owner's sign-off of a rollout stage; a refusal rolls back like any failure. */
  const awaitSignOff = async (s: CutoverStepDefinition) => {
    signOff = undefined;
    state.awaitingSignOff = { step: s.key, role: s.signOff!.role };
    state.status = 'awaiting-sign-off';
    show();
    await condition(() => signOff !== undefined);
    const given = signOff!;
    state.awaitingSignOff = undefined;
    state.status = 'running';
    show();
    if (!given.approve) {
      throw ApplicationFailure.create({
        type: 'SignOffRefused',
        message: `${s.name}: sign-off refused by ${given.actor}${given.note ? ` (${given.note})` : ''}`,
        nonRetryable: true,
      });
    }
  };

  // Compensations are registered before their step runs: a step can succeed and its reply be lost.
  const toUndo: CutoverStepDefinition[] = [];
  try {
    for (const s of stepsFor(input.plan, input.mode)) {
      toUndo.push(s);
      step(s.key).status = 'running';
      show();
      const result = await forward.runCutoverOperation(request(s, 'do'));
      if (result.reconciliation) state.reconciliation = result.reconciliation;
      if (s.healthCheck) await watchHealth(s);
      if (s.signOff) await awaitSignOff(s);
      step(s.key).status = 'done';
    }
    if (input.mode === 'cutover') {
      state.status = 'succeeded';
      show();
      return state;
    }
    state.rehearsal = { passed: true, accuracy: state.reconciliation?.accuracy };
  } catch (err) {
    const failed = toUndo[toUndo.length - 1];
    const error = messageOf(err);
    state.failure = { step: failed.key, error };
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof ApplicationFailure && cause.type === 'ReconciliationMismatch' && cause.details?.[0]) {
      state.reconciliation = cause.details[0] as CutoverState['reconciliation'];
    }
    step(failed.key).status = 'failed';
    step(failed.key).error = error;
    if (input.mode === 'rehearsal') state.rehearsal = { passed: false, accuracy: state.reconciliation?.accuracy };
  }

  // A failed cutover rolls back; a rehearsal always cleans up behind itself.
  state.status = 'compensating';
  state.rollbackInvoked = input.mode === 'cutover';
  show();
  await CancellationScope.nonCancellable(async () => {
    for (const s of [...toUndo].reverse()) {
      const current = step(s.key);
      if (!s.compensation) {
        // Nothing to undo (a check); it still counts in the order, so the order is auditable.
        state.compensationOrder.push(s.key);
        if (current.status === 'done') current.status = 'compensated';
        continue;
      }
      current.status = 'compensating';
      for (let round = 0; ; round++) {
        try {
          await undo.runCutoverOperation(request(s, 'undo', round));
          current.status = 'compensated';
          break;
        } catch (err) {
          state.status = 'needs-operator';
          state.operatorNeeded = { step: s.key, error: messageOf(err), since: new Date().toISOString() };
          show();
          await tellParent('needs-operator');
          decision = undefined;
          await condition(() => decision !== undefined);
          const made = decision!;
          state.operatorNeeded = undefined;
          state.status = 'compensating';
          show();
          await tellParent('running');
          if (made.decision === 'done-by-hand') {
            current.status = 'compensated-by-operator';
            break;
          }
        }
      }
      state.compensationOrder.push(s.key);
    }
  });
  state.status = state.rehearsal?.passed ? 'succeeded' : 'rolled-back';
  show();
  return state;
}

function messageOf(err: unknown): string {
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof Error) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
