import * as path from 'node:path';
import { DEFAULT_TASK_QUEUE } from '../contracts/onboarding.contract';
import { isTimeZone } from '../domain/report-period';
import { parseKeyList, type PayloadKeySet } from '../infra/payload-codec';
import { webhookSecretProblem } from '../infra/standard-webhooks';
import { DEFAULT_RED_FLAG_THRESHOLDS, type RedFlagThresholds } from '../domain/red-flags';

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
  /** WORKER_METRICS_ADDRESS (host:port): where the Temporal runtime serves the worker's Prometheus metrics; unset: off. */
  workerMetricsAddress?: string;
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
  /** How long a state read waits for the workflow before the read model answers it, marked as such. */
  apiLiveStateTimeoutMs: number;
  /** How long an Idempotency-Key's first answer is kept (and replayed to retries). */
  idempotencyTtlHours: number;
  /** How payloads stored in Temporal are encrypted (see src/infra/payload-encryption.ts). */
  payloadEncryption: PayloadEncryptionSetting;
  /** CODEC_ENDPOINT=on|off; unset: on only in the embedded default, which listens on this machine. */
  codecEndpoint?: boolean;
  /** The Temporal Web UI origins the codec endpoint answers (CORS): TEMPORAL_UI_ORIGIN, comma-separated; default the embedded UI's. */
  temporalUiOrigins: string[];
  /** Bearer JWTs from an OIDC issuer, besides API keys: OIDC_ISSUER, OIDC_AUDIENCE, OIDC_JWKS_URL. */
  oidc?: OidcOptions;
  /** Requests per minute per API key or token (RATE_LIMIT_PER_MINUTE; 0: no limit). */
  rateLimitPerMinute: number;
  /** The leadership dashboard's red flags: RED_FLAG_COMPLETION_MIN, RED_FLAG_TTV_OVER_BASELINE, RED_FLAG_STALLED_MAX. */
  redFlags: RedFlagThresholds;
  /** Inbound closed-won webhooks from CRMs (see crmWebhookSettings). */
  crmWebhooks: CrmWebhookSettings;
  /** Pages and the customer's tracker link (src/infra/page-secrets.ts). */
  pages: PageSettings;
  /** The summary reports' schedules and recipients (see reportSettings). */
  reports: ReportSettings;
}

/** The weekly (and optionally monthly) summary: when it runs, in which zone, and who gets it. */
export interface ReportSettings {
  /** REPORT_SCHEDULE_CRON: the weekly report's cron, default Monday 07:00 (`0 7 * * 1`); `off`: no weekly schedule. */
  weeklyCron?: string;
  /** REPORT_MONTHLY_CRON, e.g. `0 7 1 * *`; unset: no monthly report. */
  monthlyCron?: string;
  /** REPORT_TIME_ZONE: the IANA zone the crons run in and days are counted in, default UTC. */
  timeZone: string;
  /** REPORT_RECIPIENTS, comma-separated; empty: reports are compiled and kept (GET /reports) but not mailed. */
  recipients: string[];
  /** REPORT_CATCHUP_DAYS: how late a missed run (Temporal down) is still taken, default 7. */
  catchupDays: number;
}

export const DEFAULT_WEEKLY_REPORT_CRON = '0 7 * * 1';

/** Each endpoint answers only when its secret is set (otherwise 404): there is no safe default secret. */
export interface CrmWebhookSettings {
  /** HUBSPOT_CLIENT_SECRET: the HubSpot app's client secret, which signs its requests (v3). */
  hubspotClientSecret?: string;
  /** CRM_WEBHOOK_SECRET: the generic endpoint's Standard Webhooks secret (`whsec_` + base64). */
  genericSecret?: string;
  /** CRM_FIELD_MAPPING_FILE: a JSON file replacing the default field mapping of hubspot and/or generic. */
  fieldMappingFile?: string;
  /**
   * CRM_WEBHOOK_PUBLIC_URL: the API's URL as HubSpot calls it (`https://onboarding.example.com`),
   * which HubSpot signs; unset: the request's own protocol and Host header.
   */
  publicUrl?: string;
}

/**
 * The API's pages: where people reach them, how long a tracker link lives, and the two secrets.
 * A secret left unset is created once in DATA_DIR (page-secrets.json); the API and the worker
 * must share it, so processes with different DATA_DIRs set both variables.
 */
export interface PageSettings {
  /** PUBLIC_BASE_URL: the API as customers reach it, for the link in the welcome mail; default the local API. */
  publicBaseUrl: string;
  /** TRACKER_LINK_TTL_DAYS: how long a tracker link works (default 90). */
  trackerLinkTtlDays: number;
  /** TRACKER_LINK_SECRET: signs tracker links (HMAC-SHA256); at least 32 characters. */
  trackerLinkSecret?: string;
  /** SESSION_SECRET: encrypts the page session cookie (AES-256-GCM, key derived from it); at least 32 characters. */
  sessionSecret?: string;
}

