/**
 * Playbooks through the real API and PostgreSQL. The database is shared with other test files,
 * so version numbers are read first and asserted relative to them.
 */
import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import { TIERS } from '../../src/domain/segment';
import { closedWonBody } from '../fixtures/onboarding-input';
import { type ApiHarness, eventually, startApiHarness } from '../support/api-harness';

let h: ApiHarness;
const run = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  h = await startApiHarness();
});

afterAll(async () => {
  // New onboardings start on the latest version: leave the shared database as the other test files expect it.
  // What this file published: the authenticated principal (its owner key) is the publisher.
  if (h?.dataSource) await h.dataSource.query(`DELETE FROM playbooks WHERE published_by = $1`, [h.ownerLabel]);
  await h?.close();
});

const definition = (tier: keyof typeof DEFAULT_PLAYBOOKS, name: string) => ({
  ...structuredClone(DEFAULT_PLAYBOOKS[tier]),
  name,
});

it('lists version 1 of the three default playbooks once the API has started', async () => {
  const res = await h.api.get('/playbooks').expect(200);
  for (const tier of TIERS) {
    expect(res.body).toContainEqual({
      tier,
      version: 1,
      name: DEFAULT_PLAYBOOKS[tier].name,
      publishedAt: expect.any(String),
      publishedBy: 'system',
      notes: 'default playbook',
    });
  }
});

it('answers the latest high-touch playbook, version 1 with the fintech stages until one is published', async () => {
  const res = await h.api.get('/playbooks/high-touch/versions/1').expect(200);
  expect(res.body).toEqual(DEFAULT_PLAYBOOKS['high-touch']);
  expect(res.body.stages.map((s: any) => s.key)).toEqual([
    'kickoff',
    'access-environment-data',
    'integration-validation',
    'cutover-hypercare',
  ]);

  const latest = await h.api.get('/playbooks/high-touch').expect(200);
  const versions = (await h.api.get('/playbooks').expect(200)).body.filter((s: any) => s.tier === 'high-touch');
  expect(latest.body.version).toBe(Math.max(...versions.map((s: any) => s.version)));
  if (latest.body.version === 1) expect(latest.body).toEqual(DEFAULT_PLAYBOOKS['high-touch']);
});

describe('POST /playbooks/validate', () => {
  it('says a default playbook is valid', async () => {
    const res = await h.api.post('/playbooks/validate').send(DEFAULT_PLAYBOOKS['tech-touch']).expect(200);
    expect(res.body).toEqual({ valid: true, errors: [] });
  });

  it('reports every problem with its path, unknown keys included (the body reaches the validator untouched)', async () => {
    const body: any = definition('high-touch', 'api test: validate');
    body.stages[0].colour = 'blue';
    body.tasks[1].dependsOn = ['kickoff-cal'];
    body.firstValueMilestone = 'first-value';
    const res = await h.api.post('/playbooks/validate').send(body).expect(200);
    expect(res.body).toEqual({
      valid: false,
      errors: expect.arrayContaining([
        { path: 'stages[0].colour', message: 'unknown key "colour"' },
        { path: 'tasks[1].dependsOn[0]', message: 'unknown task "kickoff-cal"' },
        { path: 'firstValueMilestone', message: 'unknown milestone "first-value"' },
      ]),
    });
    expect(res.body.errors).toHaveLength(3);
  });
});

