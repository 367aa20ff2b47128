/**
 * Idempotency-Key with its usual meaning, through the real API, worker, dev server and
 * PostgreSQL: a key is bound to its route, onboarding and body; a retry gets the first answer
 * again, another request under the same key a 422, a retry while the first runs a 409.
 */
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../api/create-app';
import { temporalUpdateId } from '../../api/common/idempotency.interceptor';
import { canonicalJson, requestFingerprint } from '../../api/common/request-fingerprint';
import { recordMilestoneUpdate } from '../../src/contracts/onboarding.contract';
import { IdempotencyStore } from '../../src/persistence/idempotency-store';
import { closedWonBody } from '../fixtures/onboarding-input';
import { authenticated, eventually, useApiHarness, workflowExists } from '../support/api-harness';
import { testEnv } from '../support/test-env';

const h = useApiHarness();
const run = Math.random().toString(36).slice(2, 8);
const account = (name: string) => `idem-${name}-${run}`;
const key = (name: string) => `${name}-${run}`;

async function startOnboarding(name: string): Promise<string> {
  const id = account(name);
  await h.api.post('/onboardings').send(closedWonBody(id, 'mid-market')).expect(201);
  return `onboarding-${id}`;
}

/** The audit entries of one milestone, once the projection has written at least one. */
async function milestoneEntries(onboardingId: string, milestone: string): Promise<unknown[]> {
  return eventually(async () => {
    const res = await h.api.get(`/onboardings/${onboardingId}/audit`).expect(200);
    const entries = res.body.entries.filter(
      (e: any) => e.action === 'milestone-recorded' && e.details.milestone === milestone,
    );
    return entries.length > 0 ? entries : undefined;
  });
}

/**
 * First-login is in the audit log once. Looked at past the projection of a later change, so that
 * a duplicate projected late would be there too.
 */
async function expectFirstLoginAuditedOnce(onboardingId: string): Promise<void> {
  await h.api
    .post(`/onboardings/${onboardingId}/milestones/initial-setup-complete`)
    .send({ actor: 'csm:ana' })
    .expect(200);
  await milestoneEntries(onboardingId, 'initial-setup-complete');
  expect(await milestoneEntries(onboardingId, 'first-login')).toHaveLength(1);
}

async function achieved(onboardingId: string, milestone: string): Promise<boolean> {
  const state = await h.api.get(`/onboardings/${onboardingId}`).expect(200);
  return Boolean(state.body.milestones.find((m: any) => m.key === milestone)?.achievedAt);
}

async function recordCount(idempotencyKey: string): Promise<number> {
  const [{ n }] = await h.dataSource.query(`SELECT count(*)::int AS n FROM idempotency_records WHERE key = $1`, [
    idempotencyKey,
  ]);
  return n;
}

