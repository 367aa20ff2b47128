/**
 * What a hostile or broken client sends, through the real API: each bad value is a 4xx problem
 * naming the field, parameter or limit (never a 500), and nothing is created or changed.
 */
import type request from 'supertest';
import { closedWonBody } from '../fixtures/onboarding-input';
import { eventually, useApiHarness, workflowExists } from '../support/api-harness';

const h = useApiHarness();
const run = Math.random().toString(36).slice(2, 8);
const existing = `onboarding-hostile-${run}`;
const NUL = '\u0000';

beforeAll(async () => {
  await h.api
    .post('/onboardings')
    .send(closedWonBody(`hostile-${run}`))
    .expect(201);
  // Settled: the CSM assignment changes the revision on its own, which the tests below compare.
  await eventually(async () => ((await h.api.get(`/onboardings/${existing}`)).body.csm ? true : undefined));
});

/** A problem with this status and code; with a path, one of its errors is about that path and its message says it. */
function expectProblem(res: request.Response, status: number, code: string, path?: string) {
  expect({ status: res.status, body: res.body }).toMatchObject({
    status,
    body: { status, code, detail: expect.any(String) },
  });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  if (path)
    expect(res.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path, message: expect.stringContaining(path) })]),
    );
}

/** The same for a playbook's problems, whose messages do not repeat the path. */
function expectPlaybookProblem(res: request.Response, path: string) {
  expect({ status: res.status, body: res.body }).toMatchObject({
    status: 400,
    body: { status: 400, code: 'InvalidPlaybook' },
  });
  expect(res.body.errors).toContainEqual({
    path,
    message: expect.stringContaining('must not contain control characters'),
  });
}

/** A closed-won body of its own (the fixture shares its sales owner object between calls). */
const freshBody = (accountId: string): any => structuredClone(closedWonBody(accountId));

/** A risk the API would take, but for what `bad` changes. */
const riskWith = (bad: Record<string, string>) => ({
  actor: 'csm:ana',
  category: 'cutover',
  description: 'x',
  blocker: false,
  owner: 'a',
  decisionDueDate: '2027-01-01',
  fallback: 'b',
  ...bad,
});

/** The onboarding's revision: an accepted command increments it, so an unchanged one proves nothing was applied. */
async function revision(): Promise<number> {
  return (await h.api.get(`/onboardings/${existing}`).expect(200)).body.revision;
}

