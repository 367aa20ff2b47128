import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each onboarding's cutover and rehearsal attempts with their outcomes, for the dashboards. */
export class CutoverFacts1764200000000 implements MigrationInterface {
  name = 'CutoverFacts1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE onboardings ADD COLUMN cutovers jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE onboardings DROP COLUMN cutovers`);
  }
}
