import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The journey engine's facts: what each onboarding waits on and why it is at risk (for lists
 * and filters), its tasks, gates, risks and escalations (for dashboards), the audit log, and the
 * CSM roster with its assignments.
 */
export class JourneyFacts1764180000000 implements MigrationInterface {
  name = 'JourneyFacts1764180000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE onboardings
        ADD COLUMN csm_id          text,
        ADD COLUMN waiting_on      text NOT NULL DEFAULT 'nothing',
        ADD COLUMN waiting_since   timestamptz,
        ADD COLUMN at_risk         boolean NOT NULL DEFAULT false,
        ADD COLUMN at_risk_reasons jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN stalled_since   timestamptz,
        ADD COLUMN tasks           jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN gates           jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN risks           jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN escalations     jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`CREATE INDEX onboardings_csm_idx ON onboardings (csm_id)`);
    await queryRunner.query(`
      CREATE TABLE audit_log (
        onboarding_id text NOT NULL,
        seq           integer NOT NULL,
        at            timestamptz NOT NULL,
        actor         text NOT NULL,
        action        text NOT NULL,
        details       jsonb NOT NULL,
        evidence      text,
        PRIMARY KEY (onboarding_id, seq)
      )`);
    await queryRunner.query(`
      CREATE TABLE csms (
        id       text PRIMARY KEY,
        name     text NOT NULL,
        email    text NOT NULL,
        tiers    text[] NOT NULL,
        capacity integer NOT NULL CHECK (capacity >= 0),
        active   boolean NOT NULL DEFAULT true
      )`);
    await queryRunner.query(`
      CREATE TABLE csm_assignments (
        onboarding_id text PRIMARY KEY,
        csm_id        text NOT NULL REFERENCES csms (id),
        tier          text NOT NULL,
        assigned_at   timestamptz NOT NULL DEFAULT now(),
        released_at   timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX csm_assignments_active_idx ON csm_assignments (csm_id) WHERE released_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE csm_assignments`);
    await queryRunner.query(`DROP TABLE csms`);
    await queryRunner.query(`DROP TABLE audit_log`);
    await queryRunner.query(`
      ALTER TABLE onboardings DROP COLUMN csm_id, DROP COLUMN waiting_on, DROP COLUMN waiting_since,
        DROP COLUMN at_risk, DROP COLUMN at_risk_reasons, DROP COLUMN stalled_since, DROP COLUMN tasks,
        DROP COLUMN gates, DROP COLUMN risks, DROP COLUMN escalations`);
  }
}
