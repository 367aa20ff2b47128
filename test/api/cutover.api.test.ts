/**
 * Cutover through the API: the readiness gate, a rehearsal, the cutover as a child of the
 * onboarding against the sandbox platform, a failed attempt rolled back and a retry after the
 * fix, with the facts in the onboarding's state, read model and audit log.
 */
import { closedWonBody } from '../fixtures/onboarding-input';
import { type ApiHarness, approveGoLive, eventually, startApiHarness } from '../support/api-harness';

jest.setTimeout(120_000);

let h: ApiHarness;
const id = `cutover-${Math.random().toString(36).slice(2, 8)}`;
const onboarding = `/onboardings/onboarding-${id}`;

beforeAll(async () => {
  h = await startApiHarness();
  h.sandbox.seed(
    Array.from({ length: 150 }, (_, i) => ({
      id: `acct-${String(i).padStart(4, '0')}`,
      kind: 'account' as const,
      data: { n: i },
    })),
  );
  await h.api.post('/onboardings').send(closedWonBody(id, 'enterprise')).expect(201);
  await eventually(async () => ((await h.api.get(onboarding)).body.csm ? true : undefined));
});

afterAll(async () => {
  await h?.close();
});

/** Polls the onboarding until attempt `n` has ended: succeeded or rolled back (waiting for an operator is no end). */
const ended = (n: number, path = onboarding) =>
  eventually(async () => {
    const state = (await h.api.get(path).expect(200)).body;
    const attempt = state.cutovers?.find((c: any) => c.attempt === n);
    return attempt && ['succeeded', 'rolled-back'].includes(attempt.status) ? attempt : undefined;
  }, 60_000);

it('refuses a cutover before the readiness gate, naming every condition that fails', async () => {
  const res = await h.api.post(`${onboarding}/cutovers`).send({ mode: 'cutover', actor: 'impl:lee' }).expect(409);
  expect(res.body.code).toBe('CutoverNotReady');
  expect(res.body.detail).toContain("gate 'go-live-readiness' is not approved");
  expect(res.body.detail).toContain('no rehearsal passed in the last 14 days');
});

it('runs a rehearsal on staging as a child of the onboarding, and records that it passed', async () => {
  const res = await h.api.post(`${onboarding}/cutovers`).send({ mode: 'rehearsal', actor: 'impl:lee' }).expect(200);
  expect(res.body.cutovers).toEqual([expect.objectContaining({ attempt: 1, mode: 'rehearsal', status: 'requested' })]);
  const attempt = await ended(1);
  expect(attempt).toMatchObject({
    status: 'succeeded',
    rehearsal: { passed: true, accuracy: 1 },
    reconciliation: { sourceCount: 150, targetCount: 150, accuracy: 1 },
  });
  expect(h.sandbox.state().staging.count).toBe(0);
  const detail = await h.api.get(`${onboarding}/cutovers/1`).expect(200);
  expect(detail.body).toMatchObject({ cutoverId: `onboarding-${id}:rehearsal:1`, status: 'succeeded' });
});

it('rolls back a failed cutover, then succeeds on a retry after the fix', async () => {
  await approveGoLive(h.api, onboarding);

  h.sandbox.faults.set({ failStep: { path: '/sso/switch', times: 3, status: 503 } });
  await h.api.post(`${onboarding}/cutovers`).send({ mode: 'cutover', actor: 'impl:lee' }).expect(200);
  const failed = await ended(2);
  expect(failed).toMatchObject({ status: 'rolled-back', rollbackInvoked: true, failure: { step: 'switch-sso' } });
  const detail = (await h.api.get(`${onboarding}/cutovers/2`).expect(200)).body;
  expect(detail.compensationOrder).toEqual(['switch-sso', 'reconcile', 'migrate-records', 'freeze-legacy-writes']);
  expect(h.sandbox.state()).toMatchObject({ sso: 'legacy', target: { count: 0 }, legacy: { frozen: false } });

  h.sandbox.faults.set({ failStep: null }); // the fix
  await h.api.post(`${onboarding}/cutovers`).send({ mode: 'cutover', actor: 'impl:lee' }).expect(200);
  const retried = await ended(3);
  expect(retried).toMatchObject({ status: 'succeeded', reconciliation: { accuracy: 1 } });
  expect(h.sandbox.state()).toMatchObject({
    sso: 'target',
    target: { count: 150 },
    legacy: { frozen: true },
    cohorts: { pilot: true, everyone: true },
  });

  // The facts, for dashboards and for the compliance trail.
  const row = await eventually(async () => {
    const res = await h.api.get('/onboardings').query({ tier: 'high-touch', limit: 500 }).expect(200);
    const r = res.body.items.find((x: any) => x.id === `onboarding-${id}`);
    return r?.cutovers?.length === 3 && r.cutovers[2].status === 'succeeded' ? r : undefined;
  });
  expect(row.cutovers.map((c: any) => [c.mode, c.status])).toEqual([
    ['rehearsal', 'succeeded'],
    ['cutover', 'rolled-back'],
    ['cutover', 'succeeded'],
  ]);
  const audit = await eventually(async () => {
    const entries = (await h.api.get(`${onboarding}/audit`).expect(200)).body.entries;
    return entries.filter((e: any) => e.action === 'cutover-finished').length === 2 ? entries : undefined;
  });
  // Requested by the authenticated principal, as the operator; the body's actor is a note.
  expect(
    audit.filter((e: any) => e.action === 'cutover-requested').map((e: any) => [e.actor, e.actingRole, e.actorNote]),
  ).toEqual([
    [h.ownerLabel, 'operator', 'impl:lee'],
    [h.ownerLabel, 'operator', 'impl:lee'],
  ]);

  const noDecision = await h.api
    .post(`${onboarding}/cutovers/3/decision`)
    .send({ decision: 'retry', actor: 'ops:kim' })
    .expect(409);
  expect(noDecision.body.code).toBe('NoDecisionPending');
  await h.api.get(`${onboarding}/cutovers/9`).expect(404);
});

