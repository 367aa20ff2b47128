import type { MigrationInterface, QueryRunner } from 'typeorm';
import { backfillDashboardFacts } from '../dashboard-facts-backfill';
import { rebuildDashboardRollups } from '../dashboard-facts-store';

/**
 * Daily counters of the dashboard facts (`dashboard_day_rollups`, the same rows as the monthly
 * `dashboard_rollups` per closed-won day), so a period that cuts months reads whole months and the
 * days of its cut months instead of every onboarding's row; and the facts of the onboardings
 * projected before migration 1764280000000, derived from their read-model rows
 * (src/persistence/dashboard-facts-backfill.ts). Then both counters are rebuilt from the facts.
 *
 * The backfill runs the current derivation on purpose: the facts must be what the projection
 * writes. On a fresh database it finds no onboarding and costs nothing.
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
    const outcome = await backfillDashboardFacts(queryRunner.manager);
    if (outcome.withoutPlaybook.length > 0) {
      // Counts and ids only: these get their facts at their next projection.
      console.warn(
        JSON.stringify({
          msg: 'dashboard facts not backfilled: playbook version not stored',
          onboardings: outcome.withoutPlaybook.length,
          ids: outcome.withoutPlaybook.slice(0, 20),
        }),
      );
    }
    await rebuildDashboardRollups(queryRunner.manager);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Backfilled facts stay: they are what the projection would have written.
    await queryRunner.query(`DROP TABLE dashboard_day_rollups`);
  }
}
