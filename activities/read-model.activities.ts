import type { DataSource, EntityManager } from 'typeorm';
import type {
  OnboardingPassRecords,
  OnboardingProjection,
  ReadModelActivities,
} from '../src/contracts/read-model.contract';
import { type DomainEvent, domainEventsOf, type ProjectedBefore } from '../src/domain/domain-events';
import type { AuditEntry } from '../src/domain/outbox';
import { dashboardFactsOf } from '../src/domain/dashboard-facts';
import type { CountDomainEvents } from '../src/infra/domain-counters';
import type { DeliveryStarter } from '../src/infra/event-delivery-starter';
import { factFiltersOf, writeDashboardFacts } from '../src/persistence/dashboard-facts-store';
import { markDeliveryStarted, recordDomainEvents, unstartedDeliveries } from '../src/persistence/event-store';
import { failingPermanently } from './permanent-failures';

const COLUMNS = [
  'id',
  'account_id',
  'account_name',
  'segment',
  'tier',
  'playbook_version',
  'cohort',
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
 * audit log: both in one transaction for one pass of the workflow (`recordOnboardingPass`, what
 * runs since the database-work-as-local-activities patch), or apart (what earlier runs call). The row only moves forward: a write whose (startedAt, revision) is not newer than
 * the stored one changes nothing; audit entries are keyed by (onboarding, seq). So a retried
 * activity, a replayed event or a late write from an older run is harmless. A value PostgreSQL
 * refuses fails without retry (permanent-failures.ts): the workflow records it and goes on.
 *
 * The same write records the domain events the state implies (src/domain/domain-events.ts) and
 * the deliveries they owe to subscriptions, in one transaction; then the deliveries' workflows
 * are started (`startDelivery`). A delivery whose start failed is started by the next attempt or
 * projection, since the row remembers it was not. Without `startDelivery` (tools, some tests)
 * events and deliveries are recorded and wait.
 */
export function createReadModelActivities(
  dataSource: DataSource,
  opts: { startDelivery?: DeliveryStarter; countEvents?: CountDomainEvents } = {},
): ReadModelActivities {
  /** After the commit: counted once (each event is recorded once, however often projected), then delivered. */
  const afterCommit = async (onboardingId: string, recorded: DomainEvent[]) => {
    opts.countEvents?.(recorded);
    if (!opts.startDelivery) return;
    for (const id of await unstartedDeliveries(dataSource, onboardingId)) {
      await opts.startDelivery(id);
      await markDeliveryStarted(dataSource, id);
    }
  };

  return {
    async projectOnboarding(projection: OnboardingProjection): Promise<void> {
      const recorded = await failingPermanently('onboarding projection', () =>
        dataSource.transaction((tx) => project(tx, projection)),
      );
      await afterCommit(projection.state.onboardingId, recorded);
    },

    async appendAudit(onboardingId: string, entries: AuditEntry[]): Promise<void> {
      await failingPermanently('audit entries', () => insertAudit(dataSource.manager, onboardingId, entries));
    },

    async recordOnboardingPass({ onboardingId, audit, projection }: OnboardingPassRecords): Promise<void> {
      const recorded = await failingPermanently('onboarding pass', () =>
        dataSource.transaction(async (tx) => {
          await insertAudit(tx, onboardingId, audit);
          return projection ? project(tx, projection) : [];
        }),
      );
      await afterCommit(onboardingId, recorded);
    },
  };
}

/** An audit entry's columns besides its key. */
const AUDIT_FIELDS = [
  'at',
  'actor',
  'action',
  'details',
  'evidence',
  'principal_kind',
  'principal_id',
  'acting_role',
  'actor_note',
];

/**
 * Audit entries are keyed by (onboarding, seq): a retried or replayed batch inserts nothing twice.
 * A different entry at a stored seq replaces it. Only a workflow task that never completed can have
 * written that one (a local pass of a task lost to a restart, computed at another time than its
 * retry), or a run an operator reset; either way the history's entry is the one that stands.
 */
async function insertAudit(db: EntityManager, onboardingId: string, entries: AuditEntry[]): Promise<void> {
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
  await db.query(
    `INSERT INTO audit_log AS a (onboarding_id, seq, at, actor, action, details, evidence,
                            principal_kind, principal_id, acting_role, actor_note)
     VALUES ${rows.join(', ')}
     ON CONFLICT (onboarding_id, seq) DO UPDATE SET ${AUDIT_FIELDS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
     WHERE (${AUDIT_FIELDS.map((c) => `a.${c}`).join(', ')}) IS DISTINCT FROM (${AUDIT_FIELDS.map((c) => `EXCLUDED.${c}`).join(', ')})`,
    [onboardingId, ...values],
  );
}

/**
 * The row, then the events. The stored row is read first (locked): what it held before tells the
 * events of facts the state forgets once they end (a stall ended, at-risk changed); when it is
 * newer than this state (a late write), only the events the state itself shows are derived.
 */
async function project(
  tx: EntityManager,
  { state, waitingOn, atRiskReasons }: OnboardingProjection,
): Promise<DomainEvent[]> {
  const [stored]: Array<{ started_at: Date; revision: number; stalled_since: Date | null; at_risk: boolean }> =
    await tx.query(`SELECT started_at, revision, stalled_since, at_risk FROM onboardings WHERE id = $1 FOR UPDATE`, [
      state.onboardingId,
    ]);
  const before: ProjectedBefore | undefined = !stored
    ? { stalledSince: null, atRisk: false }
    : isOlder(stored, state)
      ? { stalledSince: stored.stalled_since?.toISOString() ?? null, atRisk: stored.at_risk }
      : undefined;
  const moved = await upsertRow(tx, { state, waitingOn, atRiskReasons });
  if (moved) {
    // The dashboards' facts follow the row: written only when the row moved forward.
    const asOf = new Date();
    await writeDashboardFacts(
      tx,
      {
        ...factFiltersOf(state),
        status: state.status,
        stalled: Boolean(state.stalledSince),
        playbookVersion: state.playbookVersion,
        asOf,
      },
      dashboardFactsOf(state, asOf),
    );
  }
  const atRisk = atRiskReasons.length > 0;
  const events = domainEventsOf(state, { asOf: new Date().toISOString(), atRisk, before });
  const recorded = new Set(await recordDomainEvents(tx, events));
  return events.filter((e) => recorded.has(e.id));
}

function isOlder(stored: { started_at: Date; revision: number }, state: OnboardingProjection['state']): boolean {
  const storedStart = stored.started_at.getTime();
  const start = Date.parse(state.startedAt);
  return storedStart < start || (storedStart === start && Number(stored.revision) < state.revision);
}

/**
 * The row moves only forward: a write not newer than the stored (startedAt, revision) changes
 * nothing. Answers whether it was written.
 */
async function upsertRow(
  tx: EntityManager,
  { state, waitingOn, atRiskReasons }: OnboardingProjection,
): Promise<boolean> {
  const firstValue = state.milestones.find((m) => m.key === state.firstValueMilestone)?.achievedAt ?? null;
  const values = [
    state.onboardingId,
    state.account.id,
    state.account.name,
    state.segment,
    state.tier,
    state.playbookVersion,
    state.cohort ?? null,
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
  const written: unknown[] = await tx.query(
    `INSERT INTO onboardings AS o (${COLUMNS.join(', ')}, projected_at)
       VALUES (${placeholders}, now())
       ON CONFLICT (id) DO UPDATE SET ${updates}, projected_at = now()
       WHERE (o.started_at, o.revision) < (EXCLUDED.started_at, EXCLUDED.revision)
       RETURNING id`,
    values,
  );
  return written.length > 0;
}