/** Bearer JWTs from an OIDC issuer, verified against its JWKS; roles and CSM id from claims. */
export interface OidcOptions {
  issuer: string;
  audience: string;
  jwksUrl: string;
  /** The claim listing the principal's roles (an array, or a space-separated string): OIDC_ROLES_CLAIM, default `roles`. */
  rolesClaim: string;
  /** The claim holding a CSM's id: OIDC_CSM_CLAIM, default `csm_id`. */
  csmClaim: string;
  /** The claim the audit log shows as the principal's name: OIDC_NAME_CLAIM, default `name` (else the subject). */
  nameClaim: string;
  /**
   * People sign in to the pages through the issuer (authorization code with PKCE) when this API is
   * registered there as a client: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET (none: a public client),
   * OIDC_SCOPES (default `openid profile`). Its redirect URI is PUBLIC_BASE_URL/pages/sign-in/oidc/callback.
   */
  signIn?: {
    clientId: string;
    clientSecret?: string;
    scopes: string;
    /**
     * More parameters of the authorization request (OIDC_AUTHORIZE_PARAMS, as a query string): what
     * some issuers need to issue an access token for this API, e.g. `audience=…` or `resource=…`.
     */
    authorizeParams: Record<string, string>;
  };
}

export type PayloadEncryptionSetting =
  | { mode: 'keys'; keySet: PayloadKeySet }
  | { mode: 'key-file'; file: string }
  | { mode: 'off' }
  /** Nothing configured: the embedded default creates a key file, anything else refuses to start. */
  | { mode: 'unset' };

