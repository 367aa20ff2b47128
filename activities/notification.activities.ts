import { createHash } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Transporter } from 'nodemailer';
import type { DataSource, EntityManager } from 'typeorm';
import type { NotificationActivities, OutboundMessage } from '../src/contracts/notification.contract';
import { failingPermanently } from './permanent-failures';
import { standardWebhookHeaders } from '../src/infra/standard-webhooks';
import type { TrackerLinks } from '../src/tracker/tracker-links';

export interface NotificationDeps {
  dataSource: DataSource;
  mailer: Transporter;
  /** The From of every mail, e.g. 'Onboarding <onboarding@example.com>'. */
  from: string;
  /**
   * The CS platform's endpoint; messages are POSTed to it, signed per Standard Webhooks with the
   * secret (`whsec_<base64>`, checked by loadSettings).
   */
  webhook?: { url: string; secret: string };
  /**
   * Issues the customer's tracker link, which the welcome mail carries. Added here, at delivery,
   * because the workflow must not hold the signing secret, and its rendered message (and so its
   * history) stays the same: recorded histories replay unchanged.
   */
  trackerLinks?: TrackerLinks;
}

/** Bounds one webhook attempt; Temporal retries the activity after a failure. */
const WEBHOOK_TIMEOUT_MS = 10_000;

interface NotificationRow {
  key: string;
  onboarding_id: string;
  event: OutboundMessage['event'];
  recipients: string[];
  subject: string;
  body: string;
  email_sent_at: Date | null;
  webhook_sent_at: Date | null;
}

/**
 * Delivers the workflow's messages by e-mail and, when configured, to the CS platform's webhook.
 * Idempotent on the message key: the `notifications` row records which channel already has the
 * message, so a retried activity or a replayed workflow sends nothing twice. Each channel is
 * sent under a row lock, so two concurrent attempts (a retry after a timeout while the first is
 * still running) cannot both send. A crash between the send and the commit would send again on
 * retry (at least once); receivers can tell by the Message-ID and the webhook-id (the message key).
 */
export function createNotificationActivities(deps: NotificationDeps): NotificationActivities {
  const { dataSource, mailer, from, webhook, trackerLinks } = deps;
  const signer = webhook && { url: webhook.url, webhook: new Webhook(webhook.secret) };

  // A row PostgreSQL refuses or a mail the server rejects (5xx) fails without retry: the workflow
  // records it and goes on. The webhook's failures stay transient.
  return {
    deliverMessage: (message: OutboundMessage) => failingPermanently('message', () => deliver(message)),
  };

  async function deliver(message: OutboundMessage): Promise<{ delivered: boolean }> {
    await dataSource.query(
      `INSERT INTO notifications (key, onboarding_id, event, recipients, subject, body)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (key) DO NOTHING`,
      [message.key, message.onboardingId, message.event, JSON.stringify(message.to), message.subject, message.body],
    );

    // The stored row is what gets sent: the first version of a key wins.
    const emailed = await onceFor(dataSource, message.key, 'email_sent_at', async (row, tx) => {
      if (row.recipients.length === 0) return false; // nothing to mail; nodemailer would fail every retry
      await mailer.sendMail({
        from,
        to: row.recipients,
        subject: row.subject,
        text: await withTrackerLink(row, trackerLinks, tx),
        messageId: messageIdFor(row.key),
        headers: { 'X-Onboarding-Event': row.event },
      });
      return true;
    });

    const posted = signer
      ? await onceFor(dataSource, message.key, 'webhook_sent_at', async (row) => {
          await postWebhook(signer, row);
          return true;
        })
      : false;

    return { delivered: emailed || posted };
  }
}

/**
 * The welcome mail's text with the tracker link appended. The link is a credential: it goes in
 * the mail only, never in the stored row or the webhook, and a retried send issues a fresh one.
 */
async function withTrackerLink(
  row: NotificationRow,
  trackerLinks: TrackerLinks | undefined,
  tx: EntityManager,
): Promise<string> {
  if (row.event !== 'welcome' || !trackerLinks) return row.body;
  // On the send's own transaction: a link from a send that fails is rolled back with it.
  const link = await trackerLinks.issue(row.onboarding_id, { within: tx });
  return `${row.body}\n\nFollow your onboarding (stages, milestones, your tasks, your CSM) on your progress page:\n${link.url}\n\nThe link is personal to your team and works until ${link.expiresAt.slice(0, 10)}.`;
}

/** `<sha256(key)@onboarding-orchestrator>`: the same on every attempt, so mail clients can drop a duplicate. */
export function messageIdFor(key: string): string {
  return `<${createHash('sha256').update(key, 'utf8').digest('hex')}@onboarding-orchestrator>`;
}

/**
 * Runs `send` unless `column` is already set, and sets it when `send` reports it sent. The row
 * stays locked (SELECT ... FOR UPDATE) until the commit; a failed send rolls back and throws.
 * `send` does its own database work on `tx`: another connection taken from the pool while this
 * one is held deadlocked the worker once a burst of welcome mails held every connection.
 */
async function onceFor(
  dataSource: DataSource,
  key: string,
  column: 'email_sent_at' | 'webhook_sent_at',
  send: (row: NotificationRow, tx: EntityManager) => Promise<boolean>,
): Promise<boolean> {
  return dataSource.transaction(async (tx: EntityManager) => {
    const [row]: NotificationRow[] = await tx.query(`SELECT * FROM notifications WHERE key = $1 FOR UPDATE`, [key]);
    if (row[column] !== null) return false;
    if (!(await send(row, tx))) return false;
    await tx.query(`UPDATE notifications SET ${column} = now() WHERE key = $1`, [key]);
    return true;
  });
}

/** Signed per Standard Webhooks; the webhook-id is the message key, the same on every attempt. */
async function postWebhook(signer: { url: string; webhook: Webhook }, row: NotificationRow): Promise<void> {
  const body = JSON.stringify({
    key: row.key,
    onboardingId: row.onboarding_id,
    event: row.event,
    subject: row.subject,
    body: row.body,
    to: row.recipients,
  });
  let response: Response;
  try {
    response = await fetch(signer.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...standardWebhookHeaders(signer.webhook, row.key, new Date(), body),
      },
      body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    throw new Error(`webhook POST failed: ${(err as Error).message}${cause ? ` (${cause})` : ''}`);
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    throw new Error(`webhook answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
  }
  await response.body?.cancel(); // frees the connection; the answer's content means nothing to us
}
