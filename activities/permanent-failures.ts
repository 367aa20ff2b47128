import { ApplicationFailure } from '@temporalio/common';
import {
  MESSAGE_REFUSED,
  PERMANENT_WRITE_FAILURE,
  type PermanentFailureDetails,
} from '../src/contracts/side-effect-failures';

/**
 * Tells failures that retrying cannot fix from those that pass. Permanent: PostgreSQL refusing
 * the data itself (SQLSTATE class 22 "data exception": a NUL byte, a value too long, a bad
 * date; class 23 "integrity constraint violation": check, foreign key, unique, not null), and a
 * mail server's 5xx answer to the message (recipient refused, content rejected). Everything else (connection
 * refused, timeouts, a server restarting, SMTP 4xx) is transient and Temporal keeps retrying.
 */
export type FailureKind = 'permanent' | 'transient';

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The SQLSTATE of a pg error, bare or wrapped by TypeORM's QueryFailedError. */
export function sqlStateOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' && SQLSTATE.test(code) ? code : undefined;
}

export function postgresFailureKind(err: unknown): FailureKind {
  const state = sqlStateOf(err);
  return state && (state.startsWith('22') || state.startsWith('23')) ? 'permanent' : 'transient';
}

/** The SMTP reply code of a nodemailer error, or its error code when the server gave none. */
export function smtpCodeOf(err: unknown): string | undefined {
  const e = err as { responseCode?: unknown; code?: unknown } | null;
  if (typeof e?.responseCode === 'number') return String(e.responseCode);
  return typeof e?.code === 'string' ? e.code : undefined;
}

/**
 * Permanent: a 5xx answer to this message's recipients (nodemailer's EENVELOPE) or content
 * (EMESSAGE), or no valid recipient at all (EENVELOPE without an answer). A 5xx at connection or
 * login (EAUTH, a 554 greeting) is the server's or our configuration's fault, not the message's:
 * it passes once fixed, so it stays transient.
 */
export function smtpFailureKind(err: unknown): FailureKind {
  const e = err as { responseCode?: unknown; code?: unknown } | null;
  if (e?.code !== 'EENVELOPE' && e?.code !== 'EMESSAGE') return 'transient';
  if (typeof e.responseCode === 'number')
    return e.responseCode >= 500 && e.responseCode < 600 ? 'permanent' : 'transient';
  return e.code === 'EENVELOPE' ? 'permanent' : 'transient';
}

const CONDITIONS: Record<string, string> = {
  '22001': 'value too long',
  '22007': 'invalid datetime format',
  '22008': 'datetime out of range',
  '22021': 'invalid byte sequence (e.g. a NUL character)',
  '22P02': 'invalid text representation',
  '22P05': 'untranslatable character (e.g. \\u0000 in JSON)',
  '23502': 'not-null violation',
  '23503': 'foreign-key violation',
  '23505': 'unique violation',
  '23514': 'check violation',
};

/**
 * The non-retryable failure to throw instead of `err` when retrying cannot help; undefined when
 * it can. Its message and details name the code, never the refused data (which may be
 * personal, and is exactly what could not be stored); no cause chain, for the same reason.
 */
export function permanentFailureOf(err: unknown, what: string): ApplicationFailure | undefined {
  if (postgresFailureKind(err) === 'permanent') {
    const code = sqlStateOf(err)!;
    const condition = CONDITIONS[code] ?? (code.startsWith('22') ? 'data exception' : 'integrity constraint violation');
    return failure(PERMANENT_WRITE_FAILURE, `PostgreSQL refused the ${what}: SQLSTATE ${code}, ${condition}`, {
      system: 'postgresql',
      code,
    });
  }
  if (smtpFailureKind(err) === 'permanent') {
    const code = smtpCodeOf(err)!;
    return failure(
      MESSAGE_REFUSED,
      `the mail server refused the ${what}: ${/^\d+$/.test(code) ? `SMTP ${code}` : code}`,
      { system: 'smtp', code },
    );
  }
  return undefined;
}

function failure(type: string, message: string, details: PermanentFailureDetails): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: [details] });
}

/**
 * An SMTP server's answer quotes the recipients ("<dana@...>: Recipient address rejected"), and
 * a transient failure is logged on every retry: it is retried under its code alone.
 */
function withoutServerText(err: unknown, what: string): unknown {
  const e = err as { responseCode?: unknown } | null;
  if (typeof e?.responseCode !== 'number') return err;
  return ApplicationFailure.retryable(
    `the mail server did not take the ${what} (yet): SMTP ${e.responseCode}`,
    'MessageDeferred',
  );
}

/**
 * Runs `fn`; a failure retrying cannot fix is thrown as a non-retryable one, any other as a
 * retryable one without the server's text.
 */
export async function failingPermanently<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw permanentFailureOf(err, what) ?? withoutServerText(err, what);
  }
}
