/**
 * The segmentation rule through the real API, worker, dev server and PostgreSQL: a published
 * version decides the segment and tier of the next closed-won deals; onboardings already
 * started keep theirs. The database is shared with other test files, so versions are asserted
 * relative to what is there and the versions published here are deleted afterwards.
 */
import { DEFAULT_SEGMENTATION_RULE } from '../../src/domain/segmentation';
import { closedWonBody } from '../fixtures/onboarding-input';
import { type ApiHarness, startApiHarness } from '../support/api-harness';

let h: ApiHarness;
const run = Math.random().toString(36).slice(2, 8);
const PUBLISHER = 'revops:api-test';

beforeAll(async () => {
  h = await startApiHarness();
});

afterAll(async () => {
  // New closed-won deals are segmented by the latest version: other test files expect version 1.
  // What this file published: the authenticated principal is the publisher.
  if (h?.dataSource) await h.dataSource.query(`DELETE FROM segmentation_rules WHERE published_by = $1`, [h.ownerLabel]);
  await h?.close();
});

const rule = (): any => {
  const { version: _, ...rest } = structuredClone(DEFAULT_SEGMENTATION_RULE);
  return rest;
};

/** A closed-won body that leaves the segment to the rule. */
function unsegmented(accountId: string, arr: number, complexity: string) {
  const { segment: _, ...body } = closedWonBody(accountId);
  return { ...body, arr, complexity };
}

const versions = async () => (await h.api.get('/segmentation/versions').expect(200)).body as Array<{ version: number }>;

it('answers version 1, the default rule, once the API has started', async () => {
  expect((await h.api.get('/segmentation/versions/1').expect(200)).body).toEqual(DEFAULT_SEGMENTATION_RULE);
  expect(await versions()).toContainEqual({
    version: 1,
    publishedAt: expect.any(String),
    publishedBy: 'system',
    notes: 'default segmentation rule',
  });
  const latest = (await h.api.get('/segmentation').expect(200)).body;
  expect(latest.version).toBe(Math.max(...(await versions()).map((v) => v.version)));
});

it('segments the next closed-won by a newly published rule, while a started onboarding keeps its segment', async () => {
  const before = `seg-before-${run}`;
  const after = `seg-after-${run}`;
  const current = (await h.api.get('/segmentation').expect(200)).body;

  // 150k ARR with low complexity is mid-market under the default rule...
  const first = await h.api
    .post('/onboardings')
    .send(unsegmented(before, 150_000, 'low'))
    .expect(201);
  expect(first.body).toMatchObject({ segment: 'mid-market', tier: 'tech-touch' });

  // ...and enterprise once enterprise starts at 100k.
  const next = rule();
  next.segments[0].minArr = 100_000;
  const published = await h.api
    .post('/segmentation/versions')
    .send({ publishedBy: PUBLISHER, notes: 'enterprise from 100k ARR', rule: next })
    .expect(201);
  expect(published.body).toEqual({ version: current.version + 1 });
  expect(published.headers.location).toBe(`/segmentation/versions/${current.version + 1}`);
  expect((await h.api.get('/segmentation').expect(200)).body).toEqual({
    ...next,
    version: current.version + 1,
  });
  expect(await versions()).toContainEqual({
    version: current.version + 1,
    publishedAt: expect.any(String),
    publishedBy: h.ownerLabel,
    notes: 'enterprise from 100k ARR — published for revops:api-test',
  });

  const second = await h.api
    .post('/onboardings')
    .send(unsegmented(after, 150_000, 'low'))
    .expect(201);
  expect(second.body).toMatchObject({ segment: 'enterprise', tier: 'high-touch', created: true });
  const memo = (await h.client.workflow.getHandle(`onboarding-${after}`).describe()).memo;
  expect(memo).toMatchObject({ segment: 'enterprise', tier: 'high-touch', segmentationVersion: current.version + 1 });

  // The onboarding started before keeps what it started with, also when the same deal is posted again.
  const repeated = await h.api
    .post('/onboardings')
    .send(unsegmented(before, 150_000, 'low'))
    .expect(200);
  expect(repeated.body).toMatchObject({ segment: 'mid-market', tier: 'tech-touch', created: false });
  expect((await h.client.workflow.getHandle(`onboarding-${before}`).describe()).memo).toMatchObject({
    segmentationVersion: current.version,
  });
});

it('maps segments to tiers by the latest rule, also for a segment the CRM gives', async () => {
  const next = rule();
  next.tiers.smb = 'tech-touch';
  await h.api
    .post('/segmentation/versions')
    .send({ publishedBy: PUBLISHER, notes: 'SMB gets tech-touch', rule: next })
    .expect(201);
  const res = await h.api
    .post('/onboardings')
    .send(closedWonBody(`seg-smb-${run}`, 'smb'))
    .expect(201);
  expect(res.body).toMatchObject({ segment: 'smb', tier: 'tech-touch' });
});

it('refuses an invalid rule with a 400 listing its errors with their paths, and publishes nothing', async () => {
  const count = (await versions()).length;
  const latest = (await h.api.get('/segmentation').expect(200)).body;
  const bad = rule();
  bad.segments[1].minArr = 300_000;
  bad.segments.pop();
  bad.tiers.enterprise = 'white-glove';
  const res = await h.api.post('/segmentation/versions').send({ publishedBy: PUBLISHER, rule: bad }).expect(400);
  expect(res.body).toMatchObject({
    status: 400,
    code: 'InvalidSegmentationRule',
    errors: expect.arrayContaining([
      { path: 'tiers.enterprise', message: 'must be one of high-touch, tech-touch, self-service, got "white-glove"' },
      { path: 'segments', message: 'segment "smb" is missing: every segment appears exactly once' },
      {
        path: 'segments[1].minArr',
        message: 'must be less than segments[0].minArr (250000), got 300000: entries are ordered by decreasing minArr',
      },
      { path: 'segments[1].minArr', message: 'the last entry is the catch-all: minArr must be 0, got 300000' },
      {
        path: 'segments[1].minComplexity',
        message: 'the last entry is the catch-all: minComplexity must be low, got "medium"',
      },
    ]),
  });
  expect(res.body.errors).toHaveLength(5);
  expect(await versions()).toHaveLength(count);
  expect((await h.api.get('/segmentation').expect(200)).body).toEqual(latest);
});

it('wants a rule object, and answers 404 for a version that does not exist', async () => {
  const res = await h.api.post('/segmentation/versions').send({ rule: 'enterprise from 100k' }).expect(400);
  expect(res.body.detail).toMatch(/rule must be an object/);
  const missing = await h.api.get('/segmentation/versions/9999').expect(404);
  expect(missing.body.detail).toBe('segmentation rule has no version 9999');
});

it('documents the segmentation calls in the OpenAPI document', async () => {
  const res = await h.api.get('/docs/openapi.json').expect(200);
  expect(Object.keys(res.body.paths)).toEqual(
    expect.arrayContaining(['/segmentation', '/segmentation/versions', '/segmentation/versions/{version}']),
  );
  const start = res.body.components.schemas.StartOnboardingDto;
  expect(Object.keys(start.properties)).toEqual(expect.arrayContaining(['segment', 'arr', 'complexity']));
  expect(start.required).not.toContain('segment');
});
