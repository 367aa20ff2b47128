import * as path from 'node:path';
import { DEFAULT_TASK_QUEUE } from '../contracts/onboarding.contract';

/**
 * Runtime settings from the environment. When DATABASE_URL or TEMPORAL_ADDRESS is set, the
 * service uses that server; when not, `npm start` runs embedded ones under DATA_DIR.
 * Temporal TLS and API keys are read by @temporalio/envconfig (TEMPORAL_TLS*, TEMPORAL_API_KEY).
 */
export interface Settings {
  apiPort: number;
  /** The interface the API listens on: this machine only unless HOST says otherwise (0.0.0.0 in a container). */
  host: string;
  /** The lowest level logged (pino's names). */
  logLevel: LogLevel;
  databaseUrl?: string;
  temporalAddress?: string;
  temporalNamespace: string;
  taskQueue: string;
  dataDir: string;
  embeddedPostgresPort: number;
  embeddedTemporalPort: number;
  embeddedTemporalUiPort: number;
  /** Workflows kept in the worker's cache (about 1 MB each); evicted ones are replayed on demand. */
  maxCachedWorkflows: number;
  /** How long a stopping worker lets running activities finish; then they are cancelled (and retried elsewhere). */
  workerShutdownGraceMs: number;
  /** The platforms a cutover migrates between (the bundled sandbox platform by default). */
  migrationPlatformUrl: string;
  /** SMTP server for notifications, e.g. smtp://user:pass@host:587; unset: mails are only logged. */
  smtpUrl?: string;
  /** The From of every notification mail. */
  mailFrom: string;
  /** The CS platform's webhook for notifications, signed with webhookSecret. */
  webhookUrl?: string;
  webhookSecret?: string;
  /** The API's deadline for each call to Temporal and PostgreSQL; past it the caller gets a 503. */
  apiDependencyTimeoutMs: number;
  /** How long an Idempotency-Key's first answer is kept (and replayed to retries). */
  idempotencyTtlHours: number;
}

export const DEFAULT_API_DEPENDENCY_TIMEOUT_MS = 10_000;
export const DEFAULT_IDEMPOTENCY_TTL_HOURS = 24;

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    apiPort: port(env, 'PORT', 3000),
    host: env.HOST || '127.0.0.1',
    logLevel: logLevel(env),
    databaseUrl: env.DATABASE_URL || undefined,
    temporalAddress: env.TEMPORAL_ADDRESS || undefined,
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || DEFAULT_TASK_QUEUE,
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    embeddedPostgresPort: port(env, 'EMBEDDED_POSTGRES_PORT', 5433),
    embeddedTemporalPort: port(env, 'EMBEDDED_TEMPORAL_PORT', 7233),
    embeddedTemporalUiPort: port(env, 'EMBEDDED_TEMPORAL_UI_PORT', 8233),
    maxCachedWorkflows: integer(env, 'WORKER_MAX_CACHED_WORKFLOWS', 500),
    // Below the 10 s a container runtime waits between SIGTERM and SIGKILL, so the rest can stop too.
    workerShutdownGraceMs: integer(env, 'WORKER_SHUTDOWN_GRACE_MS', 5_000),
    migrationPlatformUrl: env.MIGRATION_PLATFORM_URL || 'http://127.0.0.1:4010',
    apiDependencyTimeoutMs: positive(env, 'API_DEPENDENCY_TIMEOUT_MS', DEFAULT_API_DEPENDENCY_TIMEOUT_MS),
    idempotencyTtlHours: positive(env, 'IDEMPOTENCY_TTL_HOURS', DEFAULT_IDEMPOTENCY_TTL_HOURS),
    ...notificationSettings(env),
  };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function logLevel(env: NodeJS.ProcessEnv): LogLevel {
  const raw = (env.LOG_LEVEL || 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(raw))
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${env.LOG_LEVEL}'`);
  return raw as LogLevel;
}

function notificationSettings(
  env: NodeJS.ProcessEnv,
): Pick<Settings, 'smtpUrl' | 'mailFrom' | 'webhookUrl' | 'webhookSecret'> {
  const smtpUrl = url(env, 'SMTP_URL', ['smtp:', 'smtps:']);
  const webhookUrl = url(env, 'WEBHOOK_URL', ['http:', 'https:']);
  const webhookSecret = env.WEBHOOK_SECRET || undefined;
  // An unsigned webhook would let anyone who finds the URL forge onboarding events.
  if (webhookUrl && !webhookSecret) throw new Error('WEBHOOK_SECRET must be set when WEBHOOK_URL is set');
  return { smtpUrl, mailFrom: env.MAIL_FROM || 'Onboarding <onboarding@localhost>', webhookUrl, webhookSecret };
}

/** The value when it is a URL with one of the protocols; the error names the variable, never the value (it may hold a password). */
function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  let protocol: string;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    throw new Error(`${name} must be a URL (${protocols.join(' or ')}//...)`);
  }
  if (!protocols.includes(protocol))
    throw new Error(`${name} must be a URL (${protocols.join(' or ')}//...), got a ${protocol} URL`);
  return raw;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
  return value;
}

/** Zero would mean "no deadline" or "forget at once": neither is a setting anyone wants. */
function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = integer(env, name, fallback);
  if (value < 1) throw new Error(`${name} must be a positive integer, got '${value}'`);
  return value;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = integer(env, name, fallback);
  if (value < 1 || value > 65535) throw new Error(`${name} must be a TCP port (1-65535), got '${value}'`);
  return value;
}
