/**
 * Message delivery against real PostgreSQL, a real SMTP server and a real HTTP webhook:
 * each message is sent once per channel, whatever is retried.
 */
import { randomUUID } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import {
  createNotificationActivities,
  messageIdFor,
  type NotificationDeps,
} from '../../activities/notification.activities';
import type { OutboundMessage } from '../../src/contracts/notification.contract';
import { createMailer } from '../../src/infra/mailer';
import { dataSourceOptions } from '../../src/persistence/data-source';
import { TrackerLinks } from '../../src/tracker/tracker-links';
import { freePort } from '../support/free-port';
import { type SmtpInbox, startSmtpInbox } from '../support/smtp-inbox';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { testEnv } from '../support/test-env';

const FROM = 'Onboarding <onboarding@orchestrator.example>';
// A Standard Webhooks secret: 'whsec_' + base64 of 32 bytes.
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const OTHER_SECRET = `whsec_${Buffer.alloc(32, 8).toString('base64')}`;

let dataSource: DataSource;
let inbox: SmtpInbox;
let webhook: WebhookReceiver;
const closeLater: Array<() => Promise<void>> = [];

beforeAll(async () => {
  dataSource = await new DataSource(dataSourceOptions(testEnv('databaseUrl'))).initialize();
  inbox = await startSmtpInbox();
  webhook = await startWebhookReceiver();
});

afterAll(async () => {
  for (const close of closeLater) await close();
  await inbox?.close();
  await webhook?.close();
  await dataSource?.destroy();
});

beforeEach(() => {
  webhook.status = 200;
});

function message(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  const id = randomUUID();
  return {
    key: `onboarding-${id}:welcome`,
    onboardingId: `onboarding-${id}`,
    event: 'welcome',
    to: ['dana@northwind.example', 'ana@cs.example'],
    subject: 'Welcome to your onboarding, Northwind Bank',
    body: 'Dear Dana Whitfield, Ana Lopez is your dedicated Customer Success Manager.',
    ...overrides,
  };
}

function activities(overrides: Partial<NotificationDeps> = {}) {
  return createNotificationActivities({
    dataSource,
    mailer: createMailer({ smtpUrl: inbox.url }),
    from: FROM,
    ...overrides,
  });
}

const mailsFor = (box: SmtpInbox, key: string) => box.messages.filter((m) => m.mail.messageId === messageIdFor(key));
const requestsFor = (key: string) => webhook.requests.filter((r) => r.headers['webhook-id'] === key);

async function row(key: string) {
  const [r] = await dataSource.query('SELECT * FROM notifications WHERE key = $1', [key]);
  return r;
}

it('sends the message over SMTP with its from, to, subject, body, Message-ID and event header', async () => {
  const m = message({ subject: 'Welcome to your onboarding, Zürich Bank & Co' });
  await expect(activities().deliverMessage(m)).resolves.toEqual({ delivered: true });

  const [received] = mailsFor(inbox, m.key);
  expect(received).toBeDefined();
  expect(received.envelope).toEqual({ from: 'onboarding@orchestrator.example', to: m.to });
  expect(received.mail.from?.value).toEqual([{ name: 'Onboarding', address: 'onboarding@orchestrator.example' }]);
  const to = [received.mail.to]
    .flat()
    .flatMap((a) => a?.value ?? [])
    .map((a) => a.address);
  expect(to).toEqual(m.to);
  expect(received.mail.subject).toBe(m.subject);
  expect(received.mail.text?.trim()).toBe(m.body);
  expect(received.mail.messageId).toMatch(/^<[0-9a-f]{64}@onboarding-orchestrator>$/);
  expect(received.mail.headers.get('x-onboarding-event')).toBe('welcome');

  const r = await row(m.key);
  expect(r).toMatchObject({
    onboarding_id: m.onboardingId,
    event: 'welcome',
    recipients: m.to,
    subject: m.subject,
    body: m.body,
    webhook_sent_at: null,
  });
  expect(r.email_sent_at).toBeInstanceOf(Date);
  expect(r.created_at).toBeInstanceOf(Date);
});

it('sends nothing when the same key is delivered again (a retried activity or a replay)', async () => {
  const m = message();
  const { deliverMessage } = activities();
  await deliverMessage(m);
  const sentAt = (await row(m.key)).email_sent_at;

  await expect(deliverMessage(m)).resolves.toEqual({ delivered: false });
  await expect(deliverMessage({ ...m, subject: 'changed' })).resolves.toEqual({ delivered: false });
  expect(mailsFor(inbox, m.key)).toHaveLength(1);
  expect((await row(m.key)).email_sent_at).toEqual(sentAt);
});

it('sends once when two attempts for the same key run at the same time', async () => {
  const m = message();
  const { deliverMessage } = activities();
  const results = await Promise.all([deliverMessage(m), deliverMessage(m), deliverMessage(m)]);
  expect(results.filter((r) => r.delivered)).toHaveLength(1);
  expect(mailsFor(inbox, m.key)).toHaveLength(1);
});

