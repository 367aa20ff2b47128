import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound event callbacks. `domain_events`: every event derived from an onboarding's state, once
 * per id (the id is built from the fact, so projecting again inserts nothing), with the exact body
 * that is signed and sent. `webhook_subscriptions`: the CS platform's endpoints; the secret is
 * stored as given back to the admin once, because signing needs it (a hash would not do).
 * `webhook_deliveries`: one row per event and subscription (unique: once per subscription), plus
 * one per redelivery (`redelivery_of`); `webhook_delivery_attempts`: each HTTP attempt.
 */
export class CreateEventWebhooks1764250000000 implements MigrationInterface {
  name = 'CreateEventWebhooks1764250000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE domain_events (
        id            text PRIMARY KEY,
        type          text NOT NULL,
        onboarding_id text NOT NULL,
        occurred_at   timestamptz NOT NULL,
        body          text NOT NULL,
        recorded_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX domain_events_onboarding ON domain_events (onboarding_id, occurred_at)`);
    await queryRunner.query(`
      CREATE TABLE webhook_subscriptions (
        id              uuid PRIMARY KEY,
        url             text NOT NULL,
        description     text,
        event_types     text[],
        secret          text NOT NULL,
        status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
        disabled_reason text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        disabled_at     timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        id                  uuid PRIMARY KEY,
        event_id            text NOT NULL REFERENCES domain_events (id),
        subscription_id     uuid NOT NULL REFERENCES webhook_subscriptions (id),
        onboarding_id       text NOT NULL,
        event_type          text NOT NULL,
        redelivery_of       uuid REFERENCES webhook_deliveries (id),
        status              text NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'retrying', 'succeeded', 'failed', 'cancelled')),
        attempts            integer NOT NULL DEFAULT 0,
        last_status_code    integer,
        last_error          text,
        created_at          timestamptz NOT NULL DEFAULT now(),
        workflow_started_at timestamptz,
        delivered_at        timestamptz,
        ended_at            timestamptz
      )`);
    // Once per event and subscription; redeliveries are further rows that point at the first.
    await queryRunner.query(
      `CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (event_id, subscription_id)
       WHERE redelivery_of IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_unstarted ON webhook_deliveries (onboarding_id) WHERE workflow_started_at IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX webhook_deliveries_log ON webhook_deliveries (created_at DESC, id)`);
    await queryRunner.query(`
      CREATE TABLE webhook_delivery_attempts (
        delivery_id  uuid NOT NULL REFERENCES webhook_deliveries (id),
        attempt      integer NOT NULL,
        at           timestamptz NOT NULL,
        status_code  integer,
        error_class  text,
        duration_ms  integer NOT NULL,
        PRIMARY KEY (delivery_id, attempt)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE webhook_delivery_attempts`);
    await queryRunner.query(`DROP TABLE webhook_deliveries`);
    await queryRunner.query(`DROP TABLE webhook_subscriptions`);
    await queryRunner.query(`DROP TABLE domain_events`);
  }
}
