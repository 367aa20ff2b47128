import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { DomainEventType } from '../domain/domain-events';

/**
 * Webhook subscriptions and the delivery log, as the API reads and changes them. The secret is
 * read here only when a subscription is created (and by the delivery activity, to sign): no list
 * or read returns it.
 */
export const DELIVERY_STATUSES = ['pending', 'retrying', 'succeeded', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Subscription {
  id: string;
  url: string;
  description: string | null;
  /** null: every event type, including types added later. */
  eventTypes: DomainEventType[] | null;
  status: 'active' | 'disabled';
  disabledReason: string | null;
  createdAt: string;
  disabledAt: string | null;
}

export interface Delivery {
  id: string;
  eventId: string;
  eventType: DomainEventType;
  onboardingId: string;
  subscriptionId: string;
  /** Set on a redelivery: the first delivery of this event to this subscription. */
  redeliveryOf: string | null;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  endedAt: string | null;
}

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  statusCode: number | null;
  errorClass: string | null;
  durationMs: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids are uuids: anything else names nothing (and PostgreSQL would refuse it as a uuid). */
export const isUuid = (id: string): boolean => UUID.test(id);

const iso = (d: Date | null) => (d ? d.toISOString() : null);

type SubscriptionRow = {
  id: string;
  url: string;
  description: string | null;
  event_types: DomainEventType[] | null;
  status: Subscription['status'];
  disabled_reason: string | null;
  created_at: Date;
  disabled_at: Date | null;
};

const subscriptionOf = (r: SubscriptionRow): Subscription => ({
  id: r.id,
  url: r.url,
  description: r.description,
  eventTypes: r.event_types,
  status: r.status,
  disabledReason: r.disabled_reason,
  createdAt: r.created_at.toISOString(),
  disabledAt: iso(r.disabled_at),
});

const SUBSCRIPTION_COLUMNS = 'id, url, description, event_types, status, disabled_reason, created_at, disabled_at';

export async function createSubscription(
  dataSource: DataSource,
  s: { url: string; description?: string; eventTypes?: DomainEventType[]; secret: string },
): Promise<Subscription> {
  const [row]: SubscriptionRow[] = await dataSource.query(
    `INSERT INTO webhook_subscriptions (id, url, description, event_types, secret) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${SUBSCRIPTION_COLUMNS}`,
    [randomUUID(), s.url, s.description ?? null, s.eventTypes ?? null, s.secret],
  );
  return subscriptionOf(row);
}

export async function listSubscriptions(dataSource: DataSource): Promise<Subscription[]> {
  const rows: SubscriptionRow[] = await dataSource.query(
    `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions ORDER BY created_at, id`,
  );
  return rows.map(subscriptionOf);
}

export async function getSubscription(dataSource: DataSource, id: string): Promise<Subscription | undefined> {
  if (!isUuid(id)) return undefined;
  const [row]: SubscriptionRow[] = await dataSource.query(
    `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE id = $1`,
    [id],
  );
  return row && subscriptionOf(row);
}

/** Disables (the delivery log keeps referring to it); disabling again changes nothing. */
export async function disableSubscription(dataSource: DataSource, id: string): Promise<Subscription | undefined> {
  if (!isUuid(id)) return undefined;
  await dataSource.query(
    `UPDATE webhook_subscriptions SET status = 'disabled', disabled_at = now(), disabled_reason = 'disabled by an admin'
     WHERE id = $1 AND status = 'active'`,
    [id],
  );
  return getSubscription(dataSource, id);
}

type DeliveryRow = {
  id: string;
  event_id: string;
  event_type: DomainEventType;
  onboarding_id: string;
  subscription_id: string;
  redelivery_of: string | null;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
  ended_at: Date | null;
};

const deliveryOf = (r: DeliveryRow): Delivery => ({
  id: r.id,
  eventId: r.event_id,
  eventType: r.event_type,
  onboardingId: r.onboarding_id,
  subscriptionId: r.subscription_id,
  redeliveryOf: r.redelivery_of,
  status: r.status,
  attempts: r.attempts,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  createdAt: r.created_at.toISOString(),
  deliveredAt: iso(r.delivered_at),
  endedAt: iso(r.ended_at),
});

const DELIVERY_COLUMNS =
  'id, event_id, event_type, onboarding_id, subscription_id, redelivery_of, status, attempts, last_status_code, ' +
  'last_error, created_at, delivered_at, ended_at';

export interface DeliveryFilter {
  subscriptionId?: string;
  eventType?: DomainEventType;
  status?: DeliveryStatus;
  onboardingId?: string;
  limit: number;
  offset: number;
}

/** Newest first. */
export async function listDeliveries(dataSource: DataSource, f: DeliveryFilter): Promise<Delivery[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const filter = (column: string, value: unknown) => {
    if (value === undefined) return;
    values.push(value);
    where.push(`${column} = $${values.length}`);
  };
  filter('subscription_id', f.subscriptionId);
  filter('event_type', f.eventType);
  filter('status', f.status);
  filter('onboarding_id', f.onboardingId);
  values.push(f.limit, f.offset);
  const rows: DeliveryRow[] = await dataSource.query(
    `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY created_at DESC, id LIMIT $${values.length - 1} OFFSET $${values.length}`,
    values,
  );
  return rows.map(deliveryOf);
}

export async function getDelivery(dataSource: DataSource, id: string): Promise<Delivery | undefined> {
  if (!isUuid(id)) return undefined;
  const [row]: DeliveryRow[] = await dataSource.query(
    `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1`,
    [id],
  );
  return row && deliveryOf(row);
}

export async function attemptsOf(dataSource: DataSource, deliveryId: string): Promise<DeliveryAttempt[]> {
  const rows: Array<{
    attempt: number;
    at: Date;
    status_code: number | null;
    error_class: string | null;
    duration_ms: number;
  }> = await dataSource.query(
    `SELECT attempt, at, status_code, error_class, duration_ms FROM webhook_delivery_attempts
     WHERE delivery_id = $1 ORDER BY attempt`,
    [deliveryId],
  );
  return rows.map((r) => ({
    attempt: r.attempt,
    at: r.at.toISOString(),
    statusCode: r.status_code,
    errorClass: r.error_class,
    durationMs: r.duration_ms,
  }));
}

/** A new delivery of the same event to the same subscription: a new series of attempts. */
export async function createRedelivery(dataSource: DataSource, of: Delivery): Promise<Delivery> {
  const [row]: DeliveryRow[] = await dataSource.query(
    `INSERT INTO webhook_deliveries (id, event_id, subscription_id, onboarding_id, event_type, redelivery_of)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${DELIVERY_COLUMNS}`,
    [randomUUID(), of.eventId, of.subscriptionId, of.onboardingId, of.eventType, of.redeliveryOf ?? of.id],
  );
  return deliveryOf(row);
}