it('refuses another cutover once one has succeeded', async () => {
  const res = await h.api.post(`${onboarding}/cutovers`).send({ mode: 'cutover', actor: 'impl:lee' }).expect(409);
  expect(res.body).toMatchObject({
    code: 'CutoverAlreadyDone',
    detail: expect.stringContaining(`cutover attempt 3 (onboarding-${id}:cutover:3) already succeeded`),
  });
});

it('shows a cutover waiting for an operator on the onboarding, and takes the decision through the API', async () => {
  // Another onboarding (the first one is cut over), with the platform back on the legacy side.
  h.sandbox.reset();
  h.sandbox.seed(
    Array.from({ length: 50 }, (_, i) => ({
      id: `acct-${String(i).padStart(4, '0')}`,
      kind: 'account' as const,
      data: { n: i },
    })),
  );
  const other = `${id}-2`;
  const path = `/onboardings/onboarding-${other}`;
  await h.api.post('/onboardings').send(closedWonBody(other, 'enterprise')).expect(201);
  await eventually(async () => ((await h.api.get(path)).body.csm ? true : undefined));
  await approveGoLive(h.api, path);
  await h.api.post(`${path}/cutovers`).send({ mode: 'rehearsal', actor: 'impl:lee' }).expect(200);
  await ended(1, path);
  // The pilot cohort fails for good, and so does closing it again: the compensation needs a person.
  h.sandbox.faults.set({
    failStep: [
      { path: '/cohorts/pilot/open', status: 503 },
      { path: '/cohorts/pilot/close', status: 503 },
    ],
  });
  await h.api.post(`${path}/cutovers`).send({ mode: 'cutover', actor: 'impl:lee' }).expect(200);
  const waiting = await eventually(async () => {
    const state = (await h.api.get(path).expect(200)).body;
    return state.cutovers.find((c: any) => c.attempt === 2 && c.status === 'needs-operator');
  }, 90_000);
  expect(waiting.cutoverId).toBe(`onboarding-${other}:cutover:2`);
  const row = await eventually(async () => {
    const res = await h.api.get('/onboardings').query({ tier: 'high-touch', limit: 500 }).expect(200);
    const r = res.body.items.find((x: any) => x.id === `onboarding-${other}`);
    return r?.cutovers?.[1]?.status === 'needs-operator' ? r : undefined;
  });
  expect(row.cutovers[1].mode).toBe('cutover');
  const detail = (await h.api.get(`${path}/cutovers/2`).expect(200)).body;
  expect(detail.operatorNeeded).toMatchObject({ step: 'open-pilot-cohort' });

  const decide = () =>
    h.api
      .post(`${path}/cutovers/2/decision`)
      .set('Idempotency-Key', `decision-${other}`)
      .send({ decision: 'done-by-hand', actor: 'ops:kim', note: 'closed the pilot in the console' });
  const decision = await decide().expect(200);
  const attempt = await ended(2, path);
  // A retry whose first answer was lost to a 503 (its record released): the decision Temporal
  // applied is the answer, not "no decision pending", although the cutover has moved on.
  await h.dataSource.query(`DELETE FROM idempotency_records WHERE key = $1`, [`decision-${other}`]);
  expect((await decide().expect(200)).body).toEqual(decision.body);
  expect(attempt).toMatchObject({ status: 'rolled-back', failure: { step: 'open-pilot-cohort' } });
  const final = (await h.api.get(`${path}/cutovers/2`).expect(200)).body;
  expect(final.steps.find((s: any) => s.key === 'open-pilot-cohort').status).toBe('compensated-by-operator');
  expect(final.operatorDecisions).toEqual([
    expect.objectContaining({
      step: 'open-pilot-cohort',
      decision: 'done-by-hand',
      actor: h.ownerLabel,
      actorNote: 'ops:kim',
      principal: expect.objectContaining({ kind: 'api-key', role: 'operator' }),
    }),
  ]);
  expect(h.sandbox.state()).toMatchObject({ sso: 'legacy', legacy: { frozen: false }, target: { count: 0 } });
  // Who decided is in the onboarding's audit log.
  const decided = await eventually(async () => {
    const entries = (await h.api.get(`${path}/audit`).expect(200)).body.entries;
    return entries.find((e: any) => e.action === 'cutover-operator-decision');
  });
  expect(decided).toMatchObject({
    actor: h.ownerLabel,
    details: { decision: 'done-by-hand', note: 'closed the pilot in the console', actorNote: 'ops:kim' },
  });
});
