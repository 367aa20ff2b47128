import type { DataSource } from 'typeorm';
import type { ReadModelActivities } from '../src/contracts/read-model.contract';
import type { OnboardingState } from '../src/domain/onboarding';

/**
 * Writes the onboarding's state to the `onboardings` read model. The row only moves forward:
 * a write whose (startedAt, revision) is not newer than the stored one changes nothing, so a
 * retried activity, a replayed event or a late write from an older run is harmless.
 */
export function createReadModelActivities(dataSource: DataSource): ReadModelActivities {
  return {
    async projectOnboarding(state: OnboardingState): Promise<void> {
      const firstValue = state.milestones.find((m) => m.key === state.firstValueMilestone)?.achievedAt ?? null;
      await dataSource.query(
        `INSERT INTO onboardings AS o (
           id, account_id, account_name, segment, tier, playbook_version, status, stage,
           stage_entered_at, closed_won_at, first_value_at, completed_at, milestones,
           stage_history, handoff_missing, started_at, revision, projected_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17, now())
         ON CONFLICT (id) DO UPDATE SET
           account_id = EXCLUDED.account_id, account_name = EXCLUDED.account_name,
           segment = EXCLUDED.segment, tier = EXCLUDED.tier,
           playbook_version = EXCLUDED.playbook_version, status = EXCLUDED.status,
           stage = EXCLUDED.stage, stage_entered_at = EXCLUDED.stage_entered_at,
           closed_won_at = EXCLUDED.closed_won_at, first_value_at = EXCLUDED.first_value_at,
           completed_at = EXCLUDED.completed_at, milestones = EXCLUDED.milestones,
           stage_history = EXCLUDED.stage_history, handoff_missing = EXCLUDED.handoff_missing,
           started_at = EXCLUDED.started_at, revision = EXCLUDED.revision, projected_at = now()
         WHERE (o.started_at, o.revision) < (EXCLUDED.started_at, EXCLUDED.revision)`,
        [
          state.onboardingId,
          state.account.id,
          state.account.name,
          state.segment,
          state.tier,
          state.playbookVersion,
          state.status,
          state.stage.key,
          state.stage.enteredAt,
          state.closedWonAt,
          firstValue,
          state.completedAt ?? null,
          JSON.stringify(state.milestones),
          JSON.stringify(state.stageHistory),
          JSON.stringify(state.handoffMissing),
          state.startedAt,
          state.revision,
        ],
      );
    },
  };
}
