import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** The page session cookie: HttpOnly, SameSite=Strict, Path=/ (Secure when the public URL is https). */
export const SESSION_COOKIE = 'oo_session';
/** A working day: after it the person signs in again. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

/** What a browser keeps of one cookie: a longer sealed session would be dropped silently. */
export const MAX_COOKIE_LENGTH = 4000;
/** The cookie that carries an OIDC sign-in from the redirect to the callback. */
export const PENDING_SIGN_IN_COOKIE = 'oo_sign_in';
/** Time to sign in at the identity provider. */
export const PENDING_SIGN_IN_TTL_MS = 10 * 60 * 1000;

export interface PendingSignIn {
  kind: 'oidc-pending';
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The page to go back to. */
  next: string;
  expiresAt: number;
}

export interface PageSessionContent {
  /** Tells a session from a sign-in under way, both sealed alike. */
  kind: 'session';
  /**
   * The credential the person signed in with, an API key or the identity provider's access token;
   * the guard verifies it on every request as a bearer credential (a key's revocation applies).
   */
  key: string;
  expiresAt: number;
}

/**
 * Seals and opens page sessions. The cookie holds the API key encrypted with AES-256-GCM under a
 * key derived (HKDF) from SESSION_SECRET: the browser's JavaScript never sees the key (HttpOnly),
 * a tampered cookie fails authentication, and each request still verifies the key itself, so a
 * revoked key ends its sessions (within the key cache's 30 s). The CSRF token of a session is an
 * HMAC of its cookie, checked on every form post beside SameSite=Strict and the Origin header.
 */
export class PageSessions {
  private readonly sealKey: Buffer;
  private readonly csrfKey: Buffer;

  constructor(secret: string) {
    this.sealKey = Buffer.from(hkdfSync('sha256', secret, 'onboarding-orchestrator', 'page-session-seal', 32));
    this.csrfKey = Buffer.from(hkdfSync('sha256', secret, 'onboarding-orchestrator', 'page-session-csrf', 32));
  }

  /**
   * A session for an API key, or for an OIDC access token (`ttlMs`: until the token expires, at
   * most a working day); either is verified again on every request.
   */
  seal(key: string, now = Date.now(), ttlMs = SESSION_TTL_MS): string {
    const content: PageSessionContent = { kind: 'session', key, expiresAt: now + Math.min(ttlMs, SESSION_TTL_MS) };
    return this.sealJson(content);
  }

  /** The session's key, or undefined when the cookie is absent, tampered with or expired. */
  open(cookie: string | undefined, now = Date.now()): PageSessionContent | undefined {
    const content = this.openJson(cookie);
    if (
      content?.kind !== 'session' ||
      typeof content.key !== 'string' ||
      typeof content.expiresAt !== 'number' ||
      content.expiresAt <= now
    )
      return undefined;
    return content as unknown as PageSessionContent;
  }

  /** An OIDC sign-in under way (state, nonce, PKCE verifier), between the redirect out and the callback. */
  sealPending(pending: Omit<PendingSignIn, 'kind' | 'expiresAt'>, now = Date.now()): string {
    return this.sealJson({ ...pending, kind: 'oidc-pending', expiresAt: now + PENDING_SIGN_IN_TTL_MS });
  }

  openPending(cookie: string | undefined, now = Date.now()): PendingSignIn | undefined {
    const content = this.openJson(cookie);
    if (content?.kind !== 'oidc-pending' || typeof content.expiresAt !== 'number' || content.expiresAt <= now)
      return undefined;
    return content as unknown as PendingSignIn;
  }

  private sealJson(content: object): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    const sealed = Buffer.concat([cipher.update(JSON.stringify(content), 'utf8'), cipher.final()]);
    return [iv, sealed, cipher.getAuthTag()].map((b) => b.toString('base64url')).join('.');
  }

  private openJson(cookie: string | undefined): Record<string, unknown> | undefined {
    if (!cookie || cookie.length > MAX_COOKIE_LENGTH) return undefined;
    const parts = cookie.split('.');
    if (parts.length !== 3) return undefined;
    try {
      const [iv, sealed, tag] = parts.map((p) => Buffer.from(p, 'base64url'));
      // The full 16-byte tag only: a shorter one would be accepted by GCM and is easier to forge.
      const decipher = createDecipheriv('aes-256-gcm', this.sealKey, iv, { authTagLength: 16 });
      decipher.setAuthTag(tag);
      const content: unknown = JSON.parse(Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8'));
      return typeof content === 'object' && content !== null ? (content as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  csrfToken(cookie: string): string {
    return createHmac('sha256', this.csrfKey).update(cookie, 'utf8').digest('base64url');
  }

  csrfValid(cookie: string, token: unknown): boolean {
    if (typeof token !== 'string') return false;
    const expected = Buffer.from(this.csrfToken(cookie));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** One cookie's value from a Cookie header; the session cookie's value is base64url and dots, never quoted. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