it('sends a burst of welcome mails with tracker links larger than its connection pool, without waiting on itself', async () => {
  // Two connections, and a short wait for one: each send holds its message's row on one connection
  // while it issues the tracker link. Taken from the pool apart, the link waited for a connection
  // that every other send held the same way, until the pool gave up (the worker stalled so).
  const options = dataSourceOptions(testEnv('databaseUrl'));
  const small = await new DataSource({
    ...options,
    extra: { ...(options.extra as object), max: 2, connectionTimeoutMillis: 3_000 },
  } as typeof options).initialize();
  closeLater.push(() => small.destroy());
  const links = new TrackerLinks(small, { secret: 'x'.repeat(32), ttlDays: 30, publicBaseUrl: 'https://cs.example' });
  const { deliverMessage } = activities({ dataSource: small, trackerLinks: links });
  const burst = Array.from({ length: 8 }, () => message());
  const results = await Promise.all(burst.map((m) => deliverMessage(m)));
  expect(results).toEqual(burst.map(() => ({ delivered: true })));
  for (const m of burst) {
    const [mail] = mailsFor(inbox, m.key);
    expect(mail.mail.text).toContain('https://cs.example/tracker/');
  }
  const issued = await small.query('SELECT count(*)::int AS n FROM tracker_links WHERE onboarding_id = ANY($1)', [
    burst.map((m) => m.onboardingId),
  ]);
  expect(issued).toEqual([{ n: 8 }]);
});

it('throws while the SMTP server is down, records nothing as sent, and sends once when it is back', async () => {
  const port = await freePort();
  const { deliverMessage } = activities({ mailer: createMailer({ smtpUrl: `smtp://127.0.0.1:${port}` }) });
  const m = message();

  await expect(deliverMessage(m)).rejects.toThrow(/ECONNREFUSED/);
  expect(await row(m.key)).toMatchObject({ email_sent_at: null });

  const back = await startSmtpInbox({ port });
  closeLater.push(() => back.close());
  await expect(deliverMessage(m)).resolves.toEqual({ delivered: true });
  await expect(deliverMessage(m)).resolves.toEqual({ delivered: false });
  expect(mailsFor(back, m.key)).toHaveLength(1);
  expect(back.messages).toHaveLength(1);
  expect((await row(m.key)).email_sent_at).toBeInstanceOf(Date);
});

it('posts the message to the webhook, signed so that the receiver can verify it', async () => {
  const m = message({ event: 'milestone-achieved' });
  const { deliverMessage } = activities({ webhook: { url: webhook.url, secret: SECRET } });
  await expect(deliverMessage(m)).resolves.toEqual({ delivered: true });

  const [request] = requestsFor(m.key);
  expect(request).toBeDefined();
  expect(request.method).toBe('POST');
  expect(request.headers['content-type']).toBe('application/json');
  expect(JSON.parse(request.rawBody)).toEqual({
    key: m.key,
    onboardingId: m.onboardingId,
    event: 'milestone-achieved',
    subject: m.subject,
    body: m.body,
    to: m.to,
  });

  // Standard Webhooks: webhook-id (the message key), webhook-timestamp, webhook-signature (v1,<base64>).
  const headers = request.headers as Record<string, string>;
  expect(headers['webhook-id']).toBe(m.key);
  expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  expect(Math.abs(Number(headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
  expect(new Webhook(SECRET).verify(request.rawBody, headers)).toMatchObject({ key: m.key });
  expect(() => new Webhook(OTHER_SECRET).verify(request.rawBody, headers)).toThrow(WebhookVerificationError);
  expect(() => new Webhook(SECRET).verify(request.rawBody.replace('milestone-achieved', 'completed'), headers)).toThrow(
    WebhookVerificationError,
  );
  expect(() => new Webhook(SECRET).verify(request.rawBody, { ...headers, 'webhook-id': 'another-key' })).toThrow(
    WebhookVerificationError,
  );

  expect(mailsFor(inbox, m.key)).toHaveLength(1);
  const r = await row(m.key);
  expect(r.email_sent_at).toBeInstanceOf(Date);
  expect(r.webhook_sent_at).toBeInstanceOf(Date);

  await expect(deliverMessage(m)).resolves.toEqual({ delivered: false });
  expect(requestsFor(m.key)).toHaveLength(1);
  expect(mailsFor(inbox, m.key)).toHaveLength(1);
});

it('throws when the webhook answers 500, and the retry posts again without mailing again', async () => {
  const m = message();
  const { deliverMessage } = activities({ webhook: { url: webhook.url, secret: SECRET } });

  webhook.status = 500;
  await expect(deliverMessage(m)).rejects.toThrow(/webhook answered 500/);
  const afterFailure = await row(m.key);
  expect(afterFailure.email_sent_at).toBeInstanceOf(Date);
  expect(afterFailure.webhook_sent_at).toBeNull();

  webhook.status = 200;
  await expect(deliverMessage(m)).resolves.toEqual({ delivered: true });
  expect(requestsFor(m.key)).toHaveLength(2);
  expect(mailsFor(inbox, m.key)).toHaveLength(1);
  const done = await row(m.key);
  expect(done.email_sent_at).toEqual(afterFailure.email_sent_at);
  expect(done.webhook_sent_at).toBeInstanceOf(Date);
});

it('throws when the webhook cannot be reached', async () => {
  const m = message();
  const port = await freePort();
  const { deliverMessage } = activities({ webhook: { url: `http://127.0.0.1:${port}/hook`, secret: SECRET } });
  await expect(deliverMessage(m)).rejects.toThrow(/webhook POST failed: fetch failed/);
  expect(await row(m.key)).toMatchObject({ webhook_sent_at: null });
  expect(mailsFor(inbox, m.key)).toHaveLength(1);
});

it('signs with the Standard Webhooks scheme: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">', () => {
  // Known answer computed independently (the key: 32 bytes of 0x07, hex 0707…07):
  // printf 'msg_1.1700000000.{"a":1}' | openssl dgst -sha256 -mac HMAC -macopt hexkey:<hex> -binary | base64
  const webhook = new Webhook(SECRET);
  expect(webhook.sign('msg_1', new Date(1_700_000_000_000), '{"a":1}')).toBe(
    'v1,LInk7lWC3DLGgRP3k/Xpm933fgj/SEGrik4mpkLgnKE=',
  );
});
