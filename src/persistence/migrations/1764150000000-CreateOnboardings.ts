import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOnboardings1764150000000 implements MigrationInterface {
  name = 'CreateOnboardings1764150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE onboardings (
        id               text PRIMARY KEY,
        account_id       text NOT NULL,
        account_name     text NOT NULL,
        segment          text NOT NULL,
        tier             text NOT NULL,
        playbook_version integer NOT NULL,
        status           text NOT NULL,
        stage            text NOT NULL,
        stage_entered_at timestamptz NOT NULL,
        closed_won_at    timestamptz NOT NULL,
        first_value_at   timestamptz,
        completed_at     timestamptz,
        milestones       jsonb NOT NULL,
        stage_history    jsonb NOT NULL,
        handoff_missing  jsonb NOT NULL,
        started_at       timestamptz NOT NULL,
        revision         integer NOT NULL,
        projected_at     timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX onboardings_tier_status_idx ON onboardings (tier, status)`);
    await queryRunner.query(`CREATE INDEX onboardings_closed_won_at_idx ON onboardings (closed_won_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE onboardings`);
  }
}
