/**
 * Failure types of side-effect activities that must not be retried: retrying cannot make
 * PostgreSQL accept a value it refuses, nor a mail server a recipient it rejected. The
 * activities throw them as non-retryable ApplicationFailures; the onboarding workflow records
 * them and carries on (src/domain/side-effects.ts).
 */
export const PERMANENT_WRITE_FAILURE = 'PermanentWriteFailure';
export const MESSAGE_REFUSED = 'MessageRefused';
export const PERMANENT_SIDE_EFFECT_FAILURES = [PERMANENT_WRITE_FAILURE, MESSAGE_REFUSED] as const;
export type PermanentSideEffectFailureType = (typeof PERMANENT_SIDE_EFFECT_FAILURES)[number];

/**
 * The failure's first detail: which system refused and its code (a SQLSTATE, an SMTP reply
 * code). Never the refused data: it may be personal, and it is what could not be stored.
 */
export interface PermanentFailureDetails {
  system: 'postgresql' | 'smtp';
  code: string;
}
