import type { OidcOptions } from '../../src/config/settings';

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthOptions {
  /** Unset: only API keys are accepted. */
  oidc?: OidcOptions;
  /**
   * The embedded default (`npm start` listening on this machine only): routes marked
   * `@OpenInEmbeddedDefault()` (the Web UI's codec endpoint, which the local UI calls without
   * credentials) answer without a key.
   */
  embeddedDefault: boolean;
  /** How long a verified API key is trusted before PostgreSQL is asked again (a revocation's delay); default 30 s. */
  keyCacheMs?: number;
  /** Requests per minute per key or token (per address where there is none); 0 or unset: no limit. */
  rateLimitPerMinute?: number;
  /** Encrypts page session cookies (SESSION_SECRET or DATA_DIR's page-secrets.json); unset: a random one per process. */
  sessionSecret?: string;
  /** Mark the session cookie Secure (the pages are reached over https). */
  secureCookies?: boolean;
  /** Where people reach the pages (PUBLIC_BASE_URL): the OIDC sign-in's redirect URI is under it. */
  publicBaseUrl?: string;
}
