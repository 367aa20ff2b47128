import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The customer's tracker link token: `<onboarding id>.<generation>.<expiry, unix seconds>.<HMAC>`,
 * base64url-encoded parts, signed with HMAC-SHA256 over the first three. The signature makes it
 * unforgeable, the expiry bounds its life, and the generation makes it revocable: revoking bumps
 * the onboarding's generation in `tracker_links`, and every older token stops working.
 */
export interface TrackerLinkClaims {
  onboardingId: string;
  generation: number;
  expiresAt: Date;
}

export type TrackerLinkCheck =
  { ok: true; claims: TrackerLinkClaims } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

/** Onboarding ids are short; anything longer is not a token of ours. */
const MAX_TOKEN_LENGTH = 600;

export function signTrackerLink(secret: string, claims: TrackerLinkClaims): string {
  const body = [
    Buffer.from(claims.onboardingId, 'utf8').toString('base64url'),
    String(claims.generation),
    String(Math.floor(claims.expiresAt.getTime() / 1000)),
  ].join('.');
  return `${body}.${mac(secret, body)}`;
}

/** Checks the signature first (timing-safe), then the expiry; the generation is checked against the database by the caller. */
export function checkTrackerLink(secret: string, token: string, now: Date): TrackerLinkCheck {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 4 || !/^\d{1,9}$/.test(parts[1]) || !/^\d{1,12}$/.test(parts[2]))
    return { ok: false, reason: 'malformed' };
  const body = parts.slice(0, 3).join('.');
  const given = Buffer.from(parts[3], 'base64url');
  const expected = Buffer.from(mac(secret, body), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad-signature' };
  const expiresAt = new Date(Number(parts[2]) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return {
    ok: true,
    claims: {
      onboardingId: Buffer.from(parts[0], 'base64url').toString('utf8'),
      generation: Number(parts[1]),
      expiresAt,
    },
  };
}

function mac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(`tracker-link:${body}`, 'utf8').digest('base64url');
}
