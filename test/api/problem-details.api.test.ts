/**
 * One error contract on every route: RFC 9457 problem details from one exception filter, for
 * Nest's own errors, validation, domain refusals and Temporal's errors alike.
 */
import type request from 'supertest';
import { closedWonBody } from '../fixtures/onboarding-input';
import { type ApiHarness, startApiHarness } from '../support/api-harness';

let h: ApiHarness;
const run = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  h = await startApiHarness();
});

afterAll(async () => {
  await h?.close();
});

function expectProblem(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    type: `urn:onboarding-orchestrator:problem:${code}`,
    title: expect.any(String),
    status,
    code,
    detail: expect.any(String),
    instance: expect.stringMatching(/^\//),
  });
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.(js|ts):\d+/); // no stack trace
}

it('answers a route that does not exist with a 404 problem', async () => {
  const res = await h.api.get('/nowhere?email=dana@customer.example');
  expectProblem(res, 404, 'NotFound');
  // The query (which may hold personal data) is echoed neither in the instance nor the detail.
  expect(res.body.instance).toBe('/nowhere');
  expect(res.body.detail).toBe('no route for GET /nowhere');
});

it('answers a body that is not JSON with a 400 problem', async () => {
  const res = await h.api.post('/onboardings').set('content-type', 'application/json').send('{"account": ');
  expectProblem(res, 400, 'BadRequest');
  expect(res.body.detail).toMatch(/JSON/);
});

it('lists each invalid field with its full path', async () => {
  const body: any = closedWonBody(`problem-${run}`);
  delete body.account.id;
  body.handoff.stakeholders = [{ role: 'CFO', email: 'not-an-address' }];
  const res = await h.api.post('/onboardings').send(body);
  expectProblem(res, 400, 'ValidationFailed');
  expect(res.body.errors).toEqual(
    expect.arrayContaining([
      { path: 'account.id', message: expect.stringMatching(/^account\.id must be/) },
      { path: 'handoff.stakeholders[0].name', message: expect.stringMatching(/^handoff\.stakeholders\[0\]\.name /) },
      {
        path: 'handoff.stakeholders[0].email',
        message: expect.stringMatching(/^handoff\.stakeholders\[0\]\.email must be an email/),
      },
    ]),
  );
  expect(res.body.detail).not.toContain('account.account');
});

it('answers a domain refusal with its rule code, and an unknown onboarding with 404', async () => {
  const id = `problem-refusal-${run}`;
  await h.api.post('/onboardings').send(closedWonBody(id)).expect(201);
  const unknown = await h.api.post(`/onboardings/onboarding-${id}/milestones/go-live`).send({ actor: 'csm:ana' });
  expectProblem(unknown, 404, 'UnknownMilestone');
  expect(unknown.body.detail).toContain("milestone 'go-live' is not in this onboarding's playbook");

  const missing = await h.api.get('/onboardings/onboarding-nobody-here');
  expectProblem(missing, 404, 'NotFound');
  expect(missing.body.detail).toBe('onboarding onboarding-nobody-here not found');
});

it('answers the audit of an unknown onboarding with 404, not an empty log', async () => {
  expectProblem(await h.api.get(`/onboardings/onboarding-never-${run}/audit`), 404, 'NotFound');
});

it.each([
  ['too long', 'k'.repeat(201)],
  ['with a space', 'two words'],
  ['with a character outside printable ASCII', 'cl\u00e9'],
])('refuses an Idempotency-Key %s with a 400 naming the header', async (_case, key) => {
  const res = await h.api
    .post(`/onboardings/onboarding-x-${run}/milestones/first-login`)
    .set('Idempotency-Key', key)
    .send({ actor: 'csm:ana' });
  expectProblem(res, 400, 'ValidationFailed');
  expect(res.body.errors).toEqual([
    { path: 'Idempotency-Key', message: expect.stringContaining('Idempotency-Key must be 1-200 printable') },
  ]);
});

describe('the OpenAPI document', () => {
  let doc: any;
  beforeAll(async () => {
    doc = (await h.api.get('/docs/openapi.json').expect(200)).body;
  });

  const operations = () =>
    Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );

  it('declares problem details for 400 and 500 (and 413, 415, 503) on every operation', () => {
    const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } };
    expect(doc.components.schemas.ProblemDetails).toMatchObject({ required: ['type', 'title', 'status', 'detail'] });
    for (const { name, op } of operations()) {
      for (const status of ['400', '413', '415', '500', '503']) {
        expect({ name, status, content: op.responses[status]?.content }).toEqual({ name, status, content: problem });
      }
      expect({ name, success: Object.keys(op.responses).some((s) => s.startsWith('2')) }).toEqual({
        name,
        success: true,
      });
    }
  });

  it("keeps each route's own descriptions and adds its own problems", () => {
    const approve = doc.paths['/onboardings/{id}/gates/{gate}/approve'].post.responses;
    expect(approve['403']).toMatchObject({
      description: 'Not an approver role of this gate',
      content: { 'application/problem+json': expect.anything() },
    });
    expect(approve['422']).toMatchObject({ description: 'Acceptance criteria not met' });
    expect(approve['404']).toMatchObject({
      description: 'Not found',
      content: { 'application/problem+json': expect.anything() },
    });
    expect(approve['409']).toBeDefined();
  });

  it('documents the bounds of path parameters and that bodies take no unknown properties', () => {
    const params = doc.paths['/onboardings/{id}/cutovers/{attempt}'].get.parameters;
    expect(params).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'id',
          in: 'path',
          schema: expect.objectContaining({ type: 'string', maxLength: 200 }),
        }),
        expect.objectContaining({
          name: 'attempt',
          in: 'path',
          schema: { type: 'integer', minimum: 1, maximum: 2147483647 },
        }),
      ]),
    );
    expect(doc.components.schemas.RecordMilestoneDto).toMatchObject({
      additionalProperties: false,
      properties: { actor: { type: 'string', minLength: 1, maxLength: 200, pattern: expect.any(String) } },
    });
  });
});