describe('POST /playbooks/:tier/versions', () => {
  it('publishes the next version, which GET /playbooks/:tier then answers; earlier versions stay', async () => {
    const before = (await h.api.get('/playbooks/tech-touch').expect(200)).body;
    const name = `api test ${run}: shorter first login`;
    const published = definition('tech-touch', name);
    published.milestones[0].targetDay = 2;

    const res = await h.api
      .post('/playbooks/tech-touch/versions')
      .send({ publishedBy: 'cs-ops:api-test', notes: 'first login within 2 days', definition: published })
      .expect(201);
    expect(res.body).toEqual({ tier: 'tech-touch', version: before.version + 1 });
    expect(res.headers.location).toBe(`/playbooks/tech-touch/versions/${before.version + 1}`);

    const latest = (await h.api.get('/playbooks/tech-touch').expect(200)).body;
    expect(latest).toEqual({ ...published, version: before.version + 1 });
    expect((await h.api.get(`/playbooks/tech-touch/versions/${before.version}`).expect(200)).body).toEqual(before);

    const listed = (await h.api.get('/playbooks').expect(200)).body;
    expect(listed).toContainEqual(
      expect.objectContaining({
        tier: 'tech-touch',
        version: before.version + 1,
        name,
        // The authenticated principal publishes; the body's publishedBy is kept as a note.
        publishedBy: h.ownerLabel,
        notes: 'first login within 2 days — published for cs-ops:api-test',
      }),
    );
  });

  it('refuses a definition of another tier with a 400 naming tier, and publishes nothing', async () => {
    const before = (await h.api.get('/playbooks/self-service').expect(200)).body.version;
    const res = await h.api
      .post('/playbooks/self-service/versions')
      .send({ publishedBy: 'cs-ops:api-test', definition: definition('tech-touch', `api test ${run}: wrong tier`) })
      .expect(400);
    expect(res.body).toMatchObject({
      status: 400,
      code: 'InvalidPlaybook',
      errors: [{ path: 'tier', message: 'tier "tech-touch" does not match the tier being published ("self-service")' }],
    });
    expect((await h.api.get('/playbooks/self-service').expect(200)).body.version).toBe(before);
  });

  it('refuses an invalid playbook with a 400 listing its errors', async () => {
    const body: any = definition('high-touch', `api test ${run}: cycle`);
    body.tasks[0].dependsOn = ['confirm-success-criteria'];
    const res = await h.api
      .post('/playbooks/high-touch/versions')
      .send({ publishedBy: 'cs-ops:api-test', definition: body })
      .expect(400);
    expect(res.body).toMatchObject({
      status: 400,
      code: 'InvalidPlaybook',
      errors: [
        {
          path: 'tasks[1].dependsOn[0]',
          message: 'dependency cycle: kickoff-call -> confirm-success-criteria -> kickoff-call',
        },
      ],
    });
  });

  it('wants a definition object', async () => {
    const res = await h.api.post('/playbooks/high-touch/versions').send({ definition: 'v2' }).expect(400);
    expect(res.body.detail).toMatch(/definition must be an object/);
  });
});

describe('unknown tiers and versions', () => {
  it('answers 404 for an unknown tier, naming the valid ones', async () => {
    const res = await h.api.get('/playbooks/platinum').expect(404);
    expect(res.body.detail).toBe('unknown tier "platinum": valid tiers are high-touch, tech-touch, self-service');
    await h.api.get('/playbooks/platinum/versions/1').expect(404);
    await h.api
      .post('/playbooks/platinum/versions')
      .send({ publishedBy: 'cs-ops:api-test', definition: definition('high-touch', `api test ${run}: platinum`) })
      .expect(404);
  });

  it('answers 404 for a version that does not exist, and 400 for one that is not a number', async () => {
    const res = await h.api.get('/playbooks/high-touch/versions/9999').expect(404);
    expect(res.body.detail).toBe('playbook high-touch has no version 9999');
    await h.api.get('/playbooks/high-touch/versions/latest').expect(400);
  });
});

it('keeps running onboardings on their version while new ones start on a newly published one', async () => {
  const before = `pinned-before-${run}`;
  const after = `pinned-after-${run}`;
  await h.api.post('/onboardings').send(closedWonBody(before, 'mid-market')).expect(201);
  const current = (await h.api.get('/playbooks/tech-touch').expect(200)).body;

  const next = definition('tech-touch', 'api test: pinned versions');
  next.messages = next.messages.map((m) =>
    m.event === 'welcome' ? { ...m, subject: 'Welcome (new playbook), {{account.name}}' } : m,
  );
  const published = await h.api
    .post('/playbooks/tech-touch/versions')
    .send({ publishedBy: 'cs-ops:api-test', notes: 'pilot cohort', definition: next })
    .expect(201);
  expect(published.body.version).toBe(current.version + 1);

  const started = await h.api.post('/onboardings').send(closedWonBody(after, 'mid-market')).expect(201);
  expect(started.body.playbookVersion).toBe(current.version + 1);
  const old = await h.api.get(`/onboardings/onboarding-${before}`).expect(200);
  expect(old.body.playbookVersion).toBe(current.version);

  // Each onboarding speaks in its own version's words.
  const welcomeAfter = await eventually(async () =>
    h.inbox.messages.find((m) => m.mail.subject === `Welcome (new playbook), Account ${after}`),
  );
  expect(welcomeAfter.envelope.to).toContain('dana.whitfield@customer.example');
  const welcomeBefore = await eventually(async () =>
    h.inbox.messages.find((m) => m.mail.subject?.endsWith(`Account ${before}: your first steps`)),
  );
  expect(welcomeBefore).toBeDefined();
});