/** The embedded UI's origins: the default of TEMPORAL_UI_ORIGIN. */
export function embeddedUiOrigins(uiPort: number): string[] {
  return [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`];
}
export const DEFAULT_TEMPORAL_UI_ORIGINS = embeddedUiOrigins(8233);

export const DEFAULT_API_DEPENDENCY_TIMEOUT_MS = 10_000;
/** Past this a busy worker's queue, not the onboarding, decides when it answers: the read model answers instead. */
export const DEFAULT_API_LIVE_STATE_TIMEOUT_MS = 3_000;
export const DEFAULT_IDEMPOTENCY_TTL_HOURS = 24;
/** 20 a second per key, sustained: far above a CSM's clicks or a CRM's closed-won rate, below a runaway loop's. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 1200;

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const embeddedTemporalUiPort = port(env, 'EMBEDDED_TEMPORAL_UI_PORT', 8233);
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
    embeddedTemporalUiPort,
    maxCachedWorkflows: integer(env, 'WORKER_MAX_CACHED_WORKFLOWS', 500),
    // Below the 10 s a container runtime waits between SIGTERM and SIGKILL, so the rest can stop too.
    workerShutdownGraceMs: integer(env, 'WORKER_SHUTDOWN_GRACE_MS', 5_000),
    workerMetricsAddress: bindAddress(env, 'WORKER_METRICS_ADDRESS'),
    migrationPlatformUrl: env.MIGRATION_PLATFORM_URL || 'http://127.0.0.1:4010',
    apiDependencyTimeoutMs: positive(env, 'API_DEPENDENCY_TIMEOUT_MS', DEFAULT_API_DEPENDENCY_TIMEOUT_MS),
    apiLiveStateTimeoutMs: positive(env, 'API_LIVE_STATE_TIMEOUT_MS', DEFAULT_API_LIVE_STATE_TIMEOUT_MS),
    idempotencyTtlHours: positive(env, 'IDEMPOTENCY_TTL_HOURS', DEFAULT_IDEMPOTENCY_TTL_HOURS),
    payloadEncryption: payloadEncryption(env),
    codecEndpoint: onOff(env, 'CODEC_ENDPOINT'),
    temporalUiOrigins: env.TEMPORAL_UI_ORIGIN
      ? env.TEMPORAL_UI_ORIGIN.split(',')
          .map((o) => o.trim())
          .filter(Boolean)
      : embeddedUiOrigins(embeddedTemporalUiPort),
    ...notificationSettings(env),
    oidc: oidcSettings(env),
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMIT_PER_MINUTE),
    redFlags: {
      completionMin: fraction(env, 'RED_FLAG_COMPLETION_MIN', DEFAULT_RED_FLAG_THRESHOLDS.completionMin),
      ttvOverBaseline: fraction(env, 'RED_FLAG_TTV_OVER_BASELINE', DEFAULT_RED_FLAG_THRESHOLDS.ttvOverBaseline, 10),
      stalledMax: fraction(env, 'RED_FLAG_STALLED_MAX', DEFAULT_RED_FLAG_THRESHOLDS.stalledMax),
    },
    crmWebhooks: crmWebhookSettings(env),
    pages: pageSettings(env),
    reports: reportSettings(env),
  };
}

function reportSettings(env: NodeJS.ProcessEnv): ReportSettings {
  const weekly = env.REPORT_SCHEDULE_CRON?.trim() || DEFAULT_WEEKLY_REPORT_CRON;
  const timeZone = env.REPORT_TIME_ZONE?.trim() || 'UTC';
  if (!isTimeZone(timeZone))
    throw new Error(`REPORT_TIME_ZONE must be an IANA time zone (e.g. Europe/Berlin), got '${timeZone}'`);
  const recipients = (env.REPORT_RECIPIENTS ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  // Addresses are not echoed: the message names the variable only.
  if (recipients.some((r) => !/^[^\s@]+@[^\s@]+$/.test(r)))
    throw new Error('REPORT_RECIPIENTS must be comma-separated e-mail addresses');
  return {
    weeklyCron: weekly.toLowerCase() === 'off' ? undefined : weekly,
    monthlyCron: env.REPORT_MONTHLY_CRON?.trim() || undefined,
    timeZone,
    recipients,
    catchupDays: positive(env, 'REPORT_CATCHUP_DAYS', 7),
  };
}

function crmWebhookSettings(env: NodeJS.ProcessEnv): CrmWebhookSettings {
  const genericSecret = env.CRM_WEBHOOK_SECRET || undefined;
  const problem = genericSecret && webhookSecretProblem(genericSecret);
  if (problem) throw new Error(`CRM_WEBHOOK_SECRET ${problem}`);
  const fieldMappingFile = env.CRM_FIELD_MAPPING_FILE ? path.resolve(env.CRM_FIELD_MAPPING_FILE) : undefined;
  return {
    hubspotClientSecret: env.HUBSPOT_CLIENT_SECRET || undefined,
    genericSecret,
    fieldMappingFile,
    publicUrl: url(env, 'CRM_WEBHOOK_PUBLIC_URL', ['http:', 'https:'])?.replace(/\/+$/, ''),
  };
}

export const DEFAULT_TRACKER_LINK_TTL_DAYS = 90;
const MIN_SECRET_LENGTH = 32;

function pageSettings(env: NodeJS.ProcessEnv): PageSettings {
  const secret = (name: string) => {
    const value = env[name] || undefined;
    if (value !== undefined && value.length < MIN_SECRET_LENGTH)
      throw new Error(`${name} must be at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 32)`);
    return value;
  };
  return {
    publicBaseUrl: (
      url(env, 'PUBLIC_BASE_URL', ['http:', 'https:']) ?? `http://127.0.0.1:${port(env, 'PORT', 3000)}`
    ).replace(/\/+$/, ''),
    trackerLinkTtlDays: positive(env, 'TRACKER_LINK_TTL_DAYS', DEFAULT_TRACKER_LINK_TTL_DAYS),
    trackerLinkSecret: secret('TRACKER_LINK_SECRET'),
    sessionSecret: secret('SESSION_SECRET'),
  };
}

/** Unset unless OIDC_ISSUER is; then the audience and the JWKS URL are required too. */
function oidcSettings(env: NodeJS.ProcessEnv): OidcOptions | undefined {
  const issuer = env.OIDC_ISSUER || undefined;
  if (!issuer) {
    if (env.OIDC_AUDIENCE || env.OIDC_JWKS_URL || env.OIDC_CLIENT_ID)
      throw new Error('OIDC_AUDIENCE, OIDC_JWKS_URL and OIDC_CLIENT_ID need OIDC_ISSUER');
    return undefined;
  }
  const audience = env.OIDC_AUDIENCE || undefined;
  if (!audience) throw new Error('OIDC_AUDIENCE must be set when OIDC_ISSUER is set (the API this token is for)');
  const jwksUrl = url(env, 'OIDC_JWKS_URL', ['http:', 'https:']);
  if (!jwksUrl) throw new Error("OIDC_JWKS_URL must be set when OIDC_ISSUER is set (the issuer's jwks_uri)");
  return {
    issuer,
    audience,
    jwksUrl,
    rolesClaim: env.OIDC_ROLES_CLAIM || 'roles',
    csmClaim: env.OIDC_CSM_CLAIM || 'csm_id',
    nameClaim: env.OIDC_NAME_CLAIM || 'name',
    ...(env.OIDC_CLIENT_ID ? { signIn: oidcSignIn(env, env.OIDC_CLIENT_ID) } : {}),
  };
}

