import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The customer's tracker links: one row per onboarding holding the current generation. A link
 * carries the generation it was signed with; revoking bumps it, so every earlier link stops
 * working at once, and a new link can be issued after.
 */
export class CreateTrackerLinks1764290000000 implements MigrationInterface {
  name = 'CreateTrackerLinks1764290000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tracker_links (
        onboarding_id text PRIMARY KEY,
        generation integer NOT NULL DEFAULT 1,
        issued_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE tracker_links`);
  }
}
