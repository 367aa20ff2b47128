import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The leadership dashboard and the pilot comparison (issue 10): each onboarding's cohort, its
 * facts as narrow columns (`onboarding_facts`, one row per onboarding, written by the projection
 * with the row) and the stages it has left (`stage_durations`), both carrying the filter columns
 * so an aggregate reads one table through an index; monthly counters of the same facts
 * (`dashboard_rollups`) for the views by tier, segment, cohort and whole months; and the baselines CS Ops
 * enters.
 *
 * Onboardings projected before this migration get their facts at their next projection.
 */
export class DashboardFacts1764280000000 implements MigrationInterface {
  name = 'DashboardFacts1764280000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE onboardings ADD COLUMN cohort text`);
    await queryRunner.query(`CREATE INDEX onboardings_cohort_idx ON onboardings (cohort) WHERE cohort IS NOT NULL`);
    await queryRunner.query(`
      CREATE TABLE onboarding_facts (
        onboarding_id              text PRIMARY KEY,
        tier                       text NOT NULL,
        segment                    text NOT NULL,
        cohort                     text,
        csm_id                     text,
        closed_won_at              timestamptz NOT NULL,
        status                     text NOT NULL,
        stalled                    boolean NOT NULL,
        at_risk                    boolean NOT NULL,
        at_risk_kinds              text[] NOT NULL,
        ttv_days                   double precision,
        ttv_target_days            integer,
        milestones_total           smallint NOT NULL,
        milestones_met             smallint NOT NULL,
        milestones_missed          smallint NOT NULL,
        milestones_achieved        smallint NOT NULL,
        milestones_overdue         smallint NOT NULL,
        escalations_l1             integer NOT NULL,
        escalations_l2             integer NOT NULL,
        escalations_l3             integer NOT NULL,
        automation_failures        integer NOT NULL,
        playbook_version           integer NOT NULL,
        facts_as_of                timestamptz NOT NULL
      )`);
    // Every filter leads an index with the period after it, so a filtered dashboard reads its rows only.
    await queryRunner.query(`CREATE INDEX onboarding_facts_period_idx ON onboarding_facts (closed_won_at)`);
    await queryRunner.query(`CREATE INDEX onboarding_facts_tier_idx ON onboarding_facts (tier, closed_won_at)`);
    await queryRunner.query(`CREATE INDEX onboarding_facts_segment_idx ON onboarding_facts (segment, closed_won_at)`);
    await queryRunner.query(`CREATE INDEX onboarding_facts_csm_idx ON onboarding_facts (csm_id, closed_won_at)`);
    await queryRunner.query(
      `CREATE INDEX onboarding_facts_cohort_idx ON onboarding_facts (cohort, closed_won_at) WHERE cohort IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE stage_durations (
        onboarding_id text NOT NULL,
        seq           smallint NOT NULL,
        stage         text NOT NULL,
        days          double precision NOT NULL,
        tier          text NOT NULL,
        segment       text NOT NULL,
        cohort        text,
        csm_id        text,
        closed_won_at timestamptz NOT NULL,
        PRIMARY KEY (onboarding_id, seq)
      )`);
    await queryRunner.query(`CREATE INDEX stage_durations_period_idx ON stage_durations (closed_won_at)`);
    await queryRunner.query(`CREATE INDEX stage_durations_tier_idx ON stage_durations (tier, closed_won_at)`);
    await queryRunner.query(`CREATE INDEX stage_durations_segment_idx ON stage_durations (segment, closed_won_at)`);
    await queryRunner.query(`CREATE INDEX stage_durations_csm_idx ON stage_durations (csm_id, closed_won_at)`);
    await queryRunner.query(
      `CREATE INDEX stage_durations_cohort_idx ON stage_durations (cohort, closed_won_at) WHERE cohort IS NOT NULL`,
    );
    // Monthly counters per (tier, segment, cohort: '' for none), kept by the projection as deltas
    // (src/domain/dashboard-rollup.ts).
    await queryRunner.query(`
      CREATE TABLE dashboard_rollups (
        metric  text NOT NULL,
        tier    text NOT NULL,
        segment text NOT NULL,
        cohort  text NOT NULL,
        month   date NOT NULL,
        key     text NOT NULL,
        value   integer NOT NULL,
        n       bigint NOT NULL,
        PRIMARY KEY (metric, tier, segment, cohort, month, key, value)
      )`);
    await queryRunner.query(`
      CREATE TABLE baselines (
        tier                          text NOT NULL,
        version                       integer NOT NULL,
        median_ttv_days               double precision NOT NULL CHECK (median_ttv_days >= 0),
        completion_within_target_rate double precision NOT NULL
                                        CHECK (completion_within_target_rate BETWEEN 0 AND 1),
        sample_size                   integer CHECK (sample_size >= 0),
        notes                         text,
        entered_by                    text NOT NULL,
        entered_at                    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tier, version)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE baselines`);
    await queryRunner.query(`DROP TABLE dashboard_rollups`);
    await queryRunner.query(`DROP TABLE stage_durations`);
    await queryRunner.query(`DROP TABLE onboarding_facts`);
    await queryRunner.query(`ALTER TABLE onboardings DROP COLUMN cohort`);
  }
}
