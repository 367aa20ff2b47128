import { ActivityFailure, ApplicationFailure, patched } from '@temporalio/workflow';
import {
  PERMANENT_SIDE_EFFECT_FAILURES,
  PERMANENT_WRITE_FAILURE,
  type PermanentFailureDetails,
} from '../src/contracts/side-effect-failures';

/**
 * How the onboarding workflow tells a side effect refused for good (the activity did not retry
 * it) from any other failure; the rules of what follows are in src/domain/side-effects.ts.
 */

/**
 * Added while onboardings ran without it: a projection, audit batch or message the database or
 * the mail server refuses for good (a non-retryable PermanentWriteFailure / MessageRefused) is
 * recorded and the journey goes on; code before failed the workflow on it (its activities then
 * retried forever instead). Checked only when such a failure arrives, so histories without one
 * replay unchanged. Recorded: test/histories/poisoned-account-name.
 */
export const SIDE_EFFECT_FAILURES_PATCH = 'side-effect-failures-recorded';

export interface Refusal {
  type: string;
  code: string;
}

/**
 * The refusal an activity failure carries: a permanent side-effect failure (which the activity
 * did not retry). Anything else is thrown on, as before refusals were handled.
 */
export function refusalOf(err: unknown): Refusal {
  // A local activity's failure arrives as its own ApplicationFailure, not in an ActivityFailure.
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!isRefusal(err) || !(cause instanceof ApplicationFailure) || !patched(SIDE_EFFECT_FAILURES_PATCH)) throw err;
  const details = cause.details?.[0] as PermanentFailureDetails | undefined;
  return { type: cause.type!, code: details?.code ?? 'unknown' };
}

/** Whether an activity's failure is a refusal for good (see refusalOf), without asking the patch. */
export function isRefusal(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return (
    cause instanceof ApplicationFailure &&
    (PERMANENT_SIDE_EFFECT_FAILURES as readonly string[]).includes(cause.type ?? '')
  );
}

/** Runs a fallback write: undefined when it succeeds, its refusal when it is refused too. */
export async function refusalOfRun(run: () => Promise<unknown>): Promise<Refusal | undefined> {
  try {
    await run();
    return undefined;
  } catch (err) {
    return refusalOf(err);
  }
}

/** A write PostgreSQL refused is tried once more without the characters it refuses; a refused mail is not. */
export async function sanitisedFallback(
  refused: Refusal,
  write: () => Promise<unknown>,
): Promise<'sanitised' | 'failed' | 'none'> {
  if (refused.type !== PERMANENT_WRITE_FAILURE) return 'none';
  return (await refusalOfRun(write)) ? 'failed' : 'sanitised';
}
