/**
 * The vertical slice through the real API, worker, Temporal dev server and PostgreSQL.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import request from 'supertest';
import { ACCOUNT_ID, STAGE, STATUS, TIER } from '../../src/contracts/search-attributes';
import { closedWonBody } from '../fixtures/onboarding-input';
import { ApiHarness, eventually, startApiHarness } from '../support/api-harness';

let h: ApiHarness;
const run = Math.random().toString(36).slice(2, 8);
const account = (name: string) => `${name}-${run}`;

beforeAll(async () => {
  h = await startApiHarness();
});

afterAll(async () => {
  await h?.close();
});

async function workflowExists(workflowId: string): Promise<boolean> {
  try {
    await h.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

describe('POST /onboardings (closed-won)', () => {
  it('starts one onboarding workflow per account, findable by its search attributes', async () => {
    const id = account('acme');
    const res = await request(h.http).post('/onboardings').send(closedWonBody(id)).expect(201);
    expect(res.body).toEqual({ onboardingId: `onboarding-${id}`, accountId: id, tier: 'high-touch', playbookVersion: 1, created: true });
    expect(res.headers.location).toBe(`/onboardings/onboarding-${id}`);

    const description = await h.client.workflow.getHandle(`onboarding-${id}`).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.typedSearchAttributes.get(ACCOUNT_ID)).toBe(id);
    expect(description.typedSearchAttributes.get(TIER)).toBe('high-touch');

    const found = await eventually(async () => {
      const ids: string[] = [];
      for await (const wf of h.client.workflow.list({ query: `OnboardingAccountId = "${id}" AND OnboardingTier = "high-touch"` })) {
        ids.push(wf.workflowId);
      }
      return ids.length ? ids : undefined;
    });
    expect(found).toEqual([`onboarding-${id}`]);
  });

  it('answers a repeated call with the same onboarding, and a different payload with 409', async () => {
    const id = account('repeat');
    await request(h.http).post('/onboardings').send(closedWonBody(id, 'smb')).expect(201);
    const again = await request(h.http).post('/onboardings').send(closedWonBody(id, 'smb')).expect(200);
    expect(again.body).toMatchObject({ onboardingId: `onboarding-${id}`, tier: 'self-service', created: false });

    const conflict = await request(h.http).post('/onboardings').send(closedWonBody(id, 'enterprise')).expect(409);
    expect(conflict.body.message).toContain('different closed-won payload');

    let runs = 0;
    for await (const _ of h.client.workflow.list({ query: `WorkflowId = "onboarding-${id}"` })) runs++;
    expect(runs).toBe(1);
  });

  it.each([
    ['no account id', (b: any) => delete b.account.id, 'account.id'],
    ['an unknown segment', (b: any) => (b.segment = 'giant'), 'segment must be one of: enterprise, mid-market, smb'],
    ['a target go-live of the wrong type', (b: any) => (b.handoff.targetGoLive = 20270301), 'handoff.targetGoLive'],
    ['a stakeholder without a name', (b: any) => (b.handoff.stakeholders = [{ role: 'CFO' }]), 'handoff.stakeholders.0.name'],
    ['no handoff at all', (b: any) => delete b.handoff, 'handoff'],
    ['an unexpected field', (b: any) => (b.discount = 20), 'property discount should not exist'],
  ])('refuses a payload with %s with a 400 naming the field, and creates nothing', async (_case, mutate, field) => {
    const id = account(`bad-${Math.random().toString(36).slice(2, 6)}`);
    const body: any = closedWonBody(id);
    mutate(body);
    const res = await request(h.http).post('/onboardings').send(body).expect(400);
    expect((res.body.message as string[]).join('\n')).toContain(field);
    expect(await workflowExists(`onboarding-${id}`)).toBe(false);
  });
});

describe('milestones and live state', () => {
  const id = account('milestones');
  const onboardingId = `onboarding-${id}`;

  beforeAll(async () => {
    await request(h.http).post('/onboardings').send(closedWonBody(id, 'mid-market')).expect(201);
  });

  it('records a milestone through an update and answers with the new state', async () => {
    const res = await request(h.http)
      .post(`/onboardings/${onboardingId}/milestones/first-login`)
      .send({ actor: 'csm:ana', source: 'crm', evidence: 'https://crm.example.com/notes/1' })
      .expect(200);
    expect(res.body.stage.key).toBe('technical-setup');
    expect(res.body.milestones.find((m: any) => m.key === 'first-login')).toMatchObject({
      recordedBy: 'csm:ana',
      source: 'crm',
      withinTarget: true,
    });
    const description = await h.client.workflow.getHandle(onboardingId).describe();
    expect(description.typedSearchAttributes.get(STAGE)).toBe('technical-setup');
    expect(description.typedSearchAttributes.get(STATUS)).toBe('in-progress');
  });

  it('refuses an unknown milestone (404), a repeated one (409), an unknown onboarding (404) and a body without actor (400)', async () => {
    const unknown = await request(h.http).post(`/onboardings/${onboardingId}/milestones/go-live`).send({ actor: 'csm:ana' }).expect(404);
    expect(unknown.body).toMatchObject({ error: 'UnknownMilestone', message: expect.stringContaining("'go-live'") });

    const repeated = await request(h.http).post(`/onboardings/${onboardingId}/milestones/first-login`).send({ actor: 'csm:bo' }).expect(409);
    expect(repeated.body.error).toBe('MilestoneAlreadyRecorded');

    const missing = await request(h.http).post('/onboardings/onboarding-nobody/milestones/first-login').send({ actor: 'a' }).expect(404);
    expect(missing.body.message).toBe('onboarding onboarding-nobody not found');

    const noActor = await request(h.http).post(`/onboardings/${onboardingId}/milestones/initial-setup-complete`).send({}).expect(400);
    expect(noActor.body.message.join('\n')).toContain('actor');
  });

  it('applies a retried call with the same Idempotency-Key once', async () => {
    const send = () =>
      request(h.http)
        .post(`/onboardings/${onboardingId}/milestones/initial-setup-complete`)
        .set('Idempotency-Key', `setup-${run}`)
        .send({ actor: 'csm:ana' })
        .expect(200);
    const first = await send();
    const second = await send();
    expect(second.body.revision).toBe(first.body.revision);
    expect(second.body.milestones).toEqual(first.body.milestones);
  });

  it('returns the live state from the workflow, and 404 for an unknown onboarding', async () => {
    const res = await request(h.http).get(`/onboardings/${onboardingId}`).expect(200);
    expect(res.body).toMatchObject({ onboardingId, tier: 'tech-touch', status: 'in-progress', stage: { key: 'training' } });
    expect(res.body.milestones.filter((m: any) => m.achievedAt).map((m: any) => m.key)).toEqual([
      'first-login',
      'initial-setup-complete',
    ]);
    await request(h.http).get('/onboardings/onboarding-nobody').expect(404);
  });

  it('lists onboardings from the read model, filtered, once the projection caught up', async () => {
    const row = await eventually(async () => {
      const res = await request(h.http).get('/onboardings').query({ tier: 'tech-touch', limit: 500 }).expect(200);
      return res.body.items.find((r: any) => r.id === onboardingId && r.revision === 3);
    });
    expect(row).toMatchObject({ accountId: id, stage: 'training', status: 'in-progress', playbookVersion: 1 });
    expect(row.milestones.find((m: any) => m.key === 'first-login').recordedBy).toBe('csm:ana');

    const highTouch = await request(h.http).get('/onboardings').query({ tier: 'high-touch' }).expect(200);
    expect(highTouch.body.items.every((r: any) => r.tier === 'high-touch')).toBe(true);

    const bad = await request(h.http).get('/onboardings').query({ tier: 'gold', limit: 0 }).expect(400);
    expect(bad.body.message.join('\n')).toMatch(/tier[\s\S]*limit/);
  });
});

describe('operations', () => {
  it('reports Temporal and the database as up on /health', async () => {
    const res = await request(h.http).get('/health').expect(200);
    expect(res.body.details).toMatchObject({ database: { status: 'up' }, temporal: { status: 'up' } });
  });

  it('serves the OpenAPI document', async () => {
    const res = await request(h.http).get('/docs/openapi.json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/onboardings', '/onboardings/{id}', '/onboardings/{id}/milestones/{milestone}', '/health']),
    );
  });
});
