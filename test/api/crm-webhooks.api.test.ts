/**
 * Inbound closed-won webhooks through the real API, worker, Temporal dev server and PostgreSQL:
 * HubSpot (v3 signature) and the generic endpoint (Standard Webhooks), their refusals, replays,
 * and a thousand concurrent deliveries of one deal reaching two API replicas.
 */
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { createApp } from '../../api/create-app';
import type { CrmWebhooksOptions } from '../../api/crm-webhooks/crm-webhooks.options';
import { GENERIC_DEFAULT_MAPPING, HUBSPOT_DEFAULT_MAPPING } from '../../src/integrations/crm/default-mappings';
import { signHubSpotRequest } from '../../src/integrations/crm/hubspot-signature';
import { genericDealBody, hubspotDealBody } from '../fixtures/crm-payloads';
import { eventually, useApiHarness, workflowExists } from '../support/api-harness';

const HUBSPOT_SECRET = 'hubspot-client-secret-for-tests';
const GENERIC_SECRET = `whsec_${Buffer.alloc(32, 42).toString('base64')}`;
const PUBLIC_URL = 'https://onboarding.example.com';
const CRM_WEBHOOKS: CrmWebhooksOptions = {
  hubspot: { clientSecret: HUBSPOT_SECRET, mapping: HUBSPOT_DEFAULT_MAPPING, publicUrl: PUBLIC_URL },
  generic: { secret: GENERIC_SECRET, mapping: GENERIC_DEFAULT_MAPPING },
};

const h = useApiHarness({ crmWebhooks: CRM_WEBHOOKS });
const run = Math.random().toString(36).slice(2, 8);
const account = (name: string) => `crm-${name}-${run}`;
const delivery = (name: string) => `${name}-${run}`;

type Target = Parameters<typeof request>[0];

/** A HubSpot delivery as HubSpot signs it: over the URL it was configured with (PUBLIC_URL by default). */
function postHubSpot(
  body: unknown,
  opts: {
    target?: Target;
    baseUrl?: string;
    timestamp?: number;
    secret?: string;
    tamper?: (raw: string) => string;
  } = {},
) {
  const raw = JSON.stringify(body);
  const timestamp = String(opts.timestamp ?? Date.now());
  const uri = `${opts.baseUrl ?? PUBLIC_URL}/webhooks/crm/hubspot`;
  const signature = signHubSpotRequest(opts.secret ?? HUBSPOT_SECRET, { method: 'POST', uri, rawBody: raw, timestamp });
  return request(opts.target ?? h.http)
    .post('/webhooks/crm/hubspot')
    .set('Content-Type', 'application/json')
    .set('X-HubSpot-Signature-v3', signature)
    .set('X-HubSpot-Request-Timestamp', timestamp)
    .send(opts.tamper ? opts.tamper(raw) : raw);
}

/** A Standard Webhooks delivery, signed as the specification says (by the reference library). */
function postGeneric(body: unknown, opts: { id: string; at?: Date; secret?: string }) {
  const raw = JSON.stringify(body);
  const at = opts.at ?? new Date();
  return request(h.http)
    .post('/webhooks/crm/generic')
    .set('Content-Type', 'application/json')
    .set('webhook-id', opts.id)
    .set('webhook-timestamp', String(Math.floor(at.getTime() / 1000)))
    .set('webhook-signature', new Webhook(opts.secret ?? GENERIC_SECRET).sign(opts.id, at, raw))
    .send(raw);
}