describe('free text', () => {
  it.each([
    ['account.name', (b: any) => (b.account.name = `North${NUL}wind`)],
    ['salesOwner.name', (b: any) => (b.salesOwner.name = `Sam\u0085Carter`)], // C1 control (NEL)
    ['handoff.goals', (b: any) => (b.handoff.goals = ['fine', `bad${NUL}`])],
    ['handoff.salesPromises', (b: any) => (b.handoff.salesPromises = ['\ud800 lone surrogate'])],
    ['handoff.stakeholders[0].role', (b: any) => (b.handoff.stakeholders[0].role = `CFO\u001b[31m`)],
    ['handoff.stakeholders[1].name', (b: any) => (b.handoff.stakeholders[1].name = `Ravi\u007f`)], // DEL
    ['handoff.complianceScope.frameworks', (b: any) => (b.handoff.complianceScope.frameworks = [`PCI${NUL}`])],
    ['handoff.migrationScope', (b: any) => (b.handoff.migrationScope = `cards\r\nBcc: everyone@example.com`)],
    ['account.name', (b: any) => (b.account.name = 'n'.repeat(201))],
  ])('refuses a closed-won deal with a bad %s, and starts nothing', async (path, spoil) => {
    const id = `hostile-start-${Math.random().toString(36).slice(2, 8)}`;
    const body = freshBody(id);
    spoil(body);
    const res = await h.api.post('/onboardings').send(body);
    expectProblem(res, 400, 'ValidationFailed', path);
    expect(await workflowExists(h.client, `onboarding-${id}`)).toBe(false);
  });

  it('names the item of a list and the character it refuses', async () => {
    const body = freshBody(`hostile-item-${run}`);
    body.handoff.goals = ['fine', `bad${NUL}`];
    const res = await h.api.post('/onboardings').send(body).expect(400);
    expect(res.body.errors).toContainEqual({
      path: 'handoff.goals',
      message:
        'handoff.goals[1] must not contain control characters other than tab and newline, nor unpaired surrogates (found U+0000 at position 3)',
    });
  });

  it('keeps tabs, newlines and any real character (accents, CJK, emoji)', async () => {
    const body = freshBody(`hostile-fine-${run}`);
    body.account.name = 'Caixa Econômica\t銀行 🏦';
    body.handoff.migrationScope = 'Accounts\nCards';
    const res = await h.api.post('/onboardings').send(body);
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
  });

  it.each([
    ['milestone actor', '/milestones/first-login', { actor: `csm${NUL}ana` }, 'actor'],
    ['milestone source', '/milestones/first-login', { actor: 'csm:ana', source: `crm${NUL}` }, 'source'],
    ['milestone evidence', '/milestones/first-login', { actor: 'csm:ana', evidence: `note\u0000` }, 'evidence'],
    ['task evidence', '/tasks/kickoff-call/complete', { actor: 'csm:ana', evidence: '\udfff' }, 'evidence'],
    [
      'gate criterion',
      '/gates/go-live-readiness/approve',
      { actor: 'lead:kim', role: 'cs-lead', criteria: [{ criterion: `UAT${NUL}`, met: true }] },
      'criteria[0].criterion',
    ],
    ['risk description', '/risks', riskWith({ description: `x${NUL}` }), 'description'],
    ['risk owner', '/risks', riskWith({ owner: `a\u0090` }), 'owner'],
    ['risk fallback', '/risks', riskWith({ fallback: `b${NUL}` }), 'fallback'],
    ['risk resolution', '/risks/risk-1/resolve', { actor: 'csm:ana', resolution: `done${NUL}` }, 'resolution'],
    [
      'handoff string',
      '/handoff',
      { actor: 'csm:ana', handoff: { technicalRequirements: [`SSO${NUL}`] } },
      'handoff.technicalRequirements',
    ],
    [
      'handoff stakeholder',
      '/handoff',
      { actor: 'csm:ana', handoff: { stakeholders: [{ name: 'Li', role: `CTO${NUL}` }] } },
      'handoff.stakeholders[0].role',
    ],
    ['escalation actor', '/escalations/task:kickoff-call:L1/acknowledge', { actor: `\u0007` }, 'actor'],
    ['cutover actor', '/cutovers', { actor: `a${NUL}`, mode: 'rehearsal' }, 'actor'],
    ['cutover decision note', '/cutovers/1/decision', { actor: 'ops:lee', decision: 'retry', note: `n${NUL}` }, 'note'],
    [
      'sign-off step',
      '/cutovers/1/sign-off',
      { actor: 'ops:lee', step: `s${NUL}`, role: 'cs-lead', approve: true },
      'step',
    ],
    [
      'sign-off note',
      '/cutovers/1/sign-off',
      { actor: 'ops:lee', step: 's', role: 'cs-lead', approve: true, note: 'n'.repeat(2001) },
      'note',
    ],
  ])('refuses a bad %s, and changes nothing', async (_case, route, body, path) => {
    const before = await revision();
    const res = await h.api.post(`/onboardings/${existing}${route}`).send(body);
    expectProblem(res, 400, 'ValidationFailed', path);
    expect(await revision()).toBe(before);
  });

  it.each([
    [
      'playbook publishedBy',
      '/playbooks/tech-touch/versions',
      { publishedBy: `ops${NUL}`, definition: {} },
      'publishedBy',
    ],
    [
      'playbook notes',
      '/playbooks/tech-touch/versions',
      { publishedBy: 'ops', notes: '\ud83d', definition: {} },
      'notes',
    ],
    ['segmentation publishedBy', '/segmentation/versions', { publishedBy: `ops${NUL}`, rule: {} }, 'publishedBy'],
    ['segmentation notes', '/segmentation/versions', { publishedBy: 'ops', notes: `n${NUL}`, rule: {} }, 'notes'],
  ])('refuses a bad %s, and publishes nothing', async (_case, route, body, path) => {
    const versions = async () =>
      JSON.stringify((await h.api.get('/playbooks').expect(200)).body) +
      JSON.stringify((await h.api.get('/segmentation/versions').expect(200)).body);
    const before = await versions();
    expectProblem(await h.api.post(route).send(body), 400, 'ValidationFailed', path);
    expect(await versions()).toBe(before);
  });

  it('refuses a playbook definition whose strings a database or an e-mail cannot carry, naming each path', async () => {
    const playbook = (await h.api.get('/playbooks/tech-touch').expect(200)).body;
    playbook.name = `Tech${NUL}touch`;
    playbook.messages[0].subject = 'Hello\u0085';
    const validated = await h.api.post('/playbooks/validate').send(playbook).expect(200);
    expect(validated.body.valid).toBe(false);
    expect(validated.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'name', message: expect.stringContaining('found U+0000') },
        { path: 'messages[0].subject', message: expect.stringContaining('found U+0085') },
      ]),
    );
    const published = await h.api
      .post('/playbooks/tech-touch/versions')
      .send({ publishedBy: 'ops', definition: playbook });
    expectPlaybookProblem(published, 'name');
  });

  it('refuses a CSM name the roster, its mails and the read model cannot carry, and stores nothing', async () => {
    const id = `csm-hostile-${Math.random().toString(36).slice(2, 8)}`;
    const body = { name: `Ana${NUL}Lopez`, email: 'ana@example.com', tiers: ['high-touch'], capacity: 1 };
    expectProblem(await h.api.put(`/csms/${id}`).send(body), 400, 'ValidationFailed', 'name');
    await h.api.get(`/csms/${id}`).expect(404);
  });

  it.each([
    ['stage', `kickoff${NUL}`],
    ['csm', '\u0085'],
    ['csm', 'c'.repeat(201)],
  ])('refuses a list filter %s with characters or a length it cannot match', async (name, value) => {
    const res = await h.api.get('/onboardings').query({ [name]: value });
    expectProblem(res, 400, 'ValidationFailed', name);
  });
});

