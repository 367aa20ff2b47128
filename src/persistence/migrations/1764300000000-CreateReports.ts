import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Summary reports as compiled and rendered, one per kind and period (the id, `weekly-2027-W05`):
 * `GET /reports` lists them, and `sent_at` records that the mail went, so it goes once.
 */
export class CreateReports1764300000000 implements MigrationInterface {
  name = 'CreateReports1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE reports (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('weekly', 'monthly')),
        period text NOT NULL,
        period_start timestamptz NOT NULL,
        period_end timestamptz NOT NULL,
        time_zone text NOT NULL,
        generated_at timestamptz NOT NULL DEFAULT now(),
        content jsonb NOT NULL,
        text_body text NOT NULL,
        html_body text NOT NULL,
        sent_at timestamptz,
        recipients_count integer NOT NULL DEFAULT 0,
        UNIQUE (kind, period)
      )`);
    await queryRunner.query(`CREATE INDEX reports_by_period_end ON reports (period_end DESC, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE reports`);
  }
}
