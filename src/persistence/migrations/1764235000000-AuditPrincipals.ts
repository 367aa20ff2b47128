import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log names the authenticated principal of each command (its kind, key prefix or token
 * subject, and the role it acted in) beside `actor`, its label. Empty on entries written by the
 * onboarding itself (timers, sagas) and on those from before principals existed.
 */
export class AuditPrincipals1764235000000 implements MigrationInterface {
  name = 'AuditPrincipals1764235000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE audit_log
        ADD COLUMN principal_kind text,
        ADD COLUMN principal_id text,
        ADD COLUMN acting_role text,
        ADD COLUMN actor_note text`);
    await queryRunner.query(
      `CREATE INDEX audit_log_principal ON audit_log (principal_id) WHERE principal_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX audit_log_principal`);
    await queryRunner.query(`
      ALTER TABLE audit_log
        DROP COLUMN principal_kind, DROP COLUMN principal_id, DROP COLUMN acting_role, DROP COLUMN actor_note`);
  }
}