/** Runs with this workflow id, once visibility (eventually consistent) lists at least one. */
async function runsOf(workflowId: string): Promise<number> {
  return eventually(async () => {
    let runs = 0;
    for await (const _ of h.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs++;
    return runs > 0 ? runs : undefined;
  });
}

async function recordedDeliveries(source: string, deliveryIdPrefix: string): Promise<number> {
  const [{ n }] = await h.dataSource.query(
    `SELECT count(*)::int AS n FROM crm_deliveries WHERE source = $1 AND delivery_id LIKE $2`,
    [source, `${deliveryIdPrefix}%`],
  );
  return n;
}

describe('POST /webhooks/crm/hubspot', () => {
  it('starts the onboarding of a signed closed-won delivery, from the mapped deal and contact properties', async () => {
    const id = account('hs-start');
    const eventId = delivery('hs-start');
    const res = await postHubSpot(hubspotDealBody({ eventId, accountId: id })).expect(201);
    expect(res.body).toEqual({
      source: 'hubspot',
      deliveryId: eventId,
      outcome: 'started',
      replayed: false,
      onboardingId: `onboarding-${id}`,
      accountId: id,
      created: true,
      // 300,000 ARR with low complexity: the default segmentation rule says enterprise.
      segment: 'enterprise',
      tier: 'high-touch',
      // Other files of the run publish playbook versions into the shared database.
      playbookVersion: expect.any(Number),
    });
    expect(res.headers.location).toBe(`/onboardings/onboarding-${id}`);
    const description = await h.client.workflow.getHandle(`onboarding-${id}`).describe();
    expect(description.status.name).toBe('RUNNING');

    // The command came from the mapping: the handoff is complete, the stakeholders are the deal's contacts.
    const state = await h.api.get(`/onboardings/onboarding-${id}`).expect(200);
    expect(state.body).toMatchObject({ segment: 'enterprise', tier: 'high-touch' });
    expect(JSON.stringify(state.body)).toContain('Dana Whitfield');
  });

  it('answers a replayed delivery (same delivery id) with its first answer and starts nothing new', async () => {
    const id = account('hs-replay');
    const eventId = delivery('hs-replay');
    const body = hubspotDealBody({ eventId, accountId: id });
    const first = await postHubSpot(body).expect(201);
    const { runId } = await h.client.workflow.getHandle(`onboarding-${id}`).describe();

    const again = await postHubSpot(body).expect(200);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    // Even changed, the same delivery id is the same delivery: answered, not started.
    const changed = await postHubSpot({ ...body, company: { ...body.company, hs_object_id: account('other') } }).expect(
      200,
    );
    expect(changed.body).toEqual({ ...first.body, replayed: true });
    expect(await workflowExists(h.client, `onboarding-${account('other')}`)).toBe(false);

    expect((await h.client.workflow.getHandle(`onboarding-${id}`).describe()).runId).toBe(runId);
    expect(await runsOf(`onboarding-${id}`)).toBe(1);
    expect(await recordedDeliveries('hubspot', eventId)).toBe(1);
  });

  it('answers another delivery of the same deal with the existing onboarding, and another payload for its account without a 409', async () => {
    const id = account('hs-redelivered');
    await postHubSpot(hubspotDealBody({ eventId: delivery('hs-redelivered-1'), accountId: id })).expect(201);
    const second = await postHubSpot(hubspotDealBody({ eventId: delivery('hs-redelivered-2'), accountId: id })).expect(
      200,
    );
    expect(second.body).toMatchObject({
      outcome: 'already-started',
      created: false,
      replayed: false,
      tier: 'high-touch',
    });

    const changed = hubspotDealBody({ eventId: delivery('hs-redelivered-3'), accountId: id });
    changed.properties.amount = '1000';
    const third = await postHubSpot(changed).expect(200);
    expect(third.body).toEqual({
      source: 'hubspot',
      deliveryId: delivery('hs-redelivered-3'),
      outcome: 'exists-with-other-payload',
      replayed: false,
      onboardingId: `onboarding-${id}`,
      accountId: id,
      created: false,
    });
    expect(await runsOf(`onboarding-${id}`)).toBe(1);
  });

  it.each([
    ['another secret', { secret: 'not-the-client-secret' }],
    ['a body changed after signing', { tamper: (raw: string) => raw.replace('Northwind', 'Southwind') }],
    ['another URL', { baseUrl: 'https://attacker.example' }],
  ])('refuses a delivery signed with %s with 401, and starts nothing', async (_case, opts) => {
    const id = account(`hs-forged-${Math.random().toString(36).slice(2, 6)}`);
    const eventId = delivery(`forged-${id}`);
    const res = await postHubSpot(hubspotDealBody({ eventId, accountId: id }), opts).expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, code: 'InvalidSignature' });
    expect(await workflowExists(h.client, `onboarding-${id}`)).toBe(false);
    expect(await recordedDeliveries('hubspot', eventId)).toBe(0);
  });

  it('refuses a delivery without signature headers with 401', async () => {
    const res = await request(h.http)
      .post('/webhooks/crm/hubspot')
      .send(hubspotDealBody({ eventId: delivery('unsigned'), accountId: account('unsigned') }))
      .expect(401);
    expect(res.body.detail).toBe('the X-HubSpot-Signature-v3 header is missing');
  });

  it('refuses a correctly signed delivery whose timestamp is more than five minutes old with 401', async () => {
    const id = account('hs-stale');
    const res = await postHubSpot(hubspotDealBody({ eventId: delivery('hs-stale'), accountId: id }), {
      timestamp: Date.now() - 5 * 60_000 - 5_000,
    }).expect(401);
    expect(res.body).toMatchObject({
      code: 'StaleSignature',
      detail: 'the request timestamp is older than five minutes',
    });
    expect(await workflowExists(h.client, `onboarding-${id}`)).toBe(false);
  });

  it('answers 422 naming each field the mapping cannot fill, and records nothing, so a fixed delivery can start', async () => {
    const id = account('hs-unmappable');
    const eventId = delivery('hs-unmappable');
    const body = hubspotDealBody({ eventId, accountId: id });
    const { onboarding_complexity: _, ...withoutComplexity } = body.properties;
    const res = await postHubSpot({ ...body, properties: withoutComplexity }).expect(422);
    expect(res.body).toMatchObject({ status: 422, code: 'UnmappableDelivery' });
    expect(res.body.errors).toEqual([
      { path: 'complexity', message: 'complexity: no value at properties.onboarding_complexity' },
    ]);
    expect(await workflowExists(h.client, `onboarding-${id}`)).toBe(false);
    expect(await recordedDeliveries('hubspot', eventId)).toBe(0);

    await postHubSpot(body).expect(201);
  });

  it.each([
    ['an e-mail that is not one', (b: any) => (b.owner.email = 'sam at vendor'), 'salesOwner.email'],
    ['an unknown complexity', (b: any) => (b.properties.onboarding_complexity = 'extreme'), 'complexity'],
    ['an account id the onboarding id cannot carry', (b: any) => (b.company.hs_object_id = 'a/b'), 'account.id'],
  ])('answers 422 naming the field when the mapped command has %s', async (_case, mutate, field) => {
    const id = account(`hs-invalid-${Math.random().toString(36).slice(2, 6)}`);
    const body: any = hubspotDealBody({ eventId: delivery(`invalid-${id}`), accountId: id });
    mutate(body);
    const res = await postHubSpot(body).expect(422);
    expect(res.body.code).toBe('InvalidClosedWon');
    expect(res.body.errors.map((e: any) => e.path)).toEqual([field]);
    expect(await workflowExists(h.client, `onboarding-${id}`)).toBe(false);
  });

  it('answers 422 naming deliveryId when the body has no delivery id', async () => {
    const { eventId: _, ...body } = hubspotDealBody({ eventId: 'x', accountId: account('hs-no-id') });
    const res = await postHubSpot(body).expect(422);
    expect(res.body.errors).toEqual([{ path: 'deliveryId', message: 'deliveryId: no value at eventId' }]);
  });
});

