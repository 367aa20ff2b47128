import { activityInfo, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import type { DataSource } from 'typeorm';
import {
  type DeliveryOutcome,
  type EventDeliveryActivities,
  RECEIVER_GONE,
  RECEIVER_REFUSED,
  RECEIVER_UNREACHABLE,
} from '../src/contracts/event-delivery.contract';
import { standardWebhookHeaders } from '../src/infra/standard-webhooks';

/** Bounds one attempt; the workflow's retry policy spaces the next ones. */
const ATTEMPT_TIMEOUT_MS = 10_000;

interface DeliveryRow {
  id: string;
  status: string;
  event_id: string;
  event_type: string;
  subscription_id: string;
  body: string;
  url: string;
  secret: string;
  subscription_status: string;
}

/**
 * One signed POST of an event to a subscription (Standard Webhooks: `webhook-id` is the event id,
 * so a receiver drops a second copy). Every attempt is recorded (status code or error class, time,
 * duration) for the delivery log; never the receiver's answer, which may echo anything. A non-2xx
 * answer or no answer throws a retryable failure: Temporal retries with backoff. 410 Gone
 * disables the subscription and is not retried. Redirects are not followed (SSRF: a public URL
 * must not bounce the signed request into the internal network).
 */
export function createEventDeliveryActivities(dataSource: DataSource): EventDeliveryActivities {
  return {
    async deliverEvent(deliveryId: string): Promise<DeliveryOutcome> {
      const [row]: DeliveryRow[] = await dataSource.query(
        `SELECT d.id, d.status, d.event_id, d.event_type, d.subscription_id, e.body, s.url, s.secret, s.status AS subscription_status
         FROM webhook_deliveries d JOIN domain_events e ON e.id = d.event_id
           JOIN webhook_subscriptions s ON s.id = d.subscription_id
         WHERE d.id = $1`,
        [deliveryId],
      );
      if (!row) throw ApplicationFailure.nonRetryable(`no delivery ${deliveryId}`, 'UnknownDelivery');
      // A retry after a success whose completion was lost: sent already.
      if (row.status === 'succeeded') return 'succeeded';
      if (row.subscription_status !== 'active') {
        await end(dataSource, deliveryId, 'cancelled');
        return 'cancelled';
      }
      const attempt = activityInfo().attempt;
      const started = Date.now();
      const at = new Date(started);
      let statusCode: number | undefined;
      try {
        const response = await fetch(row.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...standardWebhookHeaders(new Webhook(row.secret), row.event_id, at, row.body),
          },
          body: row.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
        });
        statusCode = response.status;
        await response.body?.cancel(); // the answer's content means nothing to us; frees the connection
      } catch (err) {
        const errorClass = errorClassOf(err);
        await recordAttempt(dataSource, { deliveryId, attempt, at, errorClass, durationMs: Date.now() - started });
        throw ApplicationFailure.retryable(`receiver unreachable: ${errorClass}`, RECEIVER_UNREACHABLE);
      }
      await recordAttempt(dataSource, { deliveryId, attempt, at, statusCode, durationMs: Date.now() - started });
      // Ids, type and status only: the URL may carry a token, the body is the receiver's business.
      const logged = {
        deliveryId,
        subscriptionId: row.subscription_id,
        eventType: row.event_type,
        attempt,
        statusCode,
      };
      if (statusCode >= 200 && statusCode < 300) {
        log.info('event delivered', logged);
        await end(dataSource, deliveryId, 'succeeded');
        return 'succeeded';
      }
      if (statusCode === 410) {
        log.warn('webhook subscription disabled: the receiver answered 410 Gone', logged);
        await dataSource.query(
          `UPDATE webhook_subscriptions SET status = 'disabled', disabled_at = now(),
             disabled_reason = 'the receiver answered 410 Gone' WHERE id = (SELECT subscription_id FROM webhook_deliveries WHERE id = $1)`,
          [deliveryId],
        );
        await end(dataSource, deliveryId, 'failed');
        throw ApplicationFailure.nonRetryable('receiver answered 410 Gone: subscription disabled', RECEIVER_GONE);
      }
      throw ApplicationFailure.retryable(`receiver answered ${statusCode}`, RECEIVER_REFUSED);
    },

    async recordDeliveryGaveUp(deliveryId: string): Promise<void> {
      await end(dataSource, deliveryId, 'failed');
    },
  };
}

async function recordAttempt(
  dataSource: DataSource,
  a: { deliveryId: string; attempt: number; at: Date; statusCode?: number; errorClass?: string; durationMs: number },
): Promise<void> {
  await dataSource.query(
    `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, at, status_code, error_class, duration_ms)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (delivery_id, attempt) DO NOTHING`,
    [a.deliveryId, a.attempt, a.at, a.statusCode ?? null, a.errorClass ?? null, a.durationMs],
  );
  const ok = a.statusCode !== undefined && a.statusCode >= 200 && a.statusCode < 300;
  await dataSource.query(
    `UPDATE webhook_deliveries SET attempts = GREATEST(attempts, $2), last_status_code = $3, last_error = $4,
       status = CASE WHEN $5 THEN status ELSE 'retrying' END
     WHERE id = $1 AND status NOT IN ('succeeded', 'failed', 'cancelled')`,
    [a.deliveryId, a.attempt, a.statusCode ?? null, a.errorClass ?? (ok ? null : `HTTP ${a.statusCode}`), ok],
  );
}

async function end(dataSource: DataSource, deliveryId: string, outcome: DeliveryOutcome): Promise<void> {
  await dataSource.query(
    `UPDATE webhook_deliveries SET status = $2, ended_at = now(),
       delivered_at = CASE WHEN $2 = 'succeeded' THEN now() ELSE delivered_at END
     WHERE id = $1 AND status NOT IN ('succeeded', 'failed', 'cancelled')`,
    [deliveryId, outcome],
  );
}

/** A name for why no answer came (a timeout, a refused connection, DNS), never a message that may quote the URL. */
function errorClassOf(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: unknown; name?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'Timeout';
  const code = e?.cause?.code;
  if (typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code)) return code;
  return e?.cause?.name ?? e?.name ?? 'Error';
}
