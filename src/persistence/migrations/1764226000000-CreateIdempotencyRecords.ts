import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per Idempotency-Key: what it was first used for (route, path parameters, body
 * fingerprint) and, once the first request ended, its answer to replay. The primary key is the
 * claim: `INSERT ... ON CONFLICT DO NOTHING` lets exactly one request own a key.
 */
export class CreateIdempotencyRecords1764226000000 implements MigrationInterface {
  name = 'CreateIdempotencyRecords1764226000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE idempotency_records (
        scope            text NOT NULL,
        key              text NOT NULL,
        route            text NOT NULL,
        params           text NOT NULL,
        fingerprint      text NOT NULL,
        status           text NOT NULL CHECK (status IN ('in-flight', 'completed')),
        claim_token      uuid NOT NULL,
        lease_expires_at timestamptz NOT NULL,
        response_status  integer,
        response_body    jsonb,
        response_headers jsonb,
        created_at       timestamptz NOT NULL DEFAULT now(),
        expires_at       timestamptz NOT NULL,
        PRIMARY KEY (scope, key)
      )`);
    await queryRunner.query(`CREATE INDEX idempotency_records_expires_idx ON idempotency_records (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_records`);
  }
}
