import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys for machine clients and people. The key itself is never stored: `key_hash` is the
 * SHA-256 of the whole key, and `prefix` (public, unique) finds the row. A revoked key keeps its
 * row (`revoked_at`), so the list still says who had access and when it ended.
 */
export class CreateApiKeys1764230000000 implements MigrationInterface {
  name = 'CreateApiKeys1764230000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id           uuid PRIMARY KEY,
        prefix       text NOT NULL UNIQUE,
        key_hash     bytea NOT NULL CHECK (octet_length(key_hash) = 32),
        name         text NOT NULL,
        roles        text[] NOT NULL CHECK (cardinality(roles) > 0),
        csm_id       text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        revoked_at   timestamptz,
        last_used_at timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE api_keys`);
  }
}