describe('POST /webhooks/crm/generic (Standard Webhooks)', () => {
  it('starts the onboarding of a signed delivery, and answers its replay (same webhook-id) without starting anything', async () => {
    const id = account('std-start');
    const webhookId = `msg_${delivery('std-start')}`;
    const body = genericDealBody({ accountId: id });
    const first = await postGeneric(body, { id: webhookId }).expect(201);
    expect(first.body).toMatchObject({
      source: 'generic',
      deliveryId: webhookId,
      outcome: 'started',
      replayed: false,
      onboardingId: `onboarding-${id}`,
      segment: 'mid-market',
      tier: 'tech-touch',
      created: true,
    });
    expect(await workflowExists(h.client, `onboarding-${id}`)).toBe(true);

    // A retry is signed anew (a later timestamp) with the same webhook-id.
    const again = await postGeneric(body, { id: webhookId, at: new Date(Date.now() + 1_000) }).expect(200);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    expect(await recordedDeliveries('generic', webhookId)).toBe(1);
  });

  it('refuses a delivery signed with another secret, or with its id changed, with 401', async () => {
    const id = account('std-forged');
    const other = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    const res = await postGeneric(genericDealBody({ accountId: id }), {
      id: delivery('std-forged'),
      secret: other,
    }).expect(401);
    expect(res.body).toMatchObject({ code: 'InvalidSignature' });

    const at = new Date();
    const raw = JSON.stringify(genericDealBody({ accountId: id }));
    await request(h.http)
      .post('/webhooks/crm/generic')
      .set('Content-Type', 'application/json')
      .set('webhook-id', delivery('std-replaced-id'))
      .set('webhook-timestamp', String(Math.floor(at.getTime() / 1000)))
      .set('webhook-signature', new Webhook(GENERIC_SECRET).sign(delivery('std-original-id'), at, raw))
      .send(raw)
      .expect(401);
    expect(await workflowExists(h.client, `onboarding-${id}`)).toBe(false);
  });

  it('refuses a correctly signed delivery whose timestamp is more than five minutes old with 401', async () => {
    const id = account('std-stale');
    const res = await postGeneric(genericDealBody({ accountId: id }), {
      id: delivery('std-stale'),
      at: new Date(Date.now() - 6 * 60_000),
    }).expect(401);
    expect(res.body).toMatchObject({ code: 'StaleSignature' });
    expect(await workflowExists(h.client, `onboarding-${id}`)).toBe(false);
  });

  it('answers 422 naming the account id when the body has none', async () => {
    const body: any = genericDealBody({ accountId: account('std-unmappable') });
    delete body.data.account.id;
    const res = await postGeneric(body, { id: delivery('std-unmappable') }).expect(422);
    expect(res.body.errors).toEqual([{ path: 'account.id', message: 'account.id: no value at data.account.id' }]);
  });
});

