import { isDeepStrictEqual } from 'node:util';
import type { AuditEntry } from '../../src/domain/outbox';

/**
 * Stores audit entries as the audit_log table does, keyed by seq: a write of an entry already
 * stored is ignored (a retried or repeated local activity). A different entry at a stored seq is
 * kept beside it, so a test that checks the seqs sees it: a repeated write must be the same write.
 */
export function storeAuditBySeq(stored: AuditEntry[], entries: AuditEntry[]): void {
  for (const entry of entries) {
    const same = stored.find((e) => e.seq === entry.seq);
    if (same && isDeepStrictEqual(same, entry)) continue;
    stored.push(entry);
  }
}
