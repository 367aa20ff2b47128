import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * Idempotency records in PostgreSQL (`idempotency_records`): the first request with a key claims
 * it, later ones with the same key get that request's answer, or are told how they differ. The
 * claim is the primary key (`INSERT ... ON CONFLICT DO NOTHING`); every other change is a
 * conditional UPDATE or DELETE on the row, so PostgreSQL's row locking is the only locking.
 * Times are the database's `now()`, the one clock all API replicas share.
 */
export interface IdempotentRequest {
  /** Whose keys these are: one constant until requests carry a principal. */
  scope: string;
  key: string;
  /** Method and route template, e.g. `POST /onboardings/:id/milestones/:milestone`. */
  route: string;
  /** The path parameters, as canonical JSON: they name what the request changes. */
  params: string;
  /** The body's fingerprint (canonical JSON, sha256). */
  fingerprint: string;
}

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export type Claim =
  | { outcome: 'claimed'; token: string }
  | { outcome: 'replay'; response: StoredResponse }
  | { outcome: 'in-flight' }
  | {
      outcome: 'reused';
      first: Pick<IdempotentRequest, 'route' | 'params' | 'fingerprint'>;
      differs: Array<'route' | 'params' | 'body'>;
    };

export interface IdempotencyStoreOptions {
  /** How long a key's first answer is kept, from its first use. */
  ttlMs: number;
  /**
   * How long a claim is held by a request that neither completes nor releases it (its process
   * died, or PostgreSQL went away before the release): after that another request takes it over.
   * Longer than any request can run, so a live request is never taken over.
   */
  leaseMs: number;
}

interface RecordRow {
  route: string;
  params: string;
  fingerprint: string;
  status: 'in-flight' | 'completed';
  response_status: number | null;
  response_body: unknown;
  response_headers: Record<string, string> | null;
  expired: boolean;
  lease_lapsed: boolean;
}

export class IdempotencyStore {
  constructor(
    private readonly db: DataSource,
    readonly options: IdempotencyStoreOptions,
  ) {}

  async claim(request: IdempotentRequest): Promise<Claim> {
    // Each pass either decides, or saw the row change under it (deleted as expired, or taken
    // over); a third change in a row would need three other requests within milliseconds.
    for (let pass = 0; pass < 3; pass++) {
      const token = randomUUID();
      const inserted = await this.db.query(
        `INSERT INTO idempotency_records (scope, key, route, params, fingerprint, status, claim_token, lease_expires_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, 'in-flight', $6, now() + $7 * interval '1 millisecond', now() + $8 * interval '1 millisecond')
         ON CONFLICT (scope, key) DO NOTHING
         RETURNING key`,
        [
          request.scope,
          request.key,
          request.route,
          request.params,
          request.fingerprint,
          token,
          this.options.leaseMs,
          this.options.ttlMs,
        ],
      );
      if (inserted.length > 0) return { outcome: 'claimed', token };

      const [row]: RecordRow[] = await this.db.query(
        `SELECT route, params, fingerprint, status, response_status, response_body, response_headers,
                expires_at <= now() AS expired, lease_expires_at <= now() AS lease_lapsed
           FROM idempotency_records WHERE scope = $1 AND key = $2`,
        [request.scope, request.key],
      );
      if (!row) continue;
      if (row.expired) {
        // Lazily, so an expired key is reusable at once, whenever the timed clean-up last ran.
        await this.db.query(`DELETE FROM idempotency_records WHERE scope = $1 AND key = $2 AND expires_at <= now()`, [
          request.scope,
          request.key,
        ]);
        continue;
      }
      const differs = differences(row, request);
      if (differs.length > 0) return { outcome: 'reused', first: row, differs };
      if (row.status === 'completed') {
        return {
          outcome: 'replay',
          response: { status: row.response_status!, body: row.response_body, headers: row.response_headers ?? {} },
        };
      }
      if (!row.lease_lapsed) return { outcome: 'in-flight' };
      const taken = await this.db.query(
        `WITH taken AS (
           UPDATE idempotency_records SET claim_token = $3, lease_expires_at = now() + $4 * interval '1 millisecond'
            WHERE scope = $1 AND key = $2 AND status = 'in-flight' AND lease_expires_at <= now()
           RETURNING key)
         SELECT key FROM taken`,
        [request.scope, request.key, token, this.options.leaseMs],
      );
      if (taken.length > 0) return { outcome: 'claimed', token };
    }
    throw new Error(`idempotency record ${request.key} kept changing while it was claimed`);
  }

  /** Keeps the first answer. Only the claim's holder can complete it (a lapsed holder cannot). */
  async complete(request: IdempotentRequest, token: string, response: StoredResponse): Promise<boolean> {
    const rows = await this.db.query(
      `WITH done AS (
         UPDATE idempotency_records
            SET status = 'completed', response_status = $4, response_body = $5::jsonb, response_headers = $6::jsonb
          WHERE scope = $1 AND key = $2 AND claim_token = $3 AND status = 'in-flight'
         RETURNING key)
       SELECT key FROM done`,
      // Stringified: pg would turn a JS array into a PostgreSQL array, not JSON.
      [
        request.scope,
        request.key,
        token,
        response.status,
        JSON.stringify(response.body ?? null),
        JSON.stringify(response.headers),
      ],
    );
    return rows.length > 0;
  }

  /** Forgets a claim whose request has no final answer, so a retry runs it again. */
  async release(request: IdempotentRequest, token: string): Promise<void> {
    await this.db.query(
      `DELETE FROM idempotency_records WHERE scope = $1 AND key = $2 AND claim_token = $3 AND status = 'in-flight'`,
      [request.scope, request.key, token],
    );
  }

  /** Deletes expired records, in batches so a large backlog never holds many row locks at once. */
  async deleteExpired(batchSize = 1_000): Promise<number> {
    let total = 0;
    for (;;) {
      const [{ deleted }] = await this.db.query(
        `WITH gone AS (
           DELETE FROM idempotency_records WHERE ctid IN (
             SELECT ctid FROM idempotency_records WHERE expires_at <= now() LIMIT $1)
           RETURNING 1)
         SELECT count(*)::int AS deleted FROM gone`,
        [batchSize],
      );
      total += deleted;
      if (deleted < batchSize) return total;
    }
  }
}

function differences(
  first: Pick<IdempotentRequest, 'route' | 'params' | 'fingerprint'>,
  request: IdempotentRequest,
): Array<'route' | 'params' | 'body'> {
  // Another route takes other parameters and another body: the route alone says it.
  if (first.route !== request.route) return ['route'];
  const differs: Array<'route' | 'params' | 'body'> = [];
  if (first.params !== request.params) differs.push('params');
  if (first.fingerprint !== request.fingerprint) differs.push('body');
  return differs;
}
