import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The watch after a successful cutover: readings, breaches, BAU acceptance (null when none). */
export class HypercareFacts1764210000000 implements MigrationInterface {
  name = 'HypercareFacts1764210000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE onboardings ADD COLUMN hypercare jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE onboardings DROP COLUMN hypercare`);
  }
}