describe('a delivery whose start failed', () => {
  it("is not recorded: the CRM's retry of the same delivery starts the onboarding", async () => {
    // An API replica whose Temporal cannot be reached: the start fails after the mapping succeeded.
    const unreachable = await createApp({
      databaseUrl: process.env.TEST_RUN_DATABASE_URL!,
      temporalClient: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
      taskQueue: h.taskQueue,
      logger: false,
      dependencyTimeoutMs: 1_000,
      crmWebhooks: CRM_WEBHOOKS,
    });
    await unreachable.init();
    const id = account('hs-retried');
    const eventId = delivery('hs-retried');
    const body = hubspotDealBody({ eventId, accountId: id });
    try {
      const failed = await postHubSpot(body, { target: unreachable.getHttpServer() });
      expect(failed.status).toBe(503);
      expect(failed.headers['retry-after']).toBeDefined();
    } finally {
      await unreachable.close();
    }
    expect(await recordedDeliveries('hubspot', eventId)).toBe(0);

    const retried = await postHubSpot(body).expect(201);
    expect(retried.body).toMatchObject({ outcome: 'started', replayed: false, created: true });
    expect(await recordedDeliveries('hubspot', eventId)).toBe(1);
  });
});

describe('CRM endpoints not configured', () => {
  let bare: INestApplication;
  beforeAll(async () => {
    bare = await createApp({
      databaseUrl: process.env.TEST_RUN_DATABASE_URL!,
      temporalClient: h.client,
      taskQueue: h.taskQueue,
      logger: false,
    });
    await bare.init();
  });
  afterAll(async () => {
    await bare?.close();
  });

  it.each(['hubspot', 'generic'])('answer 404 problem details on /webhooks/crm/%s', async (source) => {
    const res = await request(bare.getHttpServer()).post(`/webhooks/crm/${source}`).send({}).expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, code: 'NotFound' });
    expect(res.body.detail).toContain('is not configured');
  });
});

describe('a thousand concurrent deliveries of one deal', () => {
  /** A second API replica, signing URIs with its own address (no public URL configured). */
  let replica: INestApplication;
  let replicaUrl: string;
  let primaryUrl: string;

  beforeAll(async () => {
    replica = await createApp({
      databaseUrl: process.env.TEST_RUN_DATABASE_URL!,
      temporalClient: h.client,
      taskQueue: h.taskQueue,
      logger: false,
      crmWebhooks: { hubspot: { ...CRM_WEBHOOKS.hubspot!, publicUrl: undefined } },
    });
    await replica.listen(0, '127.0.0.1');
    replicaUrl = `http://127.0.0.1:${(replica.getHttpServer().address() as AddressInfo).port}`;
    await h.app.listen(0, '127.0.0.1');
    primaryUrl = `http://127.0.0.1:${(h.http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await replica?.close();
  });

  it('start exactly one onboarding, and every one of them is answered with it (2xx)', async () => {
    const id = account('thundering-herd');
    // 40 distinct delivery ids, each delivered 25 times (CRM retries and duplicates), half to each replica.
    const deliveries = Array.from({ length: 1000 }, (_, i) => ({
      eventId: `${delivery('herd')}-${i % 40}`,
      toReplica: i % 2 === 1,
    }));
    const answers = await Promise.all(
      deliveries.map(({ eventId, toReplica }) =>
        postHubSpot(hubspotDealBody({ eventId, accountId: id }), {
          target: toReplica ? replicaUrl : primaryUrl,
          baseUrl: toReplica ? replicaUrl : PUBLIC_URL,
        }),
      ),
    );

    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 200 && s !== 201)).toEqual([]);
    // One delivery created it: answered 201 once, and with that first answer again when replayed.
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.body.created && !a.body.replayed)).toHaveLength(1);
    expect(new Set(answers.filter((a) => a.body.created).map((a) => a.body.deliveryId)).size).toBe(1);
    expect(new Set(answers.map((a) => a.body.onboardingId))).toEqual(new Set([`onboarding-${id}`]));
    expect(new Set(answers.map((a) => a.body.outcome))).toEqual(new Set(['started', 'already-started']));

    const workflowId = `onboarding-${id}`;
    expect(await runsOf(workflowId)).toBe(1);
    const readModel = await eventually(async () => {
      const [{ n }] = await h.dataSource.query(`SELECT count(*)::int AS n FROM onboardings WHERE account_id = $1`, [
        id,
      ]);
      return n > 0 ? n : undefined;
    });
    expect(readModel).toBe(1);
    expect(await recordedDeliveries('hubspot', delivery('herd'))).toBe(40);
  }, 180_000);
});
