/**
 * The CSM roster through the real API, worker, dev server, PostgreSQL and SMTP inbox: with every
 * seat taken, a new onboarding is listed at once as waiting on csm-assignment, the CS lead is
 * mailed, and it is assigned as soon as a seat frees (a capacity raised, an onboarding completed).
 */
import { WAITING_FOR_CSM_QUERY } from '../../src/contracts/onboarding.contract';
import type { OnboardingInput } from '../../src/domain/onboarding';
import { upsertCsms } from '../../src/persistence/csm-roster';
import { closedWonBody, TEST_CSMS } from '../fixtures/onboarding-input';
import { type ApiHarness, eventually, startApiHarness } from '../support/api-harness';
import { walkJourney } from '../support/journey-driver';

jest.setTimeout(90_000);

let h: ApiHarness;
const run = Math.random().toString(36).slice(2, 8);
const account = (name: string) => `${name}-${run}`;
const csmBody = (id: string, tiers: string[], capacity: number) => ({
  name: `CSM ${id}`,
  email: `${id}@onboarding.example`,
  tiers,
  capacity,
});
const mine: string[] = [];

beforeAll(async () => {
  h = await startApiHarness();
});

afterAll(async () => {
  // The shared roster as other test files expect it: the test CSMs active, this file's gone.
  if (h) {
    await upsertCsms(h.dataSource, TEST_CSMS);
    for (const id of mine) await h.api.delete(`/csms/${id}`);
  }
  await h?.close();
});

async function addCsm(id: string, tiers: string[], capacity: number): Promise<void> {
  mine.push(id);
  await h.api
    .put(`/csms/${id}`)
    .send(csmBody(id, tiers, capacity))
    .expect(201);
}

async function deactivate(id: string): Promise<void> {
  const csm = TEST_CSMS.find((c) => c.id === id)!;
  await h.api
    .put(`/csms/${id}`)
    .send({ ...csmBody(id, csm.tiers, csm.capacity), active: false })
    .expect(200);
}

const onboarding = async (id: string) => (await h.api.get(`/onboardings/onboarding-${id}`).expect(200)).body;
const assignedTo = (id: string, csm: string) =>
  eventually(async () => ((await onboarding(id)).csm?.id === csm ? true : undefined));

/** Visible to the roster's signal: the visibility store may trail the workflow by a moment. */
const visiblyWaiting = (id: string) =>
  eventually(async () => {
    for await (const _ of h.client.workflow.list({
      query: `${WAITING_FOR_CSM_QUERY} AND WorkflowId = 'onboarding-${id}'`,
    }))
      return true;
    return undefined;
  });

describe('/csms', () => {
  it('lists CSMs with their load, creates and replaces one with PUT, deactivates it with DELETE', async () => {
    const id = `csm-crud-${run}`;
    mine.push(id);
    const created = await h.api
      .put(`/csms/${id}`)
      .send(csmBody(id, ['tech-touch'], 3))
      .expect(201);
    expect(created.headers.location).toBe(`/csms/${id}`);
    expect(created.body).toEqual({
      id,
      name: `CSM ${id}`,
      email: `${id}@onboarding.example`,
      tiers: ['tech-touch'],
      capacity: 3,
      active: true,
      load: 0,
    });
    const replaced = await h.api
      .put(`/csms/${id}`)
      .send(csmBody(id, ['tech-touch', 'self-service'], 5))
      .expect(200);
    expect(replaced.body).toMatchObject({ tiers: ['tech-touch', 'self-service'], capacity: 5 });

    const list = await h.api.get('/csms').expect(200);
    expect(list.body).toContainEqual(
      expect.objectContaining({ id: 'csm-test-ana', active: true, load: expect.any(Number) }),
    );
    expect(list.body).toContainEqual(expect.objectContaining({ id, capacity: 5 }));

    expect((await h.api.delete(`/csms/${id}`).expect(200)).body).toMatchObject({ id, active: false });
    expect((await h.api.get(`/csms/${id}`).expect(200)).body.active).toBe(false);
  });

  it('refuses a bad id or body with 400 naming the field, and an unknown CSM with 404', async () => {
    const badId = await h.api
      .put('/csms/has%20space')
      .send(csmBody('x', ['high-touch'], 1))
      .expect(400);
    expect(badId.body).toMatchObject({
      code: 'ValidationFailed',
      errors: [{ path: 'id', message: expect.stringMatching(/id must be/) }],
    });
    const badChars = await h.api
      .put('/csms/ana!lopez')
      .send(csmBody('x', ['high-touch'], 1))
      .expect(400);
    expect(badChars.body.errors).toEqual([{ path: 'id', message: expect.stringContaining('CSM id must be') }]);
    const bad = await h.api
      .put(`/csms/csm-bad-${run}`)
      .send({ name: '', email: 'not-an-email', tiers: ['gold'], capacity: -1, extra: true })
      .expect(400);
    const message = JSON.stringify(bad.body.errors);
    for (const field of ['name', 'email', 'tiers', 'capacity', 'extra']) expect(message).toContain(field);
    await h.api
      .put(`/csms/csm-long-${run}`)
      .send({ ...csmBody('x', ['high-touch'], 1), name: 'x'.repeat(201) })
      .expect(400);
    await h.api.get(`/csms/csm-nobody-${run}`).expect(404);
    await h.api.delete(`/csms/csm-nobody-${run}`).expect(404);
  });

  it('documents the roster in the OpenAPI document', async () => {
    const res = await h.api.get('/docs/openapi.json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/csms', '/csms/{id}']));
    expect(Object.keys(res.body.paths['/csms/{id}'])).toEqual(expect.arrayContaining(['get', 'put', 'delete']));
    expect(res.body.paths['/csms/{id}'].put.tags).toEqual(['roster']);
    expect(Object.keys(res.body.paths['/csms/{id}'].put.responses)).toEqual(
      expect.arrayContaining(['200', '201', '400']),
    );
  });
});

