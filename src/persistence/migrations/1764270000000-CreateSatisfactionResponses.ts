import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The customer's satisfaction answer at the end of the journey (1 to 5, and a comment), given on
 * their progress tracker; one per onboarding, the latest answer kept. Read by the pilot
 * comparison beside TTV and completion within target.
 */
export class CreateSatisfactionResponses1764270000000 implements MigrationInterface {
  name = 'CreateSatisfactionResponses1764270000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE satisfaction_responses (
        onboarding_id text PRIMARY KEY,
        score smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
        comment text,
        answered_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE satisfaction_responses`);
  }
}
