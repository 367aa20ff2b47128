import { produce } from './draft';
import type { OutboxState } from './outbox';
import { audit, notify } from './outbox';

/**
 * Side effects the database or the mail server refuse for good (a NUL character PostgreSQL
 * cannot store, a recipient a mail server rejects): retrying cannot help, and blocking on them
 * would stop the read model, the audit log and every later message. The workflow records each
 * refusal here, tells cs-ops once per kind, and carries on with every later effect.
 */
export type SideEffect = 'projection' | 'audit' | 'message';

export interface SideEffectFailure {
  effect: SideEffect;
  /** PermanentWriteFailure or MessageRefused (src/contracts/side-effect-failures.ts). */
  type: string;
  /** The refusing system's code: a SQLSTATE, an SMTP reply code. Never the refused data. */
  code: string;
  firstAt: string;
  lastAt: string;
  occurrences: number;
  /** The last item refused: a message key, audit sequence numbers, a projection's revision. */
  lastItem: string;
  /**
   * sanitised: written again without the characters PostgreSQL refuses (the stored copy lacks
   * them); failed: that was refused too; none: nothing to try (a refused recipient).
   */
  fallback: 'sanitised' | 'failed' | 'none';
}

/** The part of an onboarding's state the refusals are recorded in (OnboardingState has it). */
export interface RefusalLog extends OutboxState {
  sideEffectFailures?: SideEffectFailure[];
  revision: number;
}

export type SideEffectRefusal = Pick<SideEffectFailure, 'effect' | 'type' | 'code' | 'fallback'> & { item: string };

/**
 * Records a refusal. The first of its kind (effect, type, code) is audited and mailed to cs-ops;
 * later ones only count, so a poisoned value refused on every projection alerts once, and an
 * alert that is itself refused cannot raise alerts without end. The alert carries codes and
 * keys only, never the refused text, so the database can store it and the mail server send it.
 */
export function recordSideEffectFailure<S extends RefusalLog>(state: S, refusal: SideEffectRefusal, now: Date): S {
  return produce(state, (draft) => {
    const at = now.toISOString();
    const failures = (draft.sideEffectFailures ??= []);
    const { effect, type, code, fallback, item } = refusal;
    const known = failures.find((f) => f.effect === effect && f.type === type && f.code === code);
    if (known) {
      Object.assign(known, { lastAt: at, occurrences: known.occurrences + 1, lastItem: item, fallback });
    } else {
      failures.push({ effect, type, code, firstAt: at, lastAt: at, occurrences: 1, lastItem: item, fallback });
      audit(draft, at, 'system', 'side-effect-failed', { effect, type, code, item, fallback });
      notify(draft, `side-effect-failed:${effect}:${type}:${code}`, 'side-effect-failed', [], {
        failure: { onboardingId: draft.onboardingId, effect, type, code, item, fallback, at },
      });
    }
    draft.revision += 1;
  });
}

/** Once a projection needed the sanitising fallback, later ones are written sanitised at once. */
export function projectionNeedsSanitising(state: RefusalLog): boolean {
  return (state.sideEffectFailures ?? []).some((f) => f.effect === 'projection' && f.fallback === 'sanitised');
}

/**
 * A copy without the characters PostgreSQL refuses in text and jsonb (NUL, U+0000, dropped; an
 * unpaired surrogate, which jsonb refuses, replaced by U+FFFD), for the fallback write only: the
 * first write always tries the data as it is.
 */
export function withoutUnstorableCharacters<T>(value: T): T {
  if (typeof value === 'string') {
    // eslint-disable-next-line no-control-regex -- NUL is what PostgreSQL cannot store
    return value.replace(/\u0000/g, '').replace(/[\uD800-\uDFFF]/gu, '\uFFFD') as T;
  }
  if (Array.isArray(value)) return value.map((v) => withoutUnstorableCharacters(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [withoutUnstorableCharacters(k), withoutUnstorableCharacters(v)]),
    ) as T;
  }
  return value;
}
