/**
 * Outbound event callbacks through the real API, worker, Temporal dev server and PostgreSQL: a
 * subscriber receives the events of a real onboarding's journey, signed per Standard Webhooks;
 * a failing receiver gets the event again (Temporal's retries) and finally once; projecting
 * again sends nothing twice; a redelivery sends the event again under the same webhook-id.
 */
import { Webhook } from 'standardwebhooks';
import { createReadModelActivities } from '../../activities/read-model.activities';
import { getStateQuery } from '../../src/contracts/onboarding.contract';
import { closedWonBody } from '../fixtures/onboarding-input';
import { eventually, startApiHarness, type ApiHarness } from '../support/api-harness';
import { createOwnDatabase, type OwnDatabase } from '../support/own-database';
import { type ReceivedRequest, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const run = Math.random().toString(36).slice(2, 8);
const account = (name: string) => `${name}-${run}`;

let h: ApiHarness;
let database: OwnDatabase;
let receiver: WebhookReceiver;

beforeAll(async () => {
  // Subscriptions receive every onboarding's events: a database of its own keeps other files' out.
  database = await createOwnDatabase('events');
  h = await startApiHarness({
    databaseUrl: database.url,
    eventDeliveryRetry: { initialIntervalMs: 200, maximumIntervalMs: 1_000, maximumAttempts: 5 },
  });
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await h?.close();
  await receiver?.close();
  await database?.drop();
});

/** Receiver URLs differ per subscription (by path), so each test counts only its own requests. */
const urlFor = (name: string) => `${receiver.url}/${name}`;
const requestsTo = (name: string) => receiver.requests.filter((r) => r.path === `/hooks/onboarding/${name}`);

async function subscribe(name: string, body: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  const res = await h.api
    .post('/webhooks/subscriptions')
    .send({ url: urlFor(name), ...body })
    .expect(201);
  return res.body;
}

const webhookId = (r: ReceivedRequest) => r.headers['webhook-id'] as string;
const payloadOf = (r: ReceivedRequest) => JSON.parse(r.rawBody) as { type: string; timestamp: string; data: any };

beforeEach(() => {
  receiver.respond = undefined;
  receiver.status = 200;
});

describe('subscriptions', () => {
  it('shows the secret once, at creation, and never in a list or a read', async () => {
    const res = await h.api
      .post('/webhooks/subscriptions')
      .send({ url: urlFor('secret-once'), description: 'Gainsight sandbox', eventTypes: ['onboarding.completed'] })
      .expect(201);
    expect(res.body).toMatchObject({
      url: urlFor('secret-once'),
      description: 'Gainsight sandbox',
      eventTypes: ['onboarding.completed'],
      status: 'active',
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    expect(res.headers.location).toBe(`/webhooks/subscriptions/${res.body.id}`);

    const one = await h.api.get(`/webhooks/subscriptions/${res.body.id}`).expect(200);
    expect(one.body).toMatchObject({ id: res.body.id, eventTypes: ['onboarding.completed'] });
    expect(one.body).not.toHaveProperty('secret');
    const list = await h.api.get('/webhooks/subscriptions').expect(200);
    expect(list.body.find((s: { id: string }) => s.id === res.body.id)).toBeDefined();
    expect(JSON.stringify(list.body)).not.toContain(res.body.secret);
    expect(JSON.stringify(list.body)).not.toContain('"secret"');
  });

  it('refuses a bad url, event type or description, naming the field', async () => {
    const refused = async (body: Record<string, unknown>, field: string) => {
      const res = await h.api.post('/webhooks/subscriptions').send(body).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    };
    await refused({ url: 'ftp://cs.example/hooks' }, 'url');
    await refused({ url: 'javascript:alert(1)' }, 'url');
    await refused({}, 'url');
    await refused({ url: urlFor('x'), eventTypes: ['onboarding.exploded'] }, 'eventTypes');
    await refused({ url: urlFor('x'), eventTypes: [] }, 'eventTypes');
    await refused({ url: urlFor('x'), description: 'a\u0000b' }, 'description');
    await refused({ url: urlFor('x'), secret: 'whsec_mine' }, 'secret');
  });

  it('answers 404 for an unknown or malformed id, and disables a subscription once', async () => {
    await h.api.get('/webhooks/subscriptions/not-a-uuid').expect(404);
    await h.api.get('/webhooks/subscriptions/7b0a3a52-9a43-4c4e-8f5e-1d2f3c4b5a69').expect(404);
    await h.api.delete('/webhooks/subscriptions/7b0a3a52-9a43-4c4e-8f5e-1d2f3c4b5a69').expect(404);
    const { id } = await subscribe('to-disable');
    const disabled = await h.api.delete(`/webhooks/subscriptions/${id}`).expect(200);
    expect(disabled.body).toMatchObject({ id, status: 'disabled', disabledAt: expect.any(String) });
    const again = await h.api.delete(`/webhooks/subscriptions/${id}`).expect(200);
    expect(again.body.disabledAt).toBe(disabled.body.disabledAt);
  });
});

/** Every request verifies with the subscription's secret (the receiver's own check). */
function verified(requests: ReceivedRequest[], secret: string) {
  const webhook = new Webhook(secret);
  return requests.map((r) => {
    const body = webhook.verify(r.rawBody, r.headers as Record<string, string>) as {
      type: string;
      data: { eventId: string; onboardingId: string };
    };
    expect(body.data.eventId).toBe(webhookId(r));
    return body;
  });
}

const countBy = (ids: string[]) =>
  ids.reduce<Record<string, number>>((n, id) => ({ ...n, [id]: (n[id] ?? 0) + 1 }), {});

describe('callbacks of a real journey', () => {
  it('delivers every subscribed event signed per Standard Webhooks, each once per subscription, even when projected again', async () => {
    const all = await subscribe('all');
    const milestones = await subscribe('milestones', { eventTypes: ['onboarding.milestone_recorded'] });
    const id = account('journey');
    const { body } = await h.api.post('/onboardings').send(closedWonBody(id)).expect(201);
    const onboarding = `/onboardings/${body.onboardingId}`;
    await h.api.post(`${onboarding}/milestones/success-criteria-agreed`).send({ actor: 'csm:ana' }).expect(200);

    const expected = [
      'onboarding.started',
      'onboarding.handoff_completed',
      'onboarding.csm_assigned',
      'onboarding.stage_entered',
      'onboarding.milestone_recorded',
      'onboarding.stage_exited',
    ];
    await eventually(async () => {
      const types = new Set(requestsTo('all').map((r) => payloadOf(r).type));
      return expected.every((t) => types.has(t)) && types.size >= expected.length ? true : undefined;
    }, 30_000);
    const received = verified(requestsTo('all'), all.secret);
    expect(received.every((b) => b.data.onboardingId === body.onboardingId)).toBe(true);
    expect(requestsTo('all')[0].headers['webhook-signature']).toMatch(/^v1,/);
    // Signed with this subscription's secret only.
    expect(() =>
      new Webhook(milestones.secret).verify(requestsTo('all')[0].rawBody, requestsTo('all')[0].headers as never),
    ).toThrow();

    await eventually(async () => (requestsTo('milestones').length > 0 ? true : undefined));
    expect(verified(requestsTo('milestones'), milestones.secret).map((b) => b.type)).toEqual([
      'onboarding.milestone_recorded',
    ]);

    // The projection runs again (a retried activity, a later pass) with the same state: nothing new is sent.
    const handle = h.client.workflow.getHandle(body.onboardingId);
    const {
      waitingOn,
      atRisk: _atRisk,
      atRiskReasons,
      timeToValueDays: _ttv,
      ...state
    } = await handle.query(getStateQuery);
    const { projectOnboarding } = createReadModelActivities(h.dataSource, { startDelivery: async () => undefined });
    await projectOnboarding({ state, waitingOn, atRiskReasons });
    await projectOnboarding({ state, waitingOn, atRiskReasons });
    await h.api.post(`${onboarding}/milestones/first-login`).send({ actor: 'csm:ana' }).expect(200);
    await eventually(async () => (requestsTo('milestones').length === 2 ? true : undefined));
    await new Promise((r) => setTimeout(r, 1_000)); // time for a duplicate to arrive, if one were sent
    const counts = countBy(requestsTo('all').map(webhookId));
    expect(Object.values(counts).every((n) => n === 1)).toBe(true);
    const milestoneIds = requestsTo('milestones').map(webhookId);
    expect(Object.values(countBy(milestoneIds))).toEqual([1, 1]);
    expect(milestoneIds.map((id) => id.split(':')[2])).toEqual(['success-criteria-agreed', 'first-login']);
    const [{ n }] = await h.dataSource.query(
      `SELECT count(*)::int AS n FROM webhook_deliveries WHERE subscription_id = $1 AND redelivery_of IS NULL
       GROUP BY event_id ORDER BY n DESC LIMIT 1`,
      [all.id],
    );
    expect(n).toBe(1);
  });

  it('retries after the receiver fails, spaced by the retry policy, until it takes the event once; the log shows each attempt', async () => {
    const failing = await subscribe('failing', { eventTypes: ['onboarding.started'] });
    // 500 twice, then 200.
    receiver.respond = (r, all) =>
      r.path.endsWith('/failing') && all.filter((x) => x.path === r.path).length <= 2 ? 500 : 200;
    const { body } = await h.api
      .post('/onboardings')
      .send(closedWonBody(account('retry')))
      .expect(201);

    await eventually(async () => (requestsTo('failing').length >= 3 ? true : undefined), 30_000);
    const requests = requestsTo('failing');
    const startedId = webhookId(requests[0]);
    expect(startedId).toMatch(new RegExp(`^${body.onboardingId}:started:\\d{4}-`));
    expect(requests.map(webhookId)).toEqual(Array(3).fill(startedId));
    verified(requests, failing.secret);

    const delivery = await eventually(async () => {
      const log = await h.api.get(`/webhooks/deliveries?subscriptionId=${failing.id}`).expect(200);
      return log.body[0]?.status === 'succeeded' ? log.body[0] : undefined;
    });
    expect(delivery).toMatchObject({
      eventId: startedId,
      eventType: 'onboarding.started',
      onboardingId: body.onboardingId,
      attempts: 3,
      lastStatusCode: 200,
      redeliveryOf: null,
    });
    const detail = await h.api.get(`/webhooks/deliveries/${delivery.id}`).expect(200);
    expect(detail.body.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 200]);
    const times = detail.body.attemptLog.map((a: { at: string }) => Date.parse(a.at));
    // Spaced by the retry policy (the dev server rounds short intervals up to about a second).
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(200);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(200);

    await new Promise((r) => setTimeout(r, 1_000));
    expect(requestsTo('failing')).toHaveLength(3);
  });

  it('gives up after the last attempt and says so in the log; the event stays redeliverable', async () => {
    const down = await subscribe('down', { eventTypes: ['onboarding.started'] });
    receiver.respond = (r) => (r.path.endsWith('/down') ? 503 : 200);
    await h.api
      .post('/onboardings')
      .send(closedWonBody(account('down')))
      .expect(201);
    const failed = await eventually(async () => {
      const res = await h.api.get(`/webhooks/deliveries?subscriptionId=${down.id}&status=failed`).expect(200);
      return res.body[0];
    }, 30_000);
    expect(failed).toMatchObject({
      attempts: 5,
      lastStatusCode: 503,
      lastError: 'HTTP 503',
      endedAt: expect.any(String),
    });
    expect(requestsTo('down')).toHaveLength(5);

    receiver.respond = undefined; // the receiver is back
    const again = await h.api.post(`/webhooks/deliveries/${failed.id}/redeliver`).expect(202);
    await eventually(async () => {
      const res = await h.api.get(`/webhooks/deliveries/${again.body.id}`).expect(200);
      return res.body.status === 'succeeded' ? true : undefined;
    });
    expect(new Set(requestsTo('down').map(webhookId)).size).toBe(1);
  });

  it('stops at 410 Gone: no retry, the subscription is disabled and says why', async () => {
    const gone = await subscribe('gone', { eventTypes: ['onboarding.started'] });
    receiver.respond = (r) => (r.path.endsWith('/gone') ? 410 : 200);
    await h.api
      .post('/onboardings')
      .send(closedWonBody(account('gone')))
      .expect(201);
    const subscription = await eventually(async () => {
      const res = await h.api.get(`/webhooks/subscriptions/${gone.id}`).expect(200);
      return res.body.status === 'disabled' ? res.body : undefined;
    });
    expect(subscription.disabledReason).toMatch(/410 Gone/);
    const log = await eventually(async () => {
      const res = await h.api.get(`/webhooks/deliveries?subscriptionId=${gone.id}`).expect(200);
      return res.body[0]?.status === 'failed' ? res.body : undefined;
    });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ attempts: 1, lastStatusCode: 410 });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(requestsTo('gone')).toHaveLength(1);
  });

  it('redelivers an event on request, under the same webhook-id, as a new delivery in the log', async () => {
    const sub = await subscribe('redeliver', { eventTypes: ['onboarding.started'] });
    const { body } = await h.api
      .post('/onboardings')
      .send(closedWonBody(account('again')))
      .expect(201);
    const first = await eventually(async () => {
      const log = await h.api.get(`/webhooks/deliveries?subscriptionId=${sub.id}&status=succeeded`).expect(200);
      return log.body[0];
    });
    expect(first.onboardingId).toBe(body.onboardingId);

    const res = await h.api.post(`/webhooks/deliveries/${first.id}/redeliver`).expect(202);
    expect(res.body).toMatchObject({ eventId: first.eventId, subscriptionId: sub.id, redeliveryOf: first.id });
    expect(res.body.id).not.toBe(first.id);

    await eventually(async () => (requestsTo('redeliver').length === 2 ? true : undefined));
    expect(requestsTo('redeliver').map(webhookId)).toEqual([first.eventId, first.eventId]);
    verified(requestsTo('redeliver'), sub.secret);
    await eventually(async () => {
      const log = await h.api.get(`/webhooks/deliveries?subscriptionId=${sub.id}`).expect(200);
      return log.body.length === 2 && log.body.every((d: { status: string }) => d.status === 'succeeded')
        ? true
        : undefined;
    });

    // A disabled subscription gets nothing, not even on request.
    await h.api.delete(`/webhooks/subscriptions/${sub.id}`).expect(200);
    const refused = await h.api.post(`/webhooks/deliveries/${first.id}/redeliver`).expect(409);
    expect(refused.body.code).toBe('SubscriptionDisabled');
    await h.api.post('/webhooks/deliveries/7b0a3a52-9a43-4c4e-8f5e-1d2f3c4b5a69/redeliver').expect(404);
    await h.api.get('/webhooks/deliveries/nope').expect(404);
  });

  it('filters the delivery log and bounds it, naming a bad filter', async () => {
    const bad = await h.api.get('/webhooks/deliveries?status=lost').expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toContain('status');
    await h.api.get('/webhooks/deliveries?eventType=onboarding.nope').expect(400);
    await h.api.get('/webhooks/deliveries?subscriptionId=abc').expect(400);
    await h.api.get('/webhooks/deliveries?limit=501').expect(400);
    const started = await h.api.get('/webhooks/deliveries?eventType=onboarding.started&limit=2').expect(200);
    expect(started.body.length).toBeLessThanOrEqual(2);
    expect(started.body.every((d: { eventType: string }) => d.eventType === 'onboarding.started')).toBe(true);
  });
});