describe('waiting for a CSM with a free seat', () => {
  it('lists the onboarding at once as waiting, mails the CS lead, and assigns it when PUT /csms raises a capacity', async () => {
    const solo = `csm-solo-${run}`;
    await deactivate('csm-test-ana'); // the only other high-touch CSM
    await addCsm(solo, ['high-touch'], 1);
    const [first, second] = [account('seat-1'), account('seat-2')];
    await h.api.post('/onboardings').send(closedWonBody(first, 'enterprise')).expect(201);
    await assignedTo(first, solo);

    const started = Date.now();
    await h.api.post('/onboardings').send(closedWonBody(second, 'enterprise')).expect(201);
    const listed = await eventually(async () => {
      const res = await h.api
        .get('/onboardings')
        .query({ waitingOn: 'csm-assignment', tier: 'high-touch' })
        .expect(200);
      return res.body.items.find((o: { id: string }) => o.id === `onboarding-${second}`);
    });
    const listedAfterMs = Date.now() - started;
    expect(listed).toMatchObject({
      status: 'in-progress',
      csmId: null,
      waitingOn: 'csm-assignment',
      waitingSince: expect.any(String),
    });
    expect(listedAfterMs).toBeLessThan(5_000);
    const live = await onboarding(second);
    expect(live.waitingOn).toMatchObject({ kind: 'csm-assignment', items: ['high-touch'], since: listed.waitingSince });

    const toLead = await eventually(async () =>
      h.inbox.messages.find((m) => m.mail.subject === `No CSM with capacity for Account ${second} (high-touch)`),
    );
    expect(toLead.envelope.to).toEqual(['cs-lead@onboarding.example']);
    expect(toLead.mail.text).toContain('PUT /csms/:id');
    const audit = await h.dataSource.query(`SELECT action FROM audit_log WHERE onboarding_id = $1 ORDER BY seq`, [
      `onboarding-${second}`,
    ]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['onboarding-started', 'csm-assignment-waiting']);

    await visiblyWaiting(second);
    await h.api
      .put(`/csms/${solo}`)
      .send(csmBody(solo, ['high-touch'], 2))
      .expect(200);
    await assignedTo(second, solo);
    expect((await h.api.get(`/csms/${solo}`).expect(200)).body.load).toBe(2);
    const welcome = await eventually(async () =>
      h.inbox.messages.find((m) => m.mail.subject === `Welcome to your onboarding, Account ${second}`),
    );
    expect(welcome.envelope.to).toContain(`${solo}@onboarding.example`);
  });

  it('assigns a waiting onboarding as soon as another one completes and releases its CSM', async () => {
    const solo = `csm-ss-${run}`;
    await deactivate('csm-test-pool'); // the only other self-service CSM
    await addCsm(solo, ['self-service'], 1);
    const [first, second] = [account('release-1'), account('release-2')];
    await h.api.post('/onboardings').send(closedWonBody(first, 'smb')).expect(201);
    await assignedTo(first, solo);
    await h.api.post('/onboardings').send(closedWonBody(second, 'smb')).expect(201);
    await eventually(async () => ((await onboarding(second)).waitingOn.kind === 'csm-assignment' ? true : undefined));
    await visiblyWaiting(second);

    const playbook = (await h.api.get('/playbooks/self-service').expect(200)).body;
    const handle = h.client.workflow.getHandle(`onboarding-${first}`);
    await walkJourney(handle, { playbook } as OnboardingInput, () => new Promise((r) => setTimeout(r, 100)));
    expect((await handle.result()).status).toBe('completed');

    await assignedTo(second, solo);
    const csm = (await h.api.get(`/csms/${solo}`).expect(200)).body;
    expect(csm).toMatchObject({ capacity: 1, load: 1 });
  });
});
