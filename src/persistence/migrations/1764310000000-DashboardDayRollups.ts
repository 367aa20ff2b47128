import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Daily counters of the dashboard facts (`dashboard_day_rollups`, the same rows as the monthly
 * `dashboard_rollups` per closed-won day), so a period that cuts months reads whole months and the
 * days of its cut months instead of every onboarding's row. Schema only: the counters are filled,
 * and the facts of onboardings projected before migration 1764280000000 backfilled, by
 * reconcileDashboardFacts after the migrations (src/persistence/dashboard-facts-backfill.ts),
 * which runs the projection's current code; a migration must do the same forever.
 */
export class DashboardDayRollups1764310000000 implements MigrationInterface {
  name = 'DashboardDayRollups1764310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE dashboard_day_rollups (
        metric  text NOT NULL,
        tier    text NOT NULL,
        segment text NOT NULL,
        cohort  text NOT NULL,
        day     date NOT NULL,
        key     text NOT NULL,
        value   integer NOT NULL,
        n       bigint NOT NULL,
        PRIMARY KEY (metric, tier, segment, cohort, day, key, value)
      )`);
    // A period reads a few days of every metric: the day leads.
    await queryRunner.query(
      `CREATE INDEX dashboard_day_rollups_day_idx ON dashboard_day_rollups (day, tier, segment, cohort)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE dashboard_day_rollups`);
  }
}
