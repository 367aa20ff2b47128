import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSegmentationRules1764190000000 implements MigrationInterface {
  name = 'CreateSegmentationRules1764190000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE segmentation_rules (
        version      integer PRIMARY KEY CHECK (version > 0),
        rule         jsonb NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        published_by text NOT NULL,
        notes        text
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE segmentation_rules`);
  }
}
