import type { DataSource } from 'typeorm';
import type { OnboardingProjection, ReadModelActivities } from '../src/contracts/read-model.contract';
import type { AuditEntry } from '../src/domain/outbox';
import { failingPermanently } from './permanent-failures';

const COLUMNS = [
  'id',
  'account_id',
  'account_name',
  'segment',
  'tier',
  'playbook_version',
  'status',
  'stage',
  'stage_entered_at',
  'closed_won_at',
  'first_value_at',
  'completed_at',
  'milestones',
  'stage_history',
  'handoff_missing',
  'csm_id',
  'waiting_on',
  'waiting_since',
  'at_risk',
  'at_risk_reasons',
  'stalled_since',
  'tasks',
  'gates',
  'risks',
  'escalations',
  'cutovers',
  'hypercare',
  'started_at',
  'revision',
];

/**
 * Writes the onboarding's state to the `onboardings` read model, and its audit entries to the
 * audit log. The row only moves forward: a write whose (startedAt, revision) is not newer than
 * the stored one changes nothing; audit entries are keyed by (onboarding, seq). So a retried
 * activity, a replayed event or a late write from an older run is harmless. A value PostgreSQL
 * refuses fails without retry (permanent-failures.ts): the workflow records it and goes on.
 */
export function createReadModelActivities(dataSource: DataSource): ReadModelActivities {
  return {
    async projectOnboarding({ state, waitingOn, atRiskReasons }: OnboardingProjection): Promise<void> {
      const firstValue = state.milestones.find((m) => m.key === state.firstValueMilestone)?.achievedAt ?? null;
      const values = [
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
        state.csm?.id ?? null,
        waitingOn.kind,
        waitingOn.since,
        atRiskReasons.length > 0,
        JSON.stringify(atRiskReasons),
        state.stalledSince ?? null,
        JSON.stringify(state.tasks),
        JSON.stringify(state.gates),
        JSON.stringify(state.risks),
        JSON.stringify(state.escalations),
        JSON.stringify(state.cutovers ?? []),
        state.hypercare ? JSON.stringify(state.hypercare) : null,
        state.startedAt,
        state.revision,
      ];
      const placeholders = COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
      const updates = COLUMNS.filter((c) => c !== 'id')
        .map((c) => `${c} = EXCLUDED.${c}`)
        .join(', ');
      await failingPermanently('onboarding projection', () =>
        dataSource.query(
          `INSERT INTO onboardings AS o (${COLUMNS.join(', ')}, projected_at)
         VALUES (${placeholders}, now())
         ON CONFLICT (id) DO UPDATE SET ${updates}, projected_at = now()
         WHERE (o.started_at, o.revision) < (EXCLUDED.started_at, EXCLUDED.revision)`,
          values,
        ),
      );
    },

    async appendAudit(onboardingId: string, entries: AuditEntry[]): Promise<void> {
      if (entries.length === 0) return;
      const COLUMNS = 10;
      const rows = entries.map(
        (_, i) => `($1, ${Array.from({ length: COLUMNS }, (__, c) => `$${i * COLUMNS + c + 2}`).join(', ')})`,
      );
      const values = entries.flatMap((e) => [
        e.seq,
        e.at,
        e.actor,
        e.action,
        JSON.stringify(e.details),
        e.evidence ?? null,
        e.principal?.kind ?? null,
        e.principal?.id ?? null,
        e.principal?.role ?? null,
        e.actorNote ?? null,
      ]);
      await failingPermanently('audit entries', () =>
        dataSource.query(
          `INSERT INTO audit_log (onboarding_id, seq, at, actor, action, details, evidence,
                                  principal_kind, principal_id, acting_role, actor_note)
         VALUES ${rows.join(', ')} ON CONFLICT (onboarding_id, seq) DO NOTHING`,
          [onboardingId, ...values],
        ),
      );
    },
  };
}
