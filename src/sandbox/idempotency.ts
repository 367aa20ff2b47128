/**
 * Idempotency keys of the migration API. A cutover step may be retried after a timeout whose
 * call did happen; the key makes the retry answer what the first call answered instead of doing
 * the work again (a second freeze, a second copy of a batch).
 *
 * - Only answers of calls that did their work (2xx) are kept: a refused or failed call (423
 *   frozen, an injected 500, a crash half-way through a batch) did not finish, so a retry with
 *   the same key tries again.
 * - Keys are global, not per path: a key reused for a different call (another method, path or
 *   body) answers 422, because that is a bug in the caller that would otherwise skip work.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, HttpError, type Reply } from './http';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Set to `true` on an answer replayed from the first call with the same key. */
export const REPLAYED_HEADER = 'idempotent-replayed';

interface Entry {
  fingerprint: string;
  reply: Reply;
}

export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  get size(): number {
    return this.entries.size;
  }

  /** The first answer for this key, or undefined when the key is new. */
  replay(key: string, method: string, path: string, body: unknown): Reply | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.fingerprint !== fingerprint(method, path, body)) {
      throw new HttpError(422, `Idempotency-Key '${key}' was already used for a different request`);
    }
    return entry.reply;
  }

  remember(key: string, method: string, path: string, body: unknown, reply: Reply): void {
    if (reply.status >= 200 && reply.status < 300) {
      this.entries.set(key, { fingerprint: fingerprint(method, path, body), reply: structuredClone(reply) });
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

function fingerprint(method: string, path: string, body: unknown): string {
  // The parsed body in canonical form: a retry that re-serialises its body differently is still the same request.
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}
