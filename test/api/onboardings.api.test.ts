/**
 * The vertical slice through the real API, worker, Temporal dev server and PostgreSQL.
 */
import { ACCOUNT_ID, STAGE, STATUS, TIER } from '../../src/contracts/search-attributes';
import { closedWonBody } from '../fixtures/onboarding-input';
import { eventually, useApiHarness, workflowExists } from '../support/api-harness';

const h = useApiHarness();
const run = Math.random().toString(36).slice(2, 8);
const account = (name: string) => `${name}-${run}`;

describe('POST /onboardings (closed-won)', () => {
  it('starts one onboarding workflow per account, findable by its search attributes', async () => {
    const id = account('acme');
    const res = await h.api.post('/onboardings').send(closedWonBody(id)).expect(201);
    expect(res.body).toEqual({
      onboardingId: `onboarding-${id}`,
      accountId: id,
      segment: 'enterprise',
      tier: 'high-touch',
      playbookVersion: 1,
      created: true,
    });
    expect(res.headers.location).toBe(`/onboardings/onboarding-${id}`);

    const description = await h.client.workflow.getHandle(`onboarding-${id}`).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.typedSearchAttributes.get(ACCOUNT_ID)).toBe(id);
    expect(description.typedSearchAttributes.get(TIER)).toBe('high-touch');

    const found = await eventually(async () => {
      const ids: string[] = [];
      for await (const wf of h.client.workflow.list({
        query: `OnboardingAccountId = "${id}" AND OnboardingTier = "high-touch"`,
      })) {
        ids.push(wf.workflowId);
      }
      return ids.length ? ids : undefined;
    });
    expect(found).toEqual([`onboarding-${id}`]);
  });

  it('answers a repeated call with the same onboarding, and a different payload with 409', async () => {
    const id = account('repeat');
    await h.api.post('/onboardings').send(closedWonBody(id, 'smb')).expect(201);
    const again = await h.api.post('/onboardings').send(closedWonBody(id, 'smb')).expect(200);
    expect(again.body).toMatchObject({ onboardingId: `onboarding-${id}`, tier: 'self-service', created: false });

    const conflict = await h.api.post('/onboardings').send(closedWonBody(id, 'enterprise')).expect(409);
    expect(conflict.body.detail).toContain('different closed-won payload');

    let runs = 0;
    for await (const _ of h.client.workflow.list({ query: `WorkflowId = "onboarding-${id}"` })) runs++;
    expect(runs).toBe(1);
  });

  it('segments a deal without a segment by its ARR: 300k with low complexity starts a high-touch enterprise onboarding', async () => {
    const id = account('by-arr');
    const { segment: _, ...body } = closedWonBody(id);
    const res = await h.api
      .post('/onboardings')
      .send({ ...body, arr: 300_000, complexity: 'low' })
      .expect(201);
    expect(res.body).toEqual({
      onboardingId: `onboarding-${id}`,
      accountId: id,
      segment: 'enterprise',
      tier: 'high-touch',
      playbookVersion: 1,
      created: true,
    });

    const description = await h.client.workflow.getHandle(`onboarding-${id}`).describe();
    expect(description.typedSearchAttributes.get(TIER)).toBe('high-touch');
    expect(description.memo).toMatchObject({
      segment: 'enterprise',
      tier: 'high-touch',
      playbookVersion: 1,
      segmentationVersion: 1,
    });
    const state = await h.api.get(`/onboardings/onboarding-${id}`).expect(200);
    expect(state.body).toMatchObject({ segment: 'enterprise', tier: 'high-touch', stage: { key: 'kickoff' } });

    // The fingerprint is over the body as sent: the same body again is the same onboarding.
    const again = await h.api
      .post('/onboardings')
      .send({ ...body, arr: 300_000, complexity: 'low' })
      .expect(200);
    expect(again.body).toMatchObject({ segment: 'enterprise', tier: 'high-touch', created: false });
    await h.api
      .post('/onboardings')
      .send({ ...body, arr: 310_000, complexity: 'low' })
      .expect(409);
  });

  it('segments a deal by its complexity: 10k ARR with medium complexity starts a tech-touch mid-market onboarding', async () => {
    const id = account('by-complexity');
    const { segment: _, ...body } = closedWonBody(id);
    const res = await h.api
      .post('/onboardings')
      .send({ ...body, arr: 10_000, complexity: 'medium' })
      .expect(201);
    expect(res.body).toMatchObject({ segment: 'mid-market', tier: 'tech-touch', created: true });
    const description = await h.client.workflow.getHandle(`onboarding-${id}`).describe();
    expect(description.typedSearchAttributes.get(TIER)).toBe('tech-touch');
    expect(description.memo).toMatchObject({ segment: 'mid-market', segmentationVersion: 1 });
  });

  it.each([
    ['arr and complexity', { arr: 900_000, complexity: 'high' }, 'arr and complexity'],
    ['arr', { arr: 900_000 }, 'arr'],
    ['complexity', { complexity: 'high' }, 'complexity'],
  ])(
    'refuses a segment given with %s (neither may silently win) with a 400 naming them, and creates nothing',
    async (_case, extra, named) => {
      const id = account(`given-segment-${Math.random().toString(36).slice(2, 6)}`);
      const res = await h.api
        .post('/onboardings')
        .send({ ...closedWonBody(id, 'smb'), ...extra })
        .expect(400);
      expect(res.body.errors).toEqual([
        { path: 'segment', message: `give segment, or arr and complexity, not both: segment and ${named} were given` },
      ]);
      expect(await workflowExists(h.client, `onboarding-${id}`)).toBe(false);
    },
  );

  it.each([
    ['neither segment nor arr and complexity', {}],
    ['arr without complexity', { arr: 300_000 }],
    ['complexity without arr', { complexity: 'high' }],
  ])('refuses a deal with %s with a 400 naming them, and creates nothing', async (_case, extra) => {
    const id = account(`unsegmented-${Math.random().toString(36).slice(2, 6)}`);
    const { segment: _, ...body } = closedWonBody(id);
    const res = await h.api
      .post('/onboardings')
      .send({ ...body, ...extra })
      .expect(400);
    expect(res.body.errors).toEqual([{ path: 'segment', message: 'give segment, or arr and complexity' }]);
    expect(await workflowExists(h.client, `onboarding-${id}`)).toBe(false);
  });

  it.each([
    ['a negative arr', { arr: -1, complexity: 'low' }, 'arr must not be less than 0'],
    ['an arr that is not a number', { arr: '300000', complexity: 'low' }, 'arr must be a number'],
    ['an unknown complexity', { arr: 1000, complexity: 'extreme' }, 'complexity must be one of: low, medium, high'],
  ])('refuses a deal with %s with a 400 naming the field', async (_case, extra, message) => {
    const id = account(`bad-measure-${Math.random().toString(36).slice(2, 6)}`);
    const { segment: _, ...body } = closedWonBody(id);
    const res = await h.api
      .post('/onboardings')
      .send({ ...body, ...extra })
      .expect(400);
    expect(res.body.detail).toContain(message);
    expect(await workflowExists(h.client, `onboarding-${id}`)).toBe(false);
  });

  it.each([
    ['no account id', (b: any) => delete b.account.id, 'account.id'],
    ['an unknown segment', (b: any) => (b.segment = 'giant'), 'segment must be one of: enterprise, mid-market, smb'],
    ['a target go-live of the wrong type', (b: any) => (b.handoff.targetGoLive = 20270301), 'handoff.targetGoLive'],
    [
      'a stakeholder without a name',
      (b: any) => (b.handoff.stakeholders = [{ role: 'CFO' }]),
      'handoff.stakeholders[0].name',
    ],
    ['no handoff at all', (b: any) => delete b.handoff, 'handoff'],
    ['an unexpected field', (b: any) => (b.discount = 20), 'property discount should not exist'],
  ])('refuses a payload with %s with a 400 naming the field, and creates nothing', async (_case, mutate, field) => {
    const id = account(`bad-${Math.random().toString(36).slice(2, 6)}`);
    const body: any = closedWonBody(id);
    mutate(body);
    const res = await h.api.post('/onboardings').send(body).expect(400);
    expect(res.body.detail).toContain(field);
    expect(await workflowExists(h.client, `onboarding-${id}`)).toBe(false);
  });
});

