/**
 * A playbook's own cutover plan, end to end through the API on the dev server and the sandbox
 * platform: a rollout stage signed off by its named owner, then hypercare (a watch of seconds
 * here, four weeks in the default plan) with a breach that escalates along the ladder by e-mail
 * and clears, and BAU acceptance by the named owner once the watch is over.
 */
import { fastCutoverPlaybook } from '../fixtures/fast-cutover-playbook';
import { closedWonBody } from '../fixtures/onboarding-input';
import { type ApiHarness, approveGoLive, eventually, startApiHarness } from '../support/api-harness';

jest.setTimeout(120_000);

const PUBLISHER = 'cs-ops:hypercare-test';
/** People's keys: the CS lead who signs the rollout off, CS Ops who accepts BAU. */
let lead: string;
let ops: string;
const label = (key: string, name: string) => `${name} [${key.slice(0, 11)}]`;

let h: ApiHarness;
const id = `hypercare-${Math.random().toString(36).slice(2, 8)}`;
const onboarding = `/onboardings/onboarding-${id}`;
const state = async () => (await h.api.get(onboarding).expect(200)).body;

beforeAll(async () => {
  h = await startApiHarness();
  lead = await h.createKey(['cs-lead'], { name: 'lead:kim' });
  ops = await h.createKey(['cs-ops'], { name: 'ops:lou' });
  h.sandbox.seed(
    Array.from({ length: 40 }, (_, i) => ({
      id: `acct-${String(i).padStart(4, '0')}`,
      kind: 'account' as const,
      data: { n: i },
    })),
  );
  await h.api
    .post('/playbooks/high-touch/versions')
    .send({ publishedBy: PUBLISHER, definition: fastCutoverPlaybook(10) })
    .expect(201);
  await h.api.post('/onboardings').send(closedWonBody(id, 'enterprise')).expect(201);
  await eventually(async () => ((await state()).csm ? true : undefined));
});

afterAll(async () => {
  // New onboardings start on the latest version: leave the shared database as the other test files expect it.
  // The authenticated principal (the owner key) published it.
  if (h?.dataSource) await h.dataSource.query(`DELETE FROM playbooks WHERE published_by = $1`, [h.ownerLabel]);
  await h?.close();
});

const ended = (n: number) =>
  eventually(async () => {
    const attempt = (await state()).cutovers?.find((c: any) => c.attempt === n);
    return attempt && ['succeeded', 'rolled-back'].includes(attempt.status) ? attempt : undefined;
  }, 60_000);

it("waits for the named owner to sign off the rollout stage of the playbook's plan, refusing anyone else", async () => {
  await approveGoLive(h.api, onboarding);
  await h.api.post(`${onboarding}/cutovers`).send({ mode: 'rehearsal', actor: 'impl:lee' }).expect(200);
  expect(await ended(1)).toMatchObject({ status: 'succeeded' });
  await h.api.post(`${onboarding}/cutovers`).send({ mode: 'cutover', actor: 'impl:lee' }).expect(200);

  const waiting = await eventually(async () => {
    const res = await h.api.get(`${onboarding}/cutovers/2`);
    return res.status === 200 && res.body.status === 'awaiting-sign-off' ? res.body : undefined;
  }, 60_000);
  expect(waiting.awaitingSignOff).toEqual({ step: 'open-to-everyone', role: 'cs-lead' });
  expect(h.sandbox.state().cohorts).toEqual({ pilot: true, everyone: true });

  const signOff = { step: 'open-to-everyone', actor: 'lead:kim', role: 'cs-lead', approve: true };
  const wrongRole = await h.api
    .post(`${onboarding}/cutovers/2/sign-off`)
    .send({ ...signOff, actor: 'csm:ana', role: 'csm' })
    .expect(403);
  expect(wrongRole.body).toMatchObject({
    code: 'SignOffNotAllowed',
    detail: expect.stringContaining('cs-lead'),
  });
  const wrongStep = await h.api
    .post(`${onboarding}/cutovers/2/sign-off`)
    .send({ ...signOff, step: 'open-pilot-cohort' })
    .expect(409);
  expect(wrongStep.body.code).toBe('NoSignOffPending');
  await h.api
    .post(`${onboarding}/cutovers/2/sign-off`)
    .send({ ...signOff, approve: 'yes' })
    .expect(400);

  // The platform degrades as soon as everyone is on it: hypercare must see it.
  h.sandbox.faults.set({ metrics: { errorRate: 0.2 } });
  const signed = await h.as(lead).post(`${onboarding}/cutovers/2/sign-off`).send(signOff).expect(200);
  expect(signed.body.signOffs).toEqual([
    {
      ...signOff,
      actor: label(lead, 'lead:kim'),
      actorNote: 'lead:kim',
      principal: { kind: 'api-key', id: lead.slice(0, 11), name: 'lead:kim', role: 'cs-lead' },
    },
  ]);
  expect(await ended(2)).toMatchObject({ status: 'succeeded' });
  const done = await h.api.post(`${onboarding}/cutovers/2/sign-off`).send(signOff).expect(409);
  expect(done.body.detail).toContain('no sign-off pending');
});