/** The parameters the sign-in sets itself: OIDC_AUTHORIZE_PARAMS may not replace them. */
const OWN_AUTHORIZE_PARAMS = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
];

function oidcSignIn(env: NodeJS.ProcessEnv, clientId: string): NonNullable<OidcOptions['signIn']> {
  const scopes = env.OIDC_SCOPES || 'openid profile';
  if (!scopes.split(/\s+/).includes('openid')) throw new Error(`OIDC_SCOPES must include openid, got '${scopes}'`);
  const authorizeParams = Object.fromEntries(new URLSearchParams(env.OIDC_AUTHORIZE_PARAMS ?? ''));
  const own = Object.keys(authorizeParams).filter((k) => OWN_AUTHORIZE_PARAMS.includes(k));
  if (own.length > 0) throw new Error(`OIDC_AUTHORIZE_PARAMS may not set ${own.join(', ')}: the sign-in sets them`);
  return {
    clientId,
    ...(env.OIDC_CLIENT_SECRET ? { clientSecret: env.OIDC_CLIENT_SECRET } : {}),
    scopes,
    authorizeParams,
  };
}

/** The variables that configure payload encryption, for messages. */
export const PAYLOAD_ENCRYPTION_VARIABLES =
  'PAYLOAD_ENCRYPTION_KEYS and PAYLOAD_ENCRYPTION_KEY_ID, or PAYLOAD_ENCRYPTION_KEY_FILE (or PAYLOAD_ENCRYPTION=off)';

function payloadEncryption(env: NodeJS.ProcessEnv): PayloadEncryptionSetting {
  const off = onOff(env, 'PAYLOAD_ENCRYPTION') === false;
  const keys = env.PAYLOAD_ENCRYPTION_KEYS || undefined;
  const file = env.PAYLOAD_ENCRYPTION_KEY_FILE || undefined;
  if (off) {
    if (keys || file) throw new Error('PAYLOAD_ENCRYPTION=off cannot be combined with encryption keys');
    return { mode: 'off' };
  }
  if (keys && file) throw new Error('set PAYLOAD_ENCRYPTION_KEYS or PAYLOAD_ENCRYPTION_KEY_FILE, not both');
  if (file) return { mode: 'key-file', file: path.resolve(file) };
  if (!keys) {
    if (env.PAYLOAD_ENCRYPTION_KEY_ID)
      throw new Error('PAYLOAD_ENCRYPTION_KEY_ID is set without PAYLOAD_ENCRYPTION_KEYS');
    return { mode: 'unset' };
  }
  const parsed = parseKeyList(keys);
  const ids = Object.keys(parsed);
  // With one key it is the current one; with several, which one must be said.
  const currentKeyId = env.PAYLOAD_ENCRYPTION_KEY_ID || (ids.length === 1 ? ids[0] : undefined);
  if (!currentKeyId) throw new Error('PAYLOAD_ENCRYPTION_KEY_ID must name the current key when several are listed');
  if (!parsed[currentKeyId])
    throw new Error(`PAYLOAD_ENCRYPTION_KEY_ID '${currentKeyId}' is not among PAYLOAD_ENCRYPTION_KEYS' ids`);
  return { mode: 'keys', keySet: { currentKeyId, keys: parsed } };
}

function onOff(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = (env[name] || '').toLowerCase();
  if (raw === '') return undefined;
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  throw new Error(`${name} must be on or off, got '${env[name]}'`);
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
  // Standard Webhooks keys are base64 bytes: the package would take any text and sign with garbage.
  const problem = webhookSecret && webhookSecretProblem(webhookSecret);
  if (problem) throw new Error(`WEBHOOK_SECRET ${problem}`);
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
/** A share written as a decimal (0.6 for 60%), from 0 to `max`; "60" is refused, not read as 6000%. */
function fraction(env: NodeJS.ProcessEnv, name: string, fallback: number, max = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || value > max)
    throw new Error(`${name} must be a decimal share from 0 to ${max} (0.6 for 60%), got '${raw}'`);
  return value;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = integer(env, name, fallback);
  if (value < 1) throw new Error(`${name} must be a positive integer, got '${value}'`);
  return value;
}

/** host:port (an IPv6 host in brackets), as the Temporal runtime's Prometheus exporter binds it. */
function bindAddress(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  const match = /^(\[[0-9a-fA-F:.]+\]|[0-9.]+):(\d{1,5})$/.exec(value);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535)
    throw new Error(`${name} must be an IP address and port, e.g. 127.0.0.1:9464, got '${value}'`);
  return value;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = integer(env, name, fallback);
  if (value < 1 || value > 65535) throw new Error(`${name} must be a TCP port (1-65535), got '${value}'`);
  return value;
}
