import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { rosterChangedSignal, WAITING_FOR_CSM_QUERY } from '../contracts/onboarding.contract';

export interface SignalWaitersOptions {
  /**
   * Tell at most this many, those whose run started first (waiting longest) first. Default:
   * every one found.
   */
  limit?: number;
  /**
   * Give up at this time (epoch ms), without failing: the list and the signals carry it as their
   * gRPC deadline, a signal past it is abandoned and the rest are not sent.
   */
  deadline?: number;
  /** Called as the list is read and after each signal (an activity heartbeats). */
  progress?: () => void;
  /** A signal failed (or ran past the deadline); the others are still sent. */
  onSignalFailed?: (workflowId: string, err: unknown) => void;
}

export interface SignalWaitersOutcome {
  /** Waiting onboardings found by the visibility query. */
  found: number;
  /** Signals delivered. */
  told: number;
  /** Signals that failed or were abandoned at the deadline (not counting runs gone meanwhile). */
  failed: number;
}

/**
 * Tells the onboardings waiting for a CSM with a free seat that the roster changed, so they try
 * again now rather than at their next retry. The single place that finds and signals them (the
 * roster API and the release of a CSM both use it). Visibility may trail by a moment: an
 * onboarding that starts waiting just now is missed, and so are those past `limit` or the
 * deadline; their own retry timer (15 min) covers them. A failed signal does not stop the others;
 * a failed list (visibility down) throws.
 */
export async function signalOnboardingsWaitingForCsm(
  client: Client,
  options: SignalWaitersOptions = {},
): Promise<SignalWaitersOutcome> {
  const { limit, deadline, progress, onSignalFailed } = options;
  const bounded = <T>(fn: () => Promise<T>): Promise<T> =>
    deadline === undefined ? fn() : withinDeadline(deadline, () => client.withDeadline(deadline, fn));

  // SQL visibility cannot ORDER BY: read the ids (cheap, a page per call) and keep the oldest.
  const waiting = await bounded(async () => {
    const runs: { workflowId: string; startedAt: number }[] = [];
    for await (const run of client.workflow.list({ query: WAITING_FOR_CSM_QUERY })) {
      runs.push({ workflowId: run.workflowId, startedAt: run.startTime.getTime() });
      if (limit !== undefined && runs.length > limit) {
        runs.sort(oldestFirst);
        runs.length = limit;
      }
      progress?.();
    }
    return runs.sort(oldestFirst);
  });

  const outcome: SignalWaitersOutcome = { found: waiting.length, told: 0, failed: 0 };
  for (const [i, { workflowId }] of waiting.entries()) {
    if (deadline !== undefined && Date.now() >= deadline) {
      outcome.failed += waiting.length - i;
      onSignalFailed?.(workflowId, new Error(`deadline passed: ${waiting.length - i} onboarding(s) not told`));
      break;
    }
    try {
      await bounded(() => client.workflow.getHandle(workflowId).signal(rosterChangedSignal));
      outcome.told += 1;
    } catch (err) {
      // Completed or continued meanwhile: nothing to tell.
      if (!(err instanceof WorkflowNotFoundError)) {
        outcome.failed += 1;
        onSignalFailed?.(workflowId, err);
      }
    }
    progress?.();
  }
  return outcome;
}

function oldestFirst(a: { startedAt: number }, b: { startedAt: number }): number {
  return a.startedAt - b.startedAt;
}

/** Settles by `deadline` at the latest, even if the call itself does not honour its gRPC deadline. */
async function withinDeadline<T>(deadline: number, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`deadline of ${new Date(deadline).toISOString()} passed`)),
      Math.max(deadline - Date.now(), 0),
    );
  });
  try {
    return await Promise.race([fn(), late]);
  } finally {
    clearTimeout(timer);
  }
}
