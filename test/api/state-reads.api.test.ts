/**
 * `GET /onboardings/:id` when the worker cannot answer (issue 11): a query is answered by a
 * worker, so with none able to, the API answers from the read model within
 * API_LIVE_STATE_TIMEOUT_MS, marked as the projection of revision N at projected_at, instead of a
 * 503 at the 10 s deadline. The onboarding runs on a task queue of this file's own, served by a
 * worker the test stops; while it runs, the same route answers the workflow's live state.
 */
import type { INestApplication } from '@nestjs/common';
import { loadSettings } from '../../src/config/settings';
import { createOnboardingWorker } from '../../worker/create-worker';
import { closedWonBody } from '../fixtures/onboarding-input';
import { authenticated, eventually, useApiHarness } from '../support/api-harness';
import { workflowBundle, testPayloadCodec } from '../support/test-env';
import { startTestWorker, type TestWorker } from '../support/test-worker';

jest.setTimeout(120_000);

const h = useApiHarness();
const run = Math.random().toString(36).slice(2, 8);
const taskQueue = `state-reads-${run}`;
const LIVE_STATE_TIMEOUT_MS = 1_000;
let worker: TestWorker | undefined;
let api: INestApplication;

beforeAll(async () => {
  const payloadCodec = testPayloadCodec();
  worker = await startTestWorker(
    (connection) =>
      createOnboardingWorker({
        connection,
        namespace: 'default',
        taskQueue,
        dataSource: h.dataSource,
        maxCachedWorkflows: 10,
        workflowBundle: workflowBundle(),
        notifications: { ...loadSettings({}), smtpUrl: h.inbox.url },
        migrationPlatformUrl: h.sandbox.url,
        payloadCodec,
      }),
    { payloadCodec },
  );
  // An API whose onboardings run on that worker's queue.
  api = await h.replica({ taskQueue, liveStateTimeoutMs: LIVE_STATE_TIMEOUT_MS });
});

afterAll(async () => {
  await worker?.close();
});

it('answers the live state while a worker answers, and the marked projection once none can', async () => {
  const agent = authenticated(api.getHttpServer(), h.ownerKey);
  const accountId = `state-reads-${run}`;
  const { onboardingId } = (await agent.post('/onboardings').send(closedWonBody(accountId, 'smb')).expect(201)).body;

  // The first pass projected (CSM assigned): what the read model will answer is that revision.
  const live = await eventually(async () => {
    const res = await agent.get(`/onboardings/${onboardingId}`).expect(200);
    const [row] = await h.dataSource.query('SELECT revision, csm_id FROM onboardings WHERE id = $1', [onboardingId]);
    return row?.csm_id && row.revision === res.body.revision ? res : undefined;
  }, 60_000);
  expect(live.headers['onboarding-state-source']).toBe('live');
  expect(live.body.stateSource).toBeUndefined();
  expect(live.body.salesOwner).toEqual(expect.objectContaining({ email: expect.any(String) }));

  await worker!.close();
  worker = undefined;

  const projected = await agent.get(`/onboardings/${onboardingId}`).expect(200);
  expect(projected.headers['onboarding-state-source']).toBe('read-model');
  const [row] = await h.dataSource.query('SELECT revision, projected_at, csm_id FROM onboardings WHERE id = $1', [
    onboardingId,
  ]);
  expect(projected.body).toMatchObject({
    stateSource: {
      kind: 'read-model',
      revision: row.revision,
      projectedAt: row.projected_at.toISOString(),
      reason: expect.stringMatching(/^(live-state-timeout|worker-unavailable)$/),
    },
    onboardingId,
    account: { id: accountId },
    tier: live.body.tier,
    revision: live.body.revision,
    stage: { key: live.body.stage.key },
    csm: { id: row.csm_id },
    milestones: live.body.milestones,
  });
  // What the row does not hold is absent, not made up.
  expect(projected.body.salesOwner).toBeUndefined();
});

it('answers 404 for an onboarding that does not exist, without waiting for a worker', async () => {
  await authenticated(api.getHttpServer(), h.ownerKey).get(`/onboardings/onboarding-nobody-${run}`).expect(404);
});