describe('path parameters', () => {
  const enc = encodeURIComponent;
  it.each([
    ['id', `/onboardings/${enc(`onboarding-x${NUL}`)}`, 'get'],
    ['id', `/onboardings/${enc('onboarding-é')}/audit`, 'get'],
    ['id', `/onboardings/${'o'.repeat(201)}`, 'get'],
    ['milestone', `/onboardings/${existing}/milestones/${enc(`first-login${NUL}`)}`, 'post'],
    ['task', `/onboardings/${existing}/tasks/${enc('kick off')}/complete`, 'post'],
    ['gate', `/onboardings/${existing}/gates/${enc(`g${NUL}`)}/approve`, 'post'],
    ['riskId', `/onboardings/${existing}/risks/${enc(`risk-1${NUL}`)}/resolve`, 'post'],
    ['escalationId', `/onboardings/${existing}/escalations/${enc('\u0085')}/acknowledge`, 'post'],
    ['tier', `/playbooks/${enc(`tech-touch${NUL}`)}`, 'get'],
    ['tier', `/playbooks/${enc(`tech-touch${NUL}`)}/versions`, 'post'],
  ])('refuses a bad :%s (%s) with a 400 naming it', async (name, url, method) => {
    const before = await revision();
    const req = method === 'get' ? h.api.get(url) : h.api.post(url).send({ actor: 'csm:ana' });
    const res = await req;
    expectProblem(res, 400, 'ValidationFailed', name);
    expect(await revision()).toBe(before);
  });
});

describe('numbers', () => {
  it.each([
    ['offset', '/onboardings?offset=1e20'],
    ['offset', '/onboardings?offset=-1'],
    ['offset', '/onboardings?offset=2147483648'],
    ['limit', '/onboardings?limit=0x10'],
    ['limit', '/onboardings?limit='],
    ['limit', '/onboardings?limit=501'],
    ['version', '/playbooks/tech-touch/versions/2147483648'],
    ['version', '/playbooks/tech-touch/versions/1e3'],
    ['version', '/segmentation/versions/2147483648'],
    ['version', '/segmentation/versions/0'],
    ['attempt', `/onboardings/${existing}/cutovers/99999999999`],
    ['attempt', `/onboardings/${existing}/cutovers/1.5`],
  ])('refuses %s out of bounds or not a plain integer (%s) with a 400 naming it', async (name, url) => {
    expectProblem(await h.api.get(url), 400, 'ValidationFailed', name);
  });

  it('refuses a huge attempt on a command too, before looking it up', async () => {
    const res = await h.api
      .post(`/onboardings/${existing}/cutovers/99999999999/decision`)
      .send({ actor: 'ops:lee', decision: 'retry' });
    expectProblem(res, 400, 'ValidationFailed', 'attempt');
  });

  it('still reads the bounds themselves', async () => {
    const res = await h.api.get('/onboardings?limit=500&offset=2147483647').expect(200);
    expect(res.body.items).toEqual([]);
  });
});

