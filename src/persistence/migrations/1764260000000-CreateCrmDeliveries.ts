import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per CRM webhook delivery that started (or found) its onboarding: the key is the source
 * (`hubspot`, `generic`) and the CRM's delivery id, the row keeps the first answer, which a
 * replayed delivery gets again. A row is written only after the start succeeded, so a delivery
 * whose start failed is retried by the CRM as if new.
 */
export class CreateCrmDeliveries1764260000000 implements MigrationInterface {
  name = 'CreateCrmDeliveries1764260000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE crm_deliveries (
        source        text NOT NULL,
        delivery_id   text NOT NULL,
        onboarding_id text NOT NULL,
        answer        jsonb NOT NULL,
        received_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source, delivery_id)
      )`);
    await queryRunner.query(`CREATE INDEX crm_deliveries_onboarding_idx ON crm_deliveries (onboarding_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE crm_deliveries`);
  }
}
