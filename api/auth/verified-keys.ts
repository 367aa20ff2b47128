import { createHash } from 'node:crypto';
import type { Principal } from '../../src/domain/principal';

/** How long a verified key is trusted without asking PostgreSQL again: a revocation takes at most this long. */
export const KEY_CACHE_MS = 30_000;
const MAX_ENTRIES = 10_000;

/**
 * Keys verified in the last 30 s, so that a busy client does not cost a database round trip per
 * request, and requests keep being authenticated through a short database outage. Held by the
 * SHA-256 of the key, never the key itself. Only successes are kept: an unknown key is looked up
 * every time (a key created a moment ago works at once). A revocation is notified by PostgreSQL
 * (trigger `api_key_changed`) and forgets the key at once in every API process whose change
 * listener is connected; one whose listener is down keeps trusting it for the rest of its 30 s.
 */
export class VerifiedKeys {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();
  /** Bumped by every forget(), to recognise a verification that raced a revocation. */
  private generation = 0;

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

  /** Forgets a key by its public prefix (`oo_` and 8 characters, the principal's id): it was revoked or deleted. */
  forget(prefix: string): void {
    this.generation++;
    for (const [id, entry] of this.entries) if (entry.principal.id === prefix) this.entries.delete(id);
  }

  /** Taken before verifying a key against PostgreSQL, and given back to set(). */
  mark(): number {
    return this.generation;
  }

  /**
   * Keeps a verified key, unless a key was forgotten since `mark` (the verification may have read
   * the row before its revocation committed).
   */
  set(key: string, principal: Principal, mark = this.generation): void {
    if (this.ttlMs <= 0 || mark !== this.generation) return;
    const id = idOf(key);
    this.entries.delete(id); // re-inserted last: the Map's order is the eviction order
    this.entries.set(id, { principal, until: this.now() + this.ttlMs });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }
}

function idOf(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('base64url');
}