it('watches the platform after the cutover: a breach escalates along the ladder by e-mail until a healthy reading clears it', async () => {
  const watching = await eventually(async () => {
    const s = await state();
    return s.hypercare?.breaches?.length ? s : undefined;
  });
  expect(watching.hypercare).toMatchObject({
    cutoverId: `onboarding-${id}:cutover:2`,
    status: 'watching',
    acceptanceGate: 'bau-acceptance',
  });
  expect(watching.hypercare.breaches[0]).toMatchObject({ metric: 'error-rate', detail: 'error rate 20.0% above 2.0%' });
  expect(watching.waitingOn).toMatchObject({ kind: 'hypercare', items: ['error-rate'] });
  expect(watching.atRisk).toBe(true);

  // L1 to the CSM at once, L2 to the CS lead a second later: real mails through SMTP.
  const escalation = (to: string) => (m: (typeof h.inbox.messages)[number]) =>
    m.envelope.to.includes(to) && /\[Escalation L\d\] hypercare error-rate/.test(m.mail.subject ?? '');
  await eventually(
    async () => (h.inbox.messages.some(escalation('cs-lead@onboarding.example')) ? true : undefined),
    30_000,
  );
  const csmMail = h.inbox.messages.find(escalation(watching.csm.email))!;
  expect(csmMail.mail.subject).toMatch(/^\[Escalation L1\]/);
  expect(csmMail.mail.text).toContain('hypercare: error rate 20.0% above 2.0%');

  // BAU cannot be accepted while the watch goes on.
  await h.api.post(`${onboarding}/milestones/bau-accepted`).send({ actor: 'csm:ana' }).expect(200);
  const bau = {
    actor: 'ops:lou',
    role: 'cs-ops',
    criteria: ['Error rate below threshold for the last two weeks', 'Runbooks handed over'].map((criterion) => ({
      criterion,
      met: true,
    })),
  };
  const early = await h.api.post(`${onboarding}/gates/bau-acceptance/approve`).send(bau).expect(409);
  expect(early.body.code).toBe('HypercareNotOver');

  h.sandbox.faults.set({ metrics: null }); // the fix
  const cleared = await eventually(async () => {
    const s = await state();
    return s.hypercare.breaches.every((b: any) => b.clearedAt) ? s : undefined;
  }, 30_000);
  expect(cleared.escalations.filter((e: any) => e.subject.kind === 'hypercare').every((e: any) => e.closedAt)).toBe(
    true,
  );
  expect(cleared.atRiskReasons.filter((r: string) => r.startsWith('hypercare'))).toEqual([]);
});

it('ends the watch, tells the acceptors, and lets the named owner accept BAU: the onboarding is complete', async () => {
  const ended = await eventually(async () => {
    const s = await state();
    return s.hypercare.status === 'watch-ended' ? s : undefined;
  }, 30_000);
  expect(ended.hypercare.readings).toBeGreaterThan(2);
  const told = await eventually(async () =>
    h.inbox.messages.find((m) => /Hypercare of .* has ended/.test(m.mail.subject ?? '')),
  );
  expect(told.envelope.to).toEqual(expect.arrayContaining([ended.csm.email, 'cs-ops@onboarding.example']));

  const criteria = ['Error rate below threshold for the last two weeks', 'Runbooks handed over'].map((criterion) => ({
    criterion,
    met: true,
  }));
  await h.api
    .post(`${onboarding}/gates/bau-acceptance/approve`)
    .send({ actor: 'csm:ana', role: 'csm', criteria })
    .expect(403);
  const accepted = await h
    .as(ops)
    .post(`${onboarding}/gates/bau-acceptance/approve`)
    .send({ actor: 'ops:lou', role: 'cs-ops', criteria })
    .expect(200);
  expect(accepted.body).toMatchObject({
    status: 'completed',
    hypercare: { status: 'accepted', acceptedBy: label(ops, 'ops:lou') },
  });

  // The facts for the dashboards and the compliance trail.
  const row = await eventually(async () => {
    const res = await h.api.get('/onboardings').query({ tier: 'high-touch', limit: 500 }).expect(200);
    const r = res.body.items.find((x: any) => x.id === `onboarding-${id}`);
    return r?.status === 'completed' ? r : undefined;
  });
  expect(row.hypercare).toMatchObject({
    status: 'accepted',
    breaches: [expect.objectContaining({ metric: 'error-rate', clearedAt: expect.any(String) })],
  });
  const actions = await eventually(async () => {
    const entries = (await h.api.get(`${onboarding}/audit`).expect(200)).body.entries;
    return entries.some((e: any) => e.action === 'onboarding-completed') ? entries : undefined;
  });
  const by = (action: string) => actions.filter((e: any) => e.action === action).map((e: any) => e.actor);
  expect(by('cutover-stage-signed-off')).toEqual([label(lead, 'lead:kim')]);
  expect(by('hypercare-started')).toEqual(['system']);
  expect(by('hypercare-breach')).toEqual(['system']);
  expect(by('hypercare-breach-cleared')).toEqual(['system']);
  expect(by('bau-accepted')).toEqual([label(ops, 'ops:lou')]);
  // The audit log names the key and the role it signed in.
  expect(actions.find((e: any) => e.action === 'cutover-stage-signed-off')).toMatchObject({
    principalId: lead.slice(0, 11),
    actingRole: 'cs-lead',
  });
});