describe('a retry with the same key and request', () => {
  it('gets the first answer again (same status and body), and the milestone is recorded once', async () => {
    const onboardingId = await startOnboarding('same');
    const send = () =>
      h.api
        .post(`/onboardings/${onboardingId}/milestones/first-login`)
        .set('Idempotency-Key', key('same'))
        .send({ actor: 'csm:ana' });
    const first = await send().expect(200);
    const again = await send().expect(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    await expectFirstLoginAuditedOnce(onboardingId);
  });

  it('replays a refusal, but not a validation failure: the client may fix the body and keep the key', async () => {
    const onboardingId = await startOnboarding('refusal');
    const path = `/onboardings/${onboardingId}/milestones/first-login`;
    await h.api.post(path).send({ actor: 'csm:ana' }).expect(200);
    const refused = await h.api.post(path).set('Idempotency-Key', key('refused')).send({ actor: 'csm:bo' }).expect(409);
    const replayed = await h.api
      .post(path)
      .set('Idempotency-Key', key('refused'))
      .send({ actor: 'csm:bo' })
      .expect(409);
    expect(replayed.body).toEqual(refused.body);
    expect(replayed.body.code).toBe('MilestoneAlreadyRecorded');

    const next = `/onboardings/${onboardingId}/milestones/initial-setup-complete`;
    await h.api.post(next).set('Idempotency-Key', key('fixed')).send({ actor: '' }).expect(400);
    await h.api.post(next).set('Idempotency-Key', key('fixed')).send({ actor: 'csm:ana' }).expect(200);
    expect(await achieved(onboardingId, 'initial-setup-complete')).toBe(true);
  });

  it('starts an onboarding once and answers the retry with the first 201 and its Location', async () => {
    const id = account('start');
    const send = () => h.api.post('/onboardings').set('Idempotency-Key', key('start')).send(closedWonBody(id, 'smb'));
    const first = await send().expect(201);
    const again = await send().expect(201);
    expect(again.body).toEqual({ ...first.body, created: true });
    expect(again.headers.location).toBe(`/onboardings/onboarding-${id}`);
  });
});

describe('the same key with another request', () => {
  it('is refused with 422 for another milestone of the same onboarding, and records nothing', async () => {
    const onboardingId = await startOnboarding('other-milestone');
    await h.api
      .post(`/onboardings/${onboardingId}/milestones/first-login`)
      .set('Idempotency-Key', key('other-milestone'))
      .send({ actor: 'csm:ana' })
      .expect(200);
    const reused = await h.api
      .post(`/onboardings/${onboardingId}/milestones/initial-setup-complete`)
      .set('Idempotency-Key', key('other-milestone'))
      .send({ actor: 'csm:ana' })
      .expect(422);
    expect(reused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reused.body).toMatchObject({
      code: 'IdempotencyKeyReused',
      detail: expect.stringContaining('with another milestone'),
    });
    expect(await achieved(onboardingId, 'initial-setup-complete')).toBe(false);
    // Nothing in Temporal holds the key for that milestone: without it, it is recorded.
    await h.api
      .post(`/onboardings/${onboardingId}/milestones/initial-setup-complete`)
      .send({ actor: 'csm:ana' })
      .expect(200);
  });

  it('is refused with 422 for the same milestone of another onboarding, or with another body', async () => {
    const first = await startOnboarding('other-onboarding-1');
    const second = await startOnboarding('other-onboarding-2');
    const k = key('other-onboarding');
    await h.api
      .post(`/onboardings/${first}/milestones/first-login`)
      .set('Idempotency-Key', k)
      .send({ actor: 'csm:ana' })
      .expect(200);
    const otherOnboarding = await h.api
      .post(`/onboardings/${second}/milestones/first-login`)
      .set('Idempotency-Key', k)
      .send({ actor: 'csm:ana' })
      .expect(422);
    expect(otherOnboarding.body.detail).toContain('with another onboarding');
    expect(otherOnboarding.body.detail).not.toContain(first);
    expect(await achieved(second, 'first-login')).toBe(false);
    const otherBody = await h.api
      .post(`/onboardings/${first}/milestones/first-login`)
      .set('Idempotency-Key', k)
      .send({ actor: 'csm:bo' })
      .expect(422);
    expect(otherBody.body.detail).toContain('another body');
  });

  it('is refused with 422 on another route, naming the first', async () => {
    const onboardingId = await startOnboarding('other-route');
    const k = key('other-route');
    await h.api
      .post(`/onboardings/${onboardingId}/milestones/first-login`)
      .set('Idempotency-Key', k)
      .send({ actor: 'csm:ana' })
      .expect(200);
    const risk = {
      actor: 'csm:ana',
      category: 'scope',
      description: 'SSO late',
      blocker: false,
      owner: 'it:ravi',
      decisionDueDate: '2027-02-01',
      fallback: 'Passwords',
    };
    const reused = await h.api
      .post(`/onboardings/${onboardingId}/risks`)
      .set('Idempotency-Key', k)
      .send(risk)
      .expect(422);
    expect(reused.body.detail).toContain('was first used for POST /onboardings/:id/milestones/:milestone');
    const state = await h.api.get(`/onboardings/${onboardingId}`).expect(200);
    expect(state.body.risks).toEqual([]);
  });

  it('is refused with 422 on POST /onboardings with another body, and starts nothing', async () => {
    const k = key('start-other');
    await h.api
      .post('/onboardings')
      .set('Idempotency-Key', k)
      .send(closedWonBody(account('start-a'), 'smb'))
      .expect(201);
    const reused = await h.api
      .post('/onboardings')
      .set('Idempotency-Key', k)
      .send(closedWonBody(account('start-b'), 'smb'))
      .expect(422);
    expect(reused.body).toMatchObject({
      code: 'IdempotencyKeyReused',
      detail: expect.stringContaining('another body'),
    });
    expect(await workflowExists(h.client, `onboarding-${account('start-b')}`)).toBe(false);
  });
});

it('runs concurrent duplicates once: the others get 409 IdempotencyKeyInFlight with Retry-After, or the same answer', async () => {
  const onboardingId = await startOnboarding('concurrent');
  const send = () =>
    h.api
      .post(`/onboardings/${onboardingId}/milestones/first-login`)
      .set('Idempotency-Key', key('concurrent'))
      .send({ actor: 'csm:ana' });
  const answers = await Promise.all([send(), send(), send(), send()]);
  const ok = answers.filter((r) => r.status === 200);
  const inFlight = answers.filter((r) => r.status === 409);
  expect(ok.length + inFlight.length).toBe(answers.length);
  expect(ok.length).toBeGreaterThanOrEqual(1);
  for (const r of ok) expect(r.body).toEqual(ok[0].body);
  // Exactly one ran; every other 200 is the replay of its answer.
  expect(ok.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
  for (const r of inFlight) {
    expect(r.body.code).toBe('IdempotencyKeyInFlight');
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
  }
  // Once the first has answered, a retry gets its answer.
  expect((await send().expect(200)).body).toEqual(ok[0].body);
  await expectFirstLoginAuditedOnce(onboardingId);
});

it('takes over the claim of a request that died after Temporal accepted its change, and gets that change, applied once', async () => {
  const onboardingId = await startOnboarding('crashed');
  const k = key('crashed');
  const body = { actor: 'csm:ana' };
  // What a request that crashed left behind: its claim (with a short lease), and its update in Temporal.
  const crashed = new IdempotencyStore(h.dataSource, { ttlMs: 60_000, leaseMs: 1_000 });
  const record = {
    // The owner key's scope: each principal has its own keys.
    scope: `api-key:${h.ownerKey.slice(0, 11)}`,
    key: k,
    route: 'POST /onboardings/:id/milestones/:milestone',
    params: canonicalJson({ id: onboardingId, milestone: 'first-login' }),
    fingerprint: requestFingerprint(body),
  };
  expect((await crashed.claim(record)).outcome).toBe('claimed');
  const accepted = await h.client.workflow.getHandle(onboardingId).executeUpdate(recordMilestoneUpdate, {
    args: [{ ...body, milestone: 'first-login' }],
    updateId: temporalUpdateId(record),
  });

  const send = () =>
    h.api.post(`/onboardings/${onboardingId}/milestones/first-login`).set('Idempotency-Key', k).send(body);
  const inFlight = await send().expect(409);
  expect(inFlight.body.code).toBe('IdempotencyKeyInFlight');
  expect(inFlight.headers['retry-after']).toBe('1');

  const retried = await eventually(async () => {
    const res = await send();
    return res.status === 200 ? res : undefined;
  });
  // Temporal answered the retry with the first outcome instead of a 409 "already recorded".
  expect(retried.body.revision).toBe(accepted.revision);
  await expectFirstLoginAuditedOnce(onboardingId);
});

describe('expiry', () => {
  let shortLived: INestApplication;

  beforeAll(async () => {
    // A second API replica on the same worker and database, keeping keys for one second.
    shortLived = await createApp({
      databaseUrl: testEnv('databaseUrl'),
      temporalClient: h.client,
      taskQueue: h.taskQueue,
      logger: false,
      idempotency: { ttlMs: 1_000, cleanupEveryMs: 250 },
    });
    await shortLived.init();
  });

  afterAll(async () => {
    await shortLived?.close();
  });

  it('deletes expired records on its timer, after which the key can be used for another request', async () => {
    const onboardingId = await startOnboarding('expiry');
    const k = key('expiry');
    const http = shortLived.getHttpServer();
    await authenticated(http, h.ownerKey)
      .post(`/onboardings/${onboardingId}/milestones/first-login`)
      .set('Idempotency-Key', k)
      .send({ actor: 'csm:ana' })
      .expect(200);
    expect(await recordCount(k)).toBe(1);
    await eventually(async () => ((await recordCount(k)) === 0 ? true : undefined), 10_000);
    const reused = await authenticated(http, h.ownerKey)
      .post(`/onboardings/${onboardingId}/milestones/initial-setup-complete`)
      .set('Idempotency-Key', k)
      .send({ actor: 'csm:ana' })
      .expect(200);
    expect(reused.body.milestones.find((m: any) => m.key === 'initial-setup-complete').achievedAt).toEqual(
      expect.any(String),
    );
  });
});

it('documents Idempotency-Key on every POST that starts or changes something', async () => {
  const res = await h.api.get('/docs/openapi.json').expect(200);
  const posts = Object.entries(res.body.paths as Record<string, any>).filter(
    // Validating a playbook and the Web UI's codec calls change nothing: a retry is harmless.
    // CRM webhooks are deduplicated by the CRM's own delivery id (crm_deliveries), not by a key.
    ([path, item]) =>
      item.post &&
      ![
        '/playbooks/validate',
        '/codec/decode',
        '/codec/encode',
        '/webhooks/crm/hubspot',
        '/webhooks/crm/generic',
      ].includes(path),
  );
  expect(posts.length).toBeGreaterThanOrEqual(13);
  const without = posts.filter(
    ([, item]) => !(item.post.parameters ?? []).some((p: any) => p.in === 'header' && p.name === 'Idempotency-Key'),
  );
  expect(without.map(([path]) => path)).toEqual([]);
});
