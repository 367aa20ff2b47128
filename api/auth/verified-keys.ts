import { createHash } from 'node:crypto';
import type { Principal } from '../../src/domain/principal';

/** How long a verified key is trusted without asking PostgreSQL again: a revocation takes at most this long. */
export const KEY_CACHE_MS = 30_000;
const MAX_ENTRIES = 10_000;

/**
 * Keys verified in the last 30 s, so that a busy client does not cost a database round trip per
 * request, and requests keep being authenticated through a short database outage. Held by the
 * SHA-256 of the key, never the key itself. Only successes are kept: an unknown key is looked up
 * every time (a key created a moment ago works at once).
 */
export class VerifiedKeys {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly ttlMs = KEY_CACHE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): Principal | undefined {
    const id = idOf(key);
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.principal;
    this.entries.delete(id);
    return undefined;
  }

  set(key: string, principal: Principal): void {
    if (this.ttlMs <= 0) return;
    const id = idOf(key);
    this.entries.delete(id); // re-inserted last: the Map's order is the eviction order
    this.entries.set(id, { principal, until: this.now() + this.ttlMs });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }
}

function idOf(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('base64url');
}