describe('dates', () => {
  it.each([
    ['closedWonAt', '2024-W01'],
    ['closedWonAt', '2024-02-30'],
    ['closedWonAt', '2024-13-01'],
    ['closedWonAt', '2024-060'], // an ordinal date
    ['closedWonAt', '+275760-09-13T00:00:00Z'],
    ['closedWonAt', '0000-01-01'], // a year PostgreSQL cannot store
    ['closedWonAt', '2027-03-01T09:30'], // a local time: read in the server's zone
    ['handoff.targetGoLive', '2024-02-30'],
    ['handoff.targetGoLive', '2024-W01'],
  ])('refuses a closed-won %s of %s, and starts nothing', async (path, value) => {
    const id = `hostile-date-${Math.random().toString(36).slice(2, 8)}`;
    const body = freshBody(id);
    if (path === 'closedWonAt') body.closedWonAt = value;
    else body.handoff.targetGoLive = value;
    expectProblem(await h.api.post('/onboardings').send(body), 400, 'ValidationFailed', path);
    expect(await workflowExists(h.client, `onboarding-${id}`)).toBe(false);
  });

  it.each([
    ['achievedAt', '/milestones/first-login', { actor: 'csm:ana', achievedAt: '2024-W01' }],
    ['achievedAt', '/milestones/first-login', { actor: 'csm:ana', achievedAt: '2024-02-30T10:00:00Z' }],
    ['decisionDueDate', '/risks', riskWith({ decisionDueDate: '2024-02-30' })],
  ])('refuses %s that is not a real ISO 8601 date, and changes nothing', async (path, route, body) => {
    const before = await revision();
    expectProblem(await h.api.post(`/onboardings/${existing}${route}`).send(body), 400, 'ValidationFailed', path);
    expect(await revision()).toBe(before);
  });
});

describe('bodies', () => {
  it('refuses a body nested 10,000 levels deep with a 400 naming the depth limit', async () => {
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const res = await h.api.post('/playbooks/validate').set('content-type', 'application/json').send(deep);
    expectProblem(res, 400, 'BodyTooDeep');
    expect(res.body.detail).toBe('the body nests deeper than 32 levels of objects and arrays');
  });

  it('counts nesting outside strings only', async () => {
    const body = freshBody(`hostile-brackets-${run}`);
    body.handoff.goals = ['[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{ "\\" ['];
    const res = await h.api.post('/onboardings').send(body);
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
  });

  it('refuses a 2 MB body with a 413 naming the limit, and starts nothing', async () => {
    const id = `hostile-large-${run}`;
    const body = freshBody(id);
    body.handoff.migrationScope = 'x'.repeat(2 * 1024 * 1024);
    const res = await h.api.post('/onboardings').send(body);
    expectProblem(res, 413, 'PayloadTooLarge');
    expect(res.body.detail).toBe('the body is larger than 1 MB');
    expect(await workflowExists(h.client, `onboarding-${id}`)).toBe(false);
  });

  it('refuses a form-encoded body with a 415 naming the content type', async () => {
    const res = await h.api.post('/onboardings').type('form').send('account[id]=x&segment=smb');
    expectProblem(res, 415, 'UnsupportedMediaType', 'Content-Type');
    expect(res.body.detail).toContain('application/x-www-form-urlencoded');
  });

  it('refuses a text body without a content type with a 415, not a complaint about its properties', async () => {
    const res = await h.api.post(`/onboardings/${existing}/milestones/first-login`).send('hello').unset('Content-Type');
    expectProblem(res, 415, 'UnsupportedMediaType', 'Content-Type');
    expect(res.body.detail).toBe('the API takes application/json bodies only, and this body has no Content-Type');
  });

  it('refuses text/plain with a 415', async () => {
    const res = await h.api.post('/playbooks/validate').set('content-type', 'text/plain').send('{"tier":"smb"}');
    expectProblem(res, 415, 'UnsupportedMediaType', 'Content-Type');
  });

  it('takes a command without a body at all (the validator then names the missing fields)', async () => {
    const res = await h.api.post(`/onboardings/${existing}/risks`);
    expectProblem(res, 400, 'ValidationFailed', 'category');
  });
});

describe('headers', () => {
  it('sends security headers and no X-Powered-By', async () => {
    const res = await h.api.get('/playbooks').expect(200);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'content-security-policy': expect.stringContaining("default-src 'self'"),
    });
  });

  it('still serves the OpenAPI page under that policy (its scripts are files of its own, over plain HTTP too)', async () => {
    const page = await h.api.get('/docs/').expect(200);
    expect(page.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    const scripts = [...page.text.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, inline] of scripts) {
      expect(inline.trim()).toBe(''); // script-src 'self' forbids inline code
      const src = /src=["']\.?\/?([^"']+)["']/.exec(attrs)![1];
      await h.api.get(`/docs/${src}`).expect(200);
    }
  });
});
