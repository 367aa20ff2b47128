import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateNotifications1764170000000 implements MigrationInterface {
  name = 'CreateNotifications1764170000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE notifications (
        key             text PRIMARY KEY,
        onboarding_id   text NOT NULL,
        event           text NOT NULL,
        recipients      jsonb NOT NULL,
        subject         text NOT NULL,
        body            text NOT NULL,
        email_sent_at   timestamptz,
        webhook_sent_at timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    // An onboarding's messages, newest first (audit, support questions).
    await queryRunner.query(
      `CREATE INDEX notifications_onboarding_id_idx ON notifications (onboarding_id, created_at DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE notifications`);
  }
}
