/** The rate limit per key: a budget each, 429 with Retry-After past it, as problem details. */
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { authenticated, useApiHarness } from '../support/api-harness';

const h = useApiHarness();
const LIMIT = 5;
let app: INestApplication;

beforeAll(async () => {
  // A replica with a small budget, over the harness's worker and database.
  app = await h.replica({ auth: { embeddedDefault: false, rateLimitPerMinute: LIMIT } });
});

it('answers 429 with Retry-After past a key’s budget, while another key keeps its own', async () => {
  const noisy = authenticated(app.getHttpServer(), await h.createKey(['operator'], { name: 'noisy' }));
  for (let i = 0; i < LIMIT; i++) await noisy.get('/playbooks').expect(200);
  const refused = await noisy.get('/playbooks').expect(429);
  expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(refused.body).toMatchObject({
    status: 429,
    code: 'RateLimited',
    detail: expect.stringContaining('principal'),
  });
  expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  // Another key is not slowed by the noisy one.
  const quiet = authenticated(app.getHttpServer(), await h.createKey(['operator'], { name: 'quiet' }));
  await quiet.get('/playbooks').expect(200);
});

it('counts routes without a principal per client address', async () => {
  const http = app.getHttpServer();
  const statuses: number[] = [];
  for (let i = 0; i <= LIMIT; i++) statuses.push((await request(http).get('/health')).status);
  expect(statuses.at(-1)).toBe(429);
});

it('documents 429 on every operation', async () => {
  const doc = (await request(h.http).get('/docs/openapi.json').expect(200)).body;
  const missing = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, op]) => !op.responses['429'])
      .map(([method]) => `${method.toUpperCase()} ${path}`),
  );
  expect(missing).toEqual([]);
});