describe('milestones and live state', () => {
  const id = account('milestones');
  const onboardingId = `onboarding-${id}`;

  beforeAll(async () => {
    await h.api.post('/onboardings').send(closedWonBody(id, 'mid-market')).expect(201);
  });

  it('records a milestone through an update and answers with the new state', async () => {
    const res = await h.api
      .post(`/onboardings/${onboardingId}/milestones/first-login`)
      .send({ actor: 'csm:ana', source: 'crm', evidence: 'https://crm.example.com/notes/1' })
      .expect(200);
    expect(res.body.stage.key).toBe('technical-setup');
    expect(res.body.milestones.find((m: any) => m.key === 'first-login')).toMatchObject({
      // The authenticated principal, not the body's `actor`.
      recordedBy: h.ownerLabel,
      source: 'crm',
      withinTarget: true,
    });
    const description = await h.client.workflow.getHandle(onboardingId).describe();
    expect(description.typedSearchAttributes.get(STAGE)).toBe('technical-setup');
    expect(description.typedSearchAttributes.get(STATUS)).toBe('in-progress');
  });

  it('refuses an unknown milestone (404), a repeated one (409), an unknown onboarding (404) and an actor note that is not text (400)', async () => {
    const unknown = await h.api
      .post(`/onboardings/${onboardingId}/milestones/go-live`)
      .send({ actor: 'csm:ana' })
      .expect(404);
    expect(unknown.body).toMatchObject({ code: 'UnknownMilestone', detail: expect.stringContaining("'go-live'") });

    const repeated = await h.api
      .post(`/onboardings/${onboardingId}/milestones/first-login`)
      .send({ actor: 'csm:bo' })
      .expect(409);
    expect(repeated.body.code).toBe('MilestoneAlreadyRecorded');

    const missing = await h.api
      .post('/onboardings/onboarding-nobody/milestones/first-login')
      .send({ actor: 'a' })
      .expect(404);
    expect(missing.body.detail).toBe('onboarding onboarding-nobody not found');

    const badActor = await h.api
      .post(`/onboardings/${onboardingId}/milestones/initial-setup-complete`)
      .send({ actor: 42 })
      .expect(400);
    expect(badActor.body.detail).toContain('actor');
  });

  it('applies a retried call with the same Idempotency-Key once', async () => {
    const send = () =>
      h.api
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
    const res = await h.api.get(`/onboardings/${onboardingId}`).expect(200);
    expect(res.body).toMatchObject({
      onboardingId,
      tier: 'tech-touch',
      status: 'in-progress',
      stage: { key: 'training' },
    });
    expect(res.body.milestones.filter((m: any) => m.achievedAt).map((m: any) => m.key)).toEqual([
      'first-login',
      'initial-setup-complete',
    ]);
    await h.api.get('/onboardings/onboarding-nobody').expect(404);
  });

  it('lists onboardings from the read model, filtered, once the projection caught up', async () => {
    const live = await h.api.get(`/onboardings/${onboardingId}`).expect(200);
    const row = await eventually(async () => {
      const res = await h.api.get('/onboardings').query({ tier: 'tech-touch', limit: 500 }).expect(200);
      return res.body.items.find((r: any) => r.id === onboardingId && r.revision >= live.body.revision);
    });
    expect(row).toMatchObject({
      accountId: id,
      stage: 'training',
      status: 'in-progress',
      playbookVersion: 1,
      csmId: expect.stringMatching(/^csm-test-/),
      waitingOn: live.body.waitingOn.kind,
    });
    expect(row.milestones.find((m: any) => m.key === 'first-login').recordedBy).toBe(h.ownerLabel);

    const highTouch = await h.api.get('/onboardings').query({ tier: 'high-touch' }).expect(200);
    expect(highTouch.body.items.every((r: any) => r.tier === 'high-touch')).toBe(true);

    const bad = await h.api.get('/onboardings').query({ tier: 'gold', limit: 0 }).expect(400);
    expect(bad.body.detail).toMatch(/tier[\s\S]*limit/);

    // A CSM's portfolio, and the filters an at-risk view needs.
    const portfolio = await h.api.get('/onboardings').query({ csm: row.csmId, limit: 500 }).expect(200);
    expect(portfolio.body.items.map((r: any) => r.id)).toContain(onboardingId);
    expect(portfolio.body.items.every((r: any) => r.csmId === row.csmId)).toBe(true);
    const waiting = await h.api
      .get('/onboardings')
      .query({ waitingOn: row.waitingOn, atRisk: 'false', limit: 500 })
      .expect(200);
    expect(waiting.body.items.map((r: any) => r.id)).toContain(onboardingId);
    expect(waiting.body.items.every((r: any) => r.waitingOn === row.waitingOn && r.atRisk === false)).toBe(true);
    const atRisk = await h.api.get('/onboardings').query({ atRisk: 'true', limit: 500 }).expect(200);
    expect(atRisk.body.items.map((r: any) => r.id)).not.toContain(onboardingId);
    const wrong = await h.api.get('/onboardings').query({ waitingOn: 'coffee', atRisk: 'maybe' }).expect(400);
    expect(wrong.body.detail).toMatch(/waitingOn[\s\S]*atRisk/);
  });
});

