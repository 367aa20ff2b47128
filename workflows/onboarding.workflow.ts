import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  ParentClosePolicy,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  startChild,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { CsmAssignmentActivities } from '../src/contracts/csm-assignment.contract';
import type { CutoverActivities } from '../src/contracts/cutover.contract';
import type { NotificationActivities, OutboundMessage } from '../src/contracts/notification.contract';
import {
  acknowledgeEscalationUpdate,
  approveGateUpdate,
  completeHandoffUpdate,
  completeTaskUpdate,
  cutoverFinishedSignal,
  cutoverStatusSignal,
  getStateQuery,
  type OnboardingView,
  recordMilestoneUpdate,
  recordRiskUpdate,
  requestCutoverUpdate,
  resolveRiskUpdate,
  rosterChangedSignal,
  setCohortUpdate,
} from '../src/contracts/onboarding.contract';
import type { OnboardingProjection, ReadModelActivities } from '../src/contracts/read-model.contract';
import { AT_RISK, CSM, STAGE, STATUS, WAITING_ON } from '../src/contracts/search-attributes';
import {
  acknowledgeEscalation,
  approveGate,
  assignCsm,
  type Command,
  completeHandoff,
  completeTask,
  cutoverStarted,
  recordCutoverOutcome,
  recordMilestone,
  recordRisk,
  requestCutover,
  resolveRisk,
  setCohort,
} from '../src/domain/commands';
import { csmAssignmentDue, noCsmCapacity, rosterChangeBeforeWait, rosterChanged } from '../src/domain/csm-wait';
import { DEFAULT_CUTOVER_PLAN } from '../src/domain/cutover';
import { hypercareReadingDue, recordHypercareReading, recordMissedHypercareReading } from '../src/domain/hypercare';
import { changedSince, csmAssignmentWanted, cutoversToStart, journeyOver } from '../src/domain/journey-pass';
import { cutoverWorkflow } from './cutover.workflow';
import { render } from './onboarding-messages';
import { isRefusal, type Refusal, refusalOf, refusalOfRun, sanitisedFallback } from './side-effect-refusals';
import {
  atRiskReasons,
  type OnboardingInput,
  type OnboardingState,
  startOnboarding,
  timeToValueDays,
} from '../src/domain/onboarding';
import { OnboardingRuleViolation } from '../src/domain/onboarding-rule-violation';
import { attributeAudit } from '../src/domain/outbox';
import type { Attributed } from '../src/domain/principal';
import type { Playbook } from '../src/domain/playbook';
import {
  projectionNeedsSanitising,
  recordSideEffectFailure,
  type SideEffect,
  withoutUnstorableCharacters,
} from '../src/domain/side-effects';
import { fireDueTimers, nextTimerAt } from '../src/domain/timers';
import { waitingOn } from '../src/domain/waiting-on';

const readModel = proxyActivities<ReadModelActivities & NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  // The database or the mail server may be down for a while; keep trying, the journey goes on.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const roster = proxyActivities<CsmAssignmentActivities>({
  startToCloseTimeout: '30 seconds',
  // For runs before CSM_CAPACITY_WAIT_PATCH: nobody with capacity made assignCsm retry slowly, forever.
  retry: { initialInterval: '10 seconds', maximumInterval: '1 hour' },
});

