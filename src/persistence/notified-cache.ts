import type { ChangeFeed } from './change-listener';

/**
 * Values read from PostgreSQL, kept until a notification says they changed. The rules, in the
 * order they are checked:
 *
 * - while the feed has no epoch (its connection down, connecting, or a heartbeat overdue) nothing
 *   is served from memory nor kept: every read goes to PostgreSQL, so a notification missed then
 *   cannot leave an old value in use;
 * - a value is served only in the epoch it was read in: after a reconnection everything is read again;
 * - a value read while an invalidation arrived (or the epoch changed) is returned to its caller
 *   but not kept, since the read may have seen the row from before the change.
 *
 * Only successful reads are kept: a failure (nothing published yet) is asked again next time.
 */
export class NotifiedCache<K, V> {
  private readonly entries = new Map<K, { value: V; epoch: number }>();
  /** Bumped by every invalidation, to recognise a read that raced one. */
  private generation = 0;

  constructor(private readonly feed: Pick<ChangeFeed, 'epoch'>) {}

  async get(key: K, read: () => Promise<V>): Promise<V> {
    const epoch = this.feed.epoch();
    if (epoch === undefined) {
      this.entries.clear();
      return read();
    }
    const hit = this.entries.get(key);
    if (hit && hit.epoch === epoch) return hit.value;
    const generation = this.generation;
    const value = await read();
    if (this.generation === generation && this.feed.epoch() === epoch) this.entries.set(key, { value, epoch });
    return value;
  }

  /** One key changed (a tier's playbook), or, without a key, anything may have. */
  invalidate(key?: K): void {
    this.generation++;
    if (key === undefined) this.entries.clear();
    else this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