describe('the journey through the API', () => {
  const id = account('journey');
  const onboardingId = `onboarding-${id}`;
  const path = (suffix: string) => `/onboardings/${onboardingId}${suffix}`;

  it('holds an incomplete handoff, tells Sales by e-mail, and starts with a CSM and a welcome once completed', async () => {
    const body = closedWonBody(id, 'enterprise');
    delete (body.handoff as any).targetGoLive;
    delete (body.handoff as any).migrationScope;
    await h.api.post('/onboardings').send(body).expect(201);

    const waiting = await h.api.get(path('')).expect(200);
    expect(waiting.body).toMatchObject({
      status: 'handoff-incomplete',
      waitingOn: { kind: 'handoff', items: ['targetGoLive', 'migrationScope'] },
    });
    const toSales = await eventually(async () =>
      h.inbox.messages.find((m) => m.mail.subject === `Handoff for Account ${id} is incomplete`),
    );
    expect(toSales.envelope.to).toEqual(['sam.carter@vendor.example']);
    expect(toSales.mail.text).toContain('Missing: targetGoLive, migrationScope');

    const locked = await h.api.post(path('/tasks/kickoff-call/complete')).send({ actor: 'csm:ana' }).expect(409);
    expect(locked.body).toMatchObject({
      code: 'HandoffIncomplete',
      detail: expect.stringContaining('missing: targetGoLive, migrationScope'),
    });
    // No "congratulations" before the welcome: a milestone waits for the handoff too.
    const early = await h.api.post(path('/milestones/success-criteria-agreed')).send({ actor: 'csm:ana' }).expect(409);
    expect(early.body).toMatchObject({
      code: 'HandoffIncomplete',
      detail: expect.stringContaining('missing: targetGoLive, migrationScope'),
    });

    await h.api
      .post(path('/handoff'))
      .send({ actor: 'sales:sam', handoff: { targetGoLive: '2027-04-01', migrationScope: 'Cards and accounts' } })
      .expect(200);
    const started = await eventually(async () => {
      const res = await h.api.get(path('')).expect(200);
      return res.body.csm ? res.body : undefined;
    });
    expect(started).toMatchObject({
      status: 'in-progress',
      csm: { id: 'csm-test-ana' },
      waitingOn: { kind: 'internal-task', items: ['kickoff-call'] },
    });

    const welcome = await eventually(async () =>
      h.inbox.messages.find((m) => m.mail.subject === `Welcome to your onboarding, Account ${id}`),
    );
    expect(welcome.envelope.to).toEqual(
      expect.arrayContaining(['dana.whitfield@customer.example', 'ana.lopez@onboarding.example']),
    );
    expect(welcome.mail.text).toContain('Dear Dana Whitfield, Ana Lopez is your dedicated Customer Success Manager');
  });

  it('refuses a task before its prerequisite, a gate by the wrong role, and a blocker without a fallback', async () => {
    const early = await h.api
      .post(path('/tasks/confirm-success-criteria/complete'))
      .send({ actor: 'customer:dana' })
      .expect(409);
    expect(early.body.detail).toContain('prerequisites are done: kickoff-call');
    const done = await h.api
      .post(path('/tasks/kickoff-call/complete'))
      .send({ actor: 'csm:ana', evidence: 'notes' })
      .expect(200);
    expect(done.body.tasks.find((t: any) => t.key === 'confirm-success-criteria').status).toBe('open');

    const criteria = [{ criterion: 'UAT scenarios passed', met: true }];
    const wrongRole = await h.api
      .post(path('/gates/go-live-readiness/approve'))
      .send({ actor: 'ana', role: 'csm', criteria })
      .expect(403);
    expect(wrongRole.body.code).toBe('GateApproverNotAllowed');
    await h.api
      .post(path('/gates/go-live-readiness/approve'))
      .send({ actor: 'ana', role: 'wizard', criteria })
      .expect(400);

    const risk = {
      actor: 'csm:ana',
      category: 'cutover',
      description: 'Ledger mismatch',
      blocker: true,
      owner: 'impl:lee',
      decisionDueDate: '2027-02-01',
    };
    const noFallback = await h.api.post(path('/risks')).send(risk).expect(400);
    expect(noFallback.body).toMatchObject({
      code: 'InvalidRisk',
      detail: expect.stringContaining('missing: fallback'),
    });
    const recorded = await h.api
      .post(path('/risks'))
      .send({ ...risk, fallback: 'Delay one week' })
      .expect(200);
    expect(recorded.body).toMatchObject({ atRisk: true, risks: [{ id: 'risk-1', status: 'open', owner: 'impl:lee' }] });
    await h.api.post(path('/risks/risk-1/resolve')).send({ actor: 'impl:lee', resolution: 'Reconciled' }).expect(200);
    await h.api.post(path('/escalations/task:nope:L1/acknowledge')).send({ actor: 'csm:ana' }).expect(404);
  });

  it('keeps an audit log of who decided what, with evidence, and filterable search attributes', async () => {
    const audit = await eventually(async () => {
      const res = await h.api.get(path('/audit')).expect(200);
      return res.body.entries.some((e: any) => e.action === 'risk-resolved') ? res.body.entries : undefined;
    });
    expect(audit.map((e: any) => e.seq)).toEqual(audit.map((_: any, i: number) => i + 1));
    // The principal that called, the role it acted in, and the body's `actor` only as a note.
    expect(audit.find((e: any) => e.action === 'task-completed')).toMatchObject({
      actor: h.ownerLabel,
      principalKind: 'api-key',
      principalId: h.ownerKey.slice(0, 11),
      // The owner holds csm and cs-lead: on an onboarding that is not its own CSM's, it acts as the lead.
      actingRole: 'cs-lead',
      actorNote: 'csm:ana',
      evidence: 'notes',
    });
    expect(audit.map((e: any) => e.action)).toEqual(
      expect.arrayContaining([
        'onboarding-started',
        'handoff-completed',
        'csm-assigned',
        'risk-recorded',
        'risk-resolved',
      ]),
    );

    const found = await eventually(async () => {
      const ids: string[] = [];
      const query = `OnboardingCsm = "csm-test-ana" AND OnboardingWaitingOn = "customer-task" AND OnboardingAtRisk = false`;
      for await (const wf of h.client.workflow.list({ query })) ids.push(wf.workflowId);
      return ids.includes(onboardingId) ? ids : undefined;
    });
    expect(found).toContain(onboardingId);
  });
});

