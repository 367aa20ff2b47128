import { createHash } from 'node:crypto';

/**
 * A stable hash of a request body: keys sorted at every level, so two JSON documents that say
 * the same thing get the same fingerprint. Kept in the workflow's memo to tell a repeated
 * closed-won call (same onboarding back) from a conflicting one (409), and in idempotency
 * records to tell a retry from another request under the same key.
 */
export function requestFingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** JSON with keys sorted at every level and undefined members left out. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
