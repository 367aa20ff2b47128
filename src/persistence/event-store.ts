import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { DomainEvent } from '../domain/domain-events';

/**
 * The events derived from onboardings, and the deliveries they owe to subscriptions. Each event
 * id is stored once (ON CONFLICT DO NOTHING), and only an event inserted now gets deliveries:
 * projecting the same state again, a retried activity or a replayed workflow creates nothing
 * twice. The unique (event_id, subscription_id) index holds the same rule in the database.
 */

/**
 * A subscription receives the events that occurred from a day before it was created on: the
 * first projection of an onboarding after this feature is deployed derives its whole history,
 * which a new subscription should not receive as a burst of months-old callbacks.
 */
const SUBSCRIPTION_LOOKBACK = `interval '1 day'`;

/** The body sent for an event: Standard Webhooks' recommended envelope (type, timestamp, data). */
export function eventBody(e: DomainEvent): string {
  return JSON.stringify({ type: e.type, timestamp: e.occurredAt, data: { eventId: e.id, ...e.data } });
}

/** Stores the events not stored yet and creates their deliveries; returns the new event ids. */
export async function recordDomainEvents(tx: EntityManager, events: DomainEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rows: string[] = [];
  const values: unknown[] = [];
  for (const e of events) {
    const n = values.length;
    rows.push(`($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5})`);
    values.push(e.id, e.type, e.onboardingId, e.occurredAt, eventBody(e));
  }
  const inserted: Array<{ id: string }> = await tx.query(
    `INSERT INTO domain_events (id, type, onboarding_id, occurred_at, body) VALUES ${rows.join(', ')}
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    values,
  );
  const ids = inserted.map((r) => r.id);
  if (ids.length === 0) return ids;
  const matches: Array<{ event_id: string; subscription_id: string; onboarding_id: string; type: string }> =
    await tx.query(
      `SELECT e.id AS event_id, s.id AS subscription_id, e.onboarding_id, e.type
       FROM domain_events e JOIN webhook_subscriptions s
         ON s.status = 'active' AND (s.event_types IS NULL OR e.type = ANY (s.event_types))
            AND e.occurred_at >= s.created_at - ${SUBSCRIPTION_LOOKBACK}
       WHERE e.id = ANY ($1)`,
      [ids],
    );
  for (const m of matches) {
    await tx.query(
      `INSERT INTO webhook_deliveries (id, event_id, subscription_id, onboarding_id, event_type)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [randomUUID(), m.event_id, m.subscription_id, m.onboarding_id, m.type],
    );
  }
  return ids;
}

/** Deliveries of this onboarding whose workflow was not started yet (a crash or an outage between). */
export async function unstartedDeliveries(dataSource: DataSource, onboardingId: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await dataSource.query(
    `SELECT id FROM webhook_deliveries WHERE onboarding_id = $1 AND workflow_started_at IS NULL ORDER BY created_at, id`,
    [onboardingId],
  );
  return rows.map((r) => r.id);
}

export async function markDeliveryStarted(dataSource: DataSource, deliveryId: string): Promise<void> {
  await dataSource.query(
    `UPDATE webhook_deliveries SET workflow_started_at = now() WHERE id = $1 AND workflow_started_at IS NULL`,
    [deliveryId],
  );
}
