import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePlaybooks1764160000000 implements MigrationInterface {
  name = 'CreatePlaybooks1764160000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE playbooks (
        tier         text NOT NULL,
        version      integer NOT NULL CHECK (version > 0),
        definition   jsonb NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        published_by text NOT NULL,
        notes        text,
        PRIMARY KEY (tier, version)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE playbooks`);
  }
}