describe('welcome e-mails per tier', () => {
  it.each([
    [
      'enterprise',
      'Welcome to your onboarding, Account {id}',
      'Dear Dana Whitfield, Ana Lopez is your dedicated Customer Success Manager',
    ],
    ['mid-market', 'Welcome aboard, Account {id}: your first steps', 'Hi Dana Whitfield, here is your guided setup.'],
    [
      'smb',
      'Get started with your account, Account {id}',
      'Hi Dana Whitfield, everything you need is in the setup wizard',
    ],
  ] as const)('sends the %s welcome, personalised, through the SMTP server', async (segment, subject, opening) => {
    const id = account(`welcome-${segment}`);
    await h.api.post('/onboardings').send(closedWonBody(id, segment)).expect(201);
    const mail = await eventually(async () =>
      h.inbox.messages.find((m) => m.mail.subject === subject.replace('{id}', id)),
    );
    expect(mail.mail.text).toContain(opening);
    expect(mail.envelope.to).toContain('dana.whitfield@customer.example');
    expect(mail.mail.headers.get('x-onboarding-event')).toBe('welcome');
  });
});

describe('operations', () => {
  it('reports Temporal and the database as up on /health', async () => {
    const res = await h.api.get('/health').expect(200);
    expect(res.body.details).toMatchObject({ database: { status: 'up' }, temporal: { status: 'up' } });
  });

  it('serves the OpenAPI document', async () => {
    const res = await h.api.get('/docs/openapi.json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/onboardings',
        '/onboardings/{id}',
        '/onboardings/{id}/milestones/{milestone}',
        '/health',
      ]),
    );
  });
});