const assignment = proxyActivities<Pick<CsmAssignmentActivities, 'tryAssignCsm'>>({
  startToCloseTimeout: '30 seconds',
  // "No seat" is an answer, not a failure: only a database that is down makes this retry.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * A pass's work tried first in the worker's own process, as local activities: no task round trip
 * through the server, and neither the state nor the audit entries travel in the history (only a
 * marker with the small result does). One try, bounded to 1 s with its wait for a slot: a local
 * activity holds the workflow task, and with it the answers to the updates that came in it. A
 * database or mail server that is slow or down gets the regular activities instead, which retry
 * for as long as it takes without holding anything.
 */
const firstTry = proxyLocalActivities<
  Pick<ReadModelActivities, 'recordOnboardingPass'> &
    Pick<CsmAssignmentActivities, 'tryAssignCsm'> &
    NotificationActivities
>({
  scheduleToCloseTimeout: '1 second',
  retry: { maximumAttempts: 1 },
});

const platform = proxyActivities<Pick<CutoverActivities, 'readPlatformHealth'>>({
  startToCloseTimeout: '30 seconds',
  // A hypercare reading the platform cannot give after a few tries is recorded as missed.
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});

/**
 * Added while onboardings ran without it: the cutover plan (and its hypercare) comes from the
 * playbook, and a playbook without one has no cutover. Runs that started before used the default
 * plan, without hypercare, for any playbook; they keep it (also across continue-as-new, which
 * carries the playbook on). Replayed in CI: test/histories/high-touch-cutover-before-hypercare.
 */
const PLAN_FROM_PLAYBOOK_PATCH = 'cutover-plan-from-playbook';

/**
 * Added while onboardings ran without it: waiting for a CSM with a free seat is a state. Before,
 * the run blocked in assignCsm (retrying for hours) before projecting anything; now it asks
 * tryAssignCsm, and on "no capacity" is projected, audited, tells the CS lead, escalates, and
 * tries again on a timer and on the rosterChanged signal. Runs that already assigned by the old
 * path replay through it. Recorded: test/histories/waiting-for-csm-capacity.
 */
const CSM_CAPACITY_WAIT_PATCH = 'csm-capacity-wait';

/**
 * Added while onboardings ran without it: a rosterChanged signal that arrives while the first
 * tryAssignCsm is on its way (before the wait began) is recorded, so a "no capacity" answered
 * from before the change is tried again at once; before, it was ignored until the 15-minute
 * retry. Asked only when such a signal arrives, so other histories carry no marker.
 */
const ROSTER_CHANGE_BEFORE_WAIT_PATCH = 'roster-change-before-wait';

/**
 * Added while onboardings ran without it, to halve the cost of a pass: the pass's audit entries
 * and projection are written in one transaction by one local activity (recordOnboardingPass), the
 * CSM is asked for by a local activity, and each message is first tried by a local activity.
 * Before, each was its own activity, its payload (the whole state) in the history. Asked at the
 * first pass with something to write (or a CSM to ask for), so a run started before switches
 * there. A refused pass falls back to the separate writes, a message the local try could not
 * deliver to the regular activity, whose retries and refusal handling are unchanged.
 * Recorded: test/histories/local-activities*, switched-to-local-activities.
 */
const LOCAL_ACTIVITIES_PATCH = 'local-activities';

/**
 * Added while onboardings ran without it: the loop keeps one wake-up timer for the next due
 * instant and reuses it while that instant holds. Before, every wait started a timer and every
 * update that ended the wait cancelled it: two history events and two timer operations on the
 * server per command, though the next due instant rarely moves. Asked at each wait, so a running
 * onboarding switches at its next one. Recorded: test/histories/local-activities.
 */
const WAKE_UP_TIMER_PATCH = 'one-wake-up-timer';

/**
 * Added while onboardings ran without it, after the fault suite found a risk twice in the audit
 * log across a Temporal restart. An update's acceptance is stored only with the completion of the
 * workflow task that ran its handler, and a local activity runs before that completion: a pass
 * written locally in that task wrote what the history might never hold. When the task was lost
 * (server restarted, worker killed), the client sent its update again, it came in another order,
 * and the audit log kept the lost task's entry beside the new one (and lost another at its seq).
 * Now a pass with a change from an update not yet stored is written by the regular
 * recordOnboardingPass activity, which the same completion schedules: written only if stored.
 * Asked only for such a pass. Recorded: test/histories/updates-written-once-stored*.
 */
const UPDATES_WRITTEN_ONCE_STORED_PATCH = 'updates-written-once-stored';

/**
 * One customer onboarding, interpreting the playbook it was started with. Temporal holds the
 * live state; the rules live in src/domain and are pure. This function only wires them to
 * Temporal: updates in, timers, and side effects out through activities.
 */
export async function onboardingWorkflow(input: OnboardingInput): Promise<OnboardingView> {
  const playbook: Playbook =
    input.playbook.cutoverPlan || patched(PLAN_FROM_PLAYBOOK_PATCH)
      ? input.playbook
      : { ...input.playbook, cutoverPlan: DEFAULT_CUTOVER_PLAN };
  let state = input.resume ?? startOnboarding(input, new Date());
  let projectedRevision = 0;
  let published = '';
  /** The wake-up timer for the next due instant (WAKE_UP_TIMER_PATCH); `rang` once it fired. */
  let wakeUp: { at: number; scope: CancellationScope; rang: boolean } | undefined;
  /** An update changed the state, and no completion scheduled its writes yet (UPDATES_WRITTEN_ONCE_STORED_PATCH). */
  let updateNotStored = false;

  const publish = () => {
    const view = viewOf(state, playbook);
    const attributes = {
      stage: state.stage.key,
      status: state.status,
      csm: state.csm?.id ?? 'unassigned',
      waitingOn: view.waitingOn.kind,
      atRisk: view.atRisk,
    };
    // Upsert only on change: every upsert is a history event.
    if (JSON.stringify(attributes) === published) return;
    published = JSON.stringify(attributes);
    upsertSearchAttributes([
      { key: STAGE, value: attributes.stage },
      { key: STATUS, value: attributes.status },
      { key: CSM, value: attributes.csm },
      { key: WAITING_ON, value: attributes.waitingOn },
      { key: AT_RISK, value: attributes.atRisk },
    ]);
    setCurrentDetails(
      `**${state.status}**, stage *${state.stage.name}*` +
        `\n\nWaiting on **${view.waitingOn.kind}** since ${view.waitingOn.since}: ${view.waitingOn.detail}` +
        (view.atRisk ? `\n\nAt risk: ${view.atRiskReasons.join('; ')}` : ''),
    );
  };

  const handle = <C>(update: UpdateDefinition<OnboardingView, [C]>, command: Command<C>) =>
    setHandler(
      update,
      (c: C) => {
        const sinceSeq = state.auditSeq;
        state = asFailure(() => command.apply(state, playbook, c, new Date()));
        // The history holds the command with its principal; the audit log names it too.
        state = attributeAudit(state, sinceSeq, c as Partial<Attributed>);
        updateNotStored = true;
        publish();
        return viewOf(state, playbook);
      },
      // Synchronous on purpose: an async validator's rejection is never seen.
      { validator: (c: C) => asFailure(() => command.check(state, c, new Date(), playbook)) },
    );

  setHandler(getStateQuery, () => viewOf(state, playbook));
  handle(recordMilestoneUpdate, recordMilestone);
  handle(completeTaskUpdate, completeTask);
  handle(approveGateUpdate, approveGate);
  handle(recordRiskUpdate, recordRisk);
  handle(resolveRiskUpdate, resolveRisk);
  handle(completeHandoffUpdate, completeHandoff);
  handle(acknowledgeEscalationUpdate, acknowledgeEscalation);
  handle(requestCutoverUpdate, requestCutover);
  handle(setCohortUpdate, setCohort);
  setHandler(cutoverStatusSignal, ({ cutoverId, status }) => {
    state = cutoverStarted(state, cutoverId, status);
    publish();
  });
  setHandler(rosterChangedSignal, () => {
    if (rosterChangeBeforeWait(state) && !patched(ROSTER_CHANGE_BEFORE_WAIT_PATCH)) return;
    state = rosterChanged(state, new Date());
  });
  setHandler(cutoverFinishedSignal, (outcome) => {
    state = recordCutoverOutcome(state, playbook, outcome, new Date());
    publish();
  });

  for (;;) {
    // Updates run while this loop awaits activities: anything they change after this point is
    // seen by comparing with `seen` before sleeping.
    const seen = state.revision;
    state = fireDueTimers(state, playbook, new Date());
    if (csmAssignmentWanted(state)) {
      if (!patched(CSM_CAPACITY_WAIT_PATCH)) {
        const csm = await roster.assignCsm({ onboardingId: state.onboardingId, tier: state.tier });
        state = assignCsm(state, playbook, csm, new Date());
      } else if (csmAssignmentDue(state, new Date())) {
        const askedAt = new Date();
        const request = { onboardingId: state.onboardingId, tier: state.tier };
        const result = patched(LOCAL_ACTIVITIES_PATCH)
          ? await assignLocallyFirst(request)
          : await assignment.tryAssignCsm(request);
        state =
          result.outcome === 'assigned'
            ? assignCsm(state, playbook, result.csm, new Date())
            : noCsmCapacity(state, new Date(), askedAt);
      }
    }
    const hypercarePlan = playbook.cutoverPlan?.hypercare;
    if (hypercarePlan && hypercareReadingDue(state, new Date())) {
      try {
        const health = await platform.readPlatformHealth();
        state = recordHypercareReading(state, hypercarePlan, health, new Date());
      } catch (err) {
        state = recordMissedHypercareReading(state, hypercarePlan, String((err as Error)?.cause ?? err), new Date());
      }
    }
    for (const c of cutoversToStart(state)) {
      // A child, so the UI shows it under its onboarding; abandoned on close, so a
      // continue-as-new of the onboarding never cancels a cutover half-way.
      await startChild(cutoverWorkflow, {
        workflowId: c.cutoverId,
        // The plan of the playbook this onboarding started with (requestCutover refuses without one).
        args: [
          {
            cutoverId: c.cutoverId,
            onboardingId: state.onboardingId,
            parentWorkflowId: workflowInfo().workflowId,
            attempt: c.attempt,
            mode: c.mode,
            plan: playbook.cutoverPlan!,
          },
        ],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      state = cutoverStarted(state, c.cutoverId);
    }
    publish();
    // Write in the main loop rather than in handlers: one write at a time, bursts coalesce.
    const written = writesDue() && patched(LOCAL_ACTIVITIES_PATCH) && (await recordPass());
    if (!written) await carryOutEffects();
    // Projected apart: in runs from before LOCAL_ACTIVITIES_PATCH, and after a refused pass.
    if (!written && state.revision > projectedRevision) {
      const snapshot = state;
      const sanitised = projectionNeedsSanitising(snapshot);
      // Awaited right here, as before refusals were handled: one more async hop on the success
      // path changes when this loop runs relative to update handlers, and recorded histories
      // stop replaying. Refusals are handled only in the catch.
      try {
        await readModel.projectOnboarding(projectionOf(snapshot, playbook, sanitised));
        projectedRevision = snapshot.revision;
      } catch (err) {
        projectedRevision = await projectAfterRefusal(refusalOf(err), snapshot.revision, sanitised);
      }
    }
    if (journeyOver(state, projectedRevision)) {
      await roster.releaseCsm(state.onboardingId);
      return viewOf(state, playbook);
    }
    const { continueAsNewSuggested, historyLength } = workflowInfo();
    if (continueAsNewSuggested || historyLength >= (input.historyEventLimit ?? Infinity)) {
      // Let running update handlers finish so none is lost across the new run.
      await condition(allHandlersFinished);
      return await continueAsNew<typeof onboardingWorkflow>({ ...input, playbook, resume: state });
    }
    // Changed during this pass (by a timer, the CSM assignment or an update): go round again.
    if (changedSince(state, seen)) continue;
    const next = nextTimerAt(state, playbook);
    const changed = () => changedSince(state, seen);
    if (patched(WAKE_UP_TIMER_PATCH)) {
      wakeUpAt(next);
      await condition(() => changed() || wakeUp?.rang === true);
    } else if (next === undefined) await condition(changed);
    else await condition(changed, Math.max(next - Date.now(), 1));
  }

  /** Keeps the wake-up timer set for `at`: the one set already if it is for that instant and pending. */
  function wakeUpAt(at: number | undefined): void {
    if (wakeUp && wakeUp.at === at && !wakeUp.rang) return;
    wakeUp?.scope.cancel();
    wakeUp = undefined;
    if (at === undefined) return;
    const timer = { at, scope: new CancellationScope(), rang: false };
    timer.scope
      .run(() => sleep(Math.max(at - Date.now(), 1)))
      .then(
        () => (timer.rang = true),
        // Cancelled because the next due instant moved: a newer timer stands in for it.
        () => undefined,
      );
    wakeUp = timer;
  }

  function writesDue(): boolean {
    return state.outbox.length > 0 || state.revision > projectedRevision;
  }

  /**
   * One transaction for the audit entries queued on entry and the state as it is now, then the
   * queued messages: locally, or by the regular activities when an update's change is in it and
   * not yet stored (UPDATES_WRITTEN_ONCE_STORED_PATCH). False when the write was refused, or the
   * local try did not finish (the database slow or down): nothing was written, and the separate
   * activities take over for this pass.
   */
  async function recordPass(): Promise<boolean> {
    const queued = state.outbox.length;
    const snapshot = state;
    const local = !updateNotStored || !patched(UPDATES_WRITTEN_ONCE_STORED_PATCH);
    // Scheduled by the completion that stores those updates: any update after this is a new one.
    if (!local) updateNotStored = false;
    const audit = snapshot.outbox.flatMap((e) => (e.kind === 'audit' ? [e.entry] : []));
    const projection =
      snapshot.revision > projectedRevision
        ? projectionOf(snapshot, playbook, projectionNeedsSanitising(snapshot))
        : undefined;
    // Only messages to send: no transaction for nothing.
    const writes = audit.length > 0 || projection !== undefined;
    try {
      if (writes)
        await (local ? firstTry : readModel).recordOnboardingPass({
          onboardingId: snapshot.onboardingId,
          audit,
          projection,
        });
    } catch (err) {
      if (isCancellation(err)) throw err;
      // Refused, slow or down: the separate activities write it, with their retries and refusal handling.
      return false;
    }
    if (projection) projectedRevision = snapshot.revision;
    // Messages are tried locally once what they render is stored: a local pass's inputs were; a
    // regular write's result came in a later task, after the one that accepted the update.
    await carryOutEffects({ queued, from: snapshot, locally: local || writes });
    return true;
  }

  /**
   * Sends what the rules queued, in order: audit entries in batches (unless already written
   * with the pass), messages one by one. Only what was queued on entry: effects of updates that
   * arrive meanwhile wait for the next pass, so a stream of updates cannot hold off the
   * projection and the continue-as-new check. After a written pass, its messages are rendered from
   * the state it wrote, and tried locally first when that state is stored.
   */
  async function carryOutEffects(pass?: { queued: number; from: OnboardingState; locally: boolean }): Promise<void> {
    let budget = pass?.queued ?? state.outbox.length;
    while (budget > 0) {
      const head = state.outbox[0];
      if (head.kind === 'audit' && pass) {
        state = { ...state, outbox: state.outbox.slice(1) };
        budget -= 1;
      } else if (head.kind === 'audit') {
        let n = 0;
        while (n < budget && state.outbox[n].kind === 'audit') n++;
        const entries = state.outbox.slice(0, n).map((e) => (e.kind === 'audit' ? e.entry : undefined)!);
        try {
          await readModel.appendAudit(state.onboardingId, entries);
        } catch (err) {
          const refused = refusalOf(err);
          const fallback = await sanitisedFallback(refused, () =>
            readModel.appendAudit(state.onboardingId, withoutUnstorableCharacters(entries)),
          );
          recordRefusal('audit', `seq ${entries[0].seq}-${entries[n - 1].seq}`, refused, fallback);
        }
        // Handlers (and recordRefusal) only append to the outbox, so its head is still what was just carried out.
        state = { ...state, outbox: state.outbox.slice(n) };
        budget -= n;
      } else {
        const message = render(pass?.from ?? state, playbook, head.notice);
        if (message) {
          try {
            if (pass?.locally) await deliverLocallyFirst(message);
            else await readModel.deliverMessage(message);
          } catch (err) {
            const refused = refusalOf(err);
            const fallback = await sanitisedFallback(refused, () =>
              readModel.deliverMessage(withoutUnstorableCharacters(message)),
            );
            recordRefusal('message', message.key, refused, fallback);
          }
        }
        state = { ...state, outbox: state.outbox.slice(1) };
        budget -= 1;
      }
    }
  }

  /**
   * A refusal for good stands; any other failure of the local try goes to the regular activity (a
   * send the local try began holds the message's row, so the regular one never sends it twice).
   */
  async function deliverLocallyFirst(message: OutboundMessage): Promise<void> {
    try {
      await firstTry.deliverMessage(message);
      return;
    } catch (err) {
      if (isRefusal(err) || isCancellation(err)) throw err;
    }
    await readModel.deliverMessage(message);
  }

  /** The roster asked locally; a database slow or down gets the regular activity, which retries. */
  async function assignLocallyFirst(request: { onboardingId: string; tier: OnboardingState['tier'] }) {
    try {
      return await firstTry.tryAssignCsm(request);
    } catch (err) {
      if (isCancellation(err)) throw err;
    }
    return await assignment.tryAssignCsm(request);
  }

  /**
   * After a refused projection: the refusal is recorded first, so that the fallback (the same
   * state without the characters PostgreSQL refuses) shows it; once a fallback was needed, later
   * projections go sanitised at once. Returns the revision now counted as projected.
   */
  async function projectAfterRefusal(refused: Refusal, revision: number, wasSanitised: boolean): Promise<number> {
    recordRefusal('projection', `revision ${revision}`, refused, wasSanitised ? 'failed' : 'sanitised');
    // Not writable even sanitised: counted as done, or recording the refusal would project again forever.
    if (wasSanitised) return state.revision;
    const written = state.revision;
    const again = await refusalOfRun(() => readModel.projectOnboarding(projectionOf(state, playbook, true)));
    if (!again) return written;
    recordRefusal('projection', `revision ${written}`, again, 'failed');
    return state.revision;
  }

  function recordRefusal(
    effect: SideEffect,
    item: string,
    refused: Refusal,
    fallback: 'sanitised' | 'failed' | 'none',
  ): void {
    state = recordSideEffectFailure(
      state,
      { effect, item, type: refused.type, code: refused.code, fallback },
      new Date(),
    );
    publish();
  }
}

function projectionOf(state: OnboardingState, playbook: Playbook, sanitised: boolean): OnboardingProjection {
  const view = viewOf(state, playbook);
  const { outbox: _outbox, ...rest } = state;
  const projection = { state: rest, waitingOn: view.waitingOn, atRiskReasons: view.atRiskReasons };
  return sanitised ? withoutUnstorableCharacters(projection) : projection;
}

function viewOf(state: OnboardingState, playbook: Playbook): OnboardingView {
  const { outbox: _outbox, ...rest } = state;
  const reasons = atRiskReasons(state);
  return {
    ...rest,
    waitingOn: waitingOn(state, playbook),
    atRisk: reasons.length > 0,
    atRiskReasons: reasons,
    timeToValueDays: timeToValueDays(state) ?? null,
  };
}

/**
 * Domain rules throw OnboardingRuleViolation; Temporal only rejects an update cleanly on an
 * ApplicationFailure (anything else fails the workflow task and retries forever).
 */
function asFailure<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof OnboardingRuleViolation) {
      throw ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: true });
    }
    throw err;
  }
}
