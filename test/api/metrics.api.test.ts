/**
 * The API's Prometheus metrics at /metrics: requests counted by method, route template and
 * status (never the path with its ids), the Node process's metrics, no personal data in any
 * label, a bounded number of series whatever paths clients send, and the operator role to read
 * them, except in the embedded default.
 */
import request from 'supertest';
import { closedWonBody, COMPLETE_HANDOFF, SALES_OWNER } from '../fixtures/onboarding-input';
import { useApiHarness } from '../support/api-harness';

const h = useApiHarness();
const run = Math.random().toString(36).slice(2, 8);

/** The value of one series, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.slice(l.indexOf('{'), l.indexOf('}')).includes(w)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function scrape(): Promise<string> {
  const res = await h.api.get('/metrics').expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
  return res.text;
}

it('counts and times requests by route template and status, with the Node process metrics', async () => {
  const accountId = `metrics-${run}`;
  const before = await scrape();
  const created = { method: 'POST', route: '/onboardings', status: '201' };
  const missing = { method: 'GET', route: '/onboardings/:id', status: '404' };
  await h.api.post('/onboardings').send(closedWonBody(accountId, 'smb')).expect(201);
  await h.api.get(`/onboardings/onboarding-nobody-${run}`).expect(404);
  await h.api.get(`/onboardings/onboarding-nobody-${run}`).expect(404);

  const after = await scrape();
  expect(sample(after, 'http_requests_total', created)).toBe((sample(before, 'http_requests_total', created) ?? 0) + 1);
  expect(sample(after, 'http_requests_total', missing)).toBe((sample(before, 'http_requests_total', missing) ?? 0) + 2);
  expect(sample(after, 'http_request_duration_seconds_count', missing)).toBe(
    (sample(before, 'http_request_duration_seconds_count', missing) ?? 0) + 2,
  );
  expect(sample(after, 'http_request_duration_seconds_bucket', { ...created, le: '+Inf' })).toBeGreaterThanOrEqual(1);
  // The Node process: CPU, memory, event loop.
  for (const name of ['process_cpu_seconds_total', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds'])
    expect(after).toMatch(new RegExp(`^${name} `, 'm'));

  // Ids, names and e-mail addresses of what was sent are in no label.
  for (const personal of [
    accountId,
    `Account ${accountId}`,
    run,
    SALES_OWNER.email,
    COMPLETE_HANDOFF.stakeholders![0].name,
  ])
    expect(after).not.toContain(personal);
  expect(after).not.toMatch(/[\w.+-]+@[\w-]+(\.[\w-]+)+/);
});

it('keeps one series for paths no route matches, whatever a client sends', async () => {
  const series = (text: string) => text.split('\n').filter((l) => l.startsWith('http_requests_total{')).length;
  await request(h.http).get(`/no-such-path-${run}-0`).expect(404);
  const before = await scrape();
  for (let i = 1; i <= 20; i++) await request(h.http).get(`/no-such-path-${run}-${i}?email=ana@customer.example`);
  await request(h.http).get(`/onboardings/x/y/z/${run}`).expect(404);
  const after = await scrape();
  expect(series(after)).toBe(series(before));
  expect(sample(after, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(
    sample(before, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })! + 21,
  );
  expect(after).not.toContain(run);
});

it('needs the operator role, except in the embedded default', async () => {
  await request(h.http).get('/metrics').expect(401);
  await h
    .as(await h.createKey(['cs-lead'], { name: `metrics lead ${run}` }))
    .get('/metrics')
    .expect(403);
  await h
    .as(await h.createKey(['operator'], { name: `metrics operator ${run}` }))
    .get('/metrics')
    .expect(200);
  const embedded = await h.replica({ auth: { embeddedDefault: true } });
  const res = await request(embedded.getHttpServer()).get('/metrics').expect(200);
  expect(res.text).toMatch(/^# TYPE http_requests_total counter$/m);
});
