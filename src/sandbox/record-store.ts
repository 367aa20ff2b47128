/**
 * An in-memory store of migration records (accounts, cards, payments), kept by id. The legacy
 * platform, the target platform and the staging target each have one.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, HttpError, isPlainObject } from './http';

export const RECORD_KINDS = ['account', 'card', 'payment'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export interface SandboxRecord {
  id: string;
  kind: RecordKind;
  data: Record<string, unknown>;
}

export type KindCounts = Record<RecordKind, number>;

export interface StoreChecksum {
  count: number;
  byKind: KindCounts;
  /** sha256 (hex) over every record in id order: canonical JSON of `[id, kind, data]`, one per line. */
  sha256: string;
}

export interface RecordPage {
  records: SandboxRecord[];
  /** The cursor for the next page (the last id of this one); null when this page is the last. */
  nextAfter: string | null;
}

export interface StoreStats {
  /** Every record written, overwrites included: tells whether a resumed migration sent records again. */
  writes: number;
  overwrites: number;
  deletes: number;
}

export class RecordStore {
  private readonly records = new Map<string, SandboxRecord>();
  private sortedIds?: string[]; // rebuilt lazily: paging a frozen store sorts once
  readonly stats: StoreStats = { writes: 0, overwrites: 0, deletes: 0 };

  get size(): number {
    return this.records.size;
  }

  has(id: string): boolean {
    return this.records.has(id);
  }

  get(id: string): SandboxRecord | undefined {
    const record = this.records.get(id);
    return record && structuredClone(record);
  }

  /** Creates or replaces by id (an upsert): a record written twice is held once. */
  put(record: SandboxRecord): 'created' | 'replaced' {
    const existed = this.records.has(record.id);
    this.records.set(record.id, structuredClone(record));
    this.stats.writes++;
    if (existed) this.stats.overwrites++;
    else this.sortedIds = undefined;
    return existed ? 'replaced' : 'created';
  }

  putMany(records: SandboxRecord[]): { created: number; replaced: number } {
    let created = 0;
    for (const record of records) if (this.put(record) === 'created') created++;
    return { created, replaced: records.length - created };
  }

  delete(ids: string[]): number {
    let deleted = 0;
    for (const id of ids) if (this.records.delete(id)) deleted++;
    if (deleted) this.sortedIds = undefined;
    this.stats.deletes += deleted;
    return deleted;
  }

  /** Deletes every record (counted in stats.deletes). */
  purge(): number {
    return this.delete([...this.records.keys()]);
  }

  /** Back to a new, empty store: records and stats. */
  reset(): void {
    this.records.clear();
    this.sortedIds = undefined;
    Object.assign(this.stats, { writes: 0, overwrites: 0, deletes: 0 });
  }

  /** Records in id order (plain string order) strictly after `after`. */
  page(after: string | undefined, limit: number): RecordPage {
    const ids = this.ids();
    const start = after === undefined ? 0 : firstIndexAfter(ids, after);
    const slice = ids.slice(start, start + limit);
    return {
      records: slice.map((id) => this.get(id)!),
      nextAfter: start + limit < ids.length ? slice[slice.length - 1] : null,
    };
  }

  all(): SandboxRecord[] {
    return this.ids().map((id) => this.get(id)!);
  }

  countByKind(): KindCounts {
    const counts: KindCounts = { account: 0, card: 0, payment: 0 };
    for (const record of this.records.values()) counts[record.kind]++;
    return counts;
  }

  checksum(): StoreChecksum {
    const hash = createHash('sha256');
    for (const id of this.ids()) {
      const { kind, data } = this.records.get(id)!;
      hash.update(canonicalJson([id, kind, data])).update('\n');
    }
    return { count: this.records.size, byKind: this.countByKind(), sha256: hash.digest('hex') };
  }

  private ids(): string[] {
    // Plain code-unit order (not localeCompare): the same order on every machine and for every client.
    return (this.sortedIds ??= [...this.records.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

/** The legacy platform's store, with its write freeze. */
export class LegacyStore extends RecordStore {
  frozen = false;

  override reset(): void {
    super.reset();
    this.frozen = false;
  }
}

function firstIndexAfter(sorted: string[], after: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Checks one record of a request body; `at` names it in the error (e.g. `records[3]`). */
export function parseRecord(value: unknown, at: string): SandboxRecord {
  if (!isPlainObject(value)) throw new HttpError(400, `${at} must be an object { id, kind, data }`);
  const { id, kind, data } = value;
  if (typeof id !== 'string' || !id) throw new HttpError(400, `${at}.id must be a non-empty string`);
  if (!RECORD_KINDS.includes(kind as RecordKind))
    throw new HttpError(400, `${at}.kind must be one of ${RECORD_KINDS.join(', ')}`);
  if (!isPlainObject(data)) throw new HttpError(400, `${at}.data must be an object`);
  return { id, kind: kind as RecordKind, data };
}

/** `{ records: [...] }` of a request body. */
export function parseRecords(body: unknown): SandboxRecord[] {
  if (!isPlainObject(body) || !Array.isArray(body.records)) throw new HttpError(400, 'records must be an array');
  return body.records.map((r, i) => parseRecord(r, `records[${i}]`));
}
