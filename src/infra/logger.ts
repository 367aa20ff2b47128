import pino from 'pino';
import type { Logger as TemporalLogger, LogLevel as TemporalLogLevel, LogMetadata } from '@temporalio/common';
import type { LogLevel } from '../config/settings';

export type Logger = pino.Logger;

/**
 * One JSON line per record on stdout (pino), for a log collector to parse. Log ids and keys
 * only, never personal data: no names, e-mail addresses, subjects, request bodies or query
 * strings. Writes are synchronous so that nothing is lost when the process exits right after.
 */
export function createLogger(opts: { level: LogLevel; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: opts.level,
      serializers: { err: safeError, error: safeError },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * An error as type, message, code and stack only. pino's own serializer copies every enumerable
 * property, and those carry data: TypeORM's `parameters`, PostgreSQL's `detail`
 * ("Key (email)=(...)"), the raw `body` of a request that is not valid JSON.
 */
export function safeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const { code } = err as { code?: unknown };
  // body-parser's message quotes the body it could not parse.
  if ((err as { type?: unknown }).type === 'entity.parse.failed') {
    return { type: 'SyntaxError', message: 'request body is not valid JSON' };
  }
  return {
    type: err.constructor?.name ?? err.name,
    message: err.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    stack: err.stack,
  };
}

const TEMPORAL_LEVELS: Record<TemporalLogLevel, pino.Level> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Temporal SDK's logger interface over pino, for `Runtime.install({ logger })`: worker,
 * activity and workflow log records (and Core's, when forwarded) become JSON lines too. The
 * worker's own INFO records (options, the webpack report of the workflow bundle, each state
 * change) are framework chatter: they go out at debug.
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  const log = (level: TemporalLogLevel, message: string, meta?: LogMetadata) => {
    const pinoLevel = level === 'INFO' && meta?.sdkComponent === 'worker' ? 'debug' : TEMPORAL_LEVELS[level];
    logger[pinoLevel]({ ...meta }, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/** What a thrown value says, whatever was thrown: `throw undefined` and rejections with no reason included. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause === undefined ? '' : ` (cause: ${describeError(err.cause)})`;
    return `${err.message || err.name}${cause}`;
  }
  if (err === undefined || err === null) return `no reason given (${err} was thrown)`;
  if (typeof err === 'string') return err || 'no reason given (an empty string was thrown)';
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}
