/**
 * The bench's HTTP client against a real local server: JSON bodies with their length, the
 * caller's headers on every call, error statuses answered rather than thrown, and calls reusing
 * their connections (what makes it cheaper than `fetch` for the caller).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KeepAliveHttp } from '../../src/bench/keep-alive-http';

let server: http.Server;
let client: KeepAliveHttp;
const sockets = new Set<unknown>();
const seen: Array<{ method: string; url: string; authorization?: string; type?: string; body: string }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    sockets.add(req.socket);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({
        method: req.method!,
        url: req.url!,
        authorization: req.headers.authorization,
        type: req.headers['content-type'],
        body,
      });
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ echo: body ? JSON.parse(body) : null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new KeepAliveHttp(`http://127.0.0.1:${port}`, { authorization: 'Bearer k' }, 2);
});

afterAll(async () => {
  client?.close();
  await new Promise((resolve) => server?.close(resolve));
});

it('sends JSON with the caller headers and answers status and text, also for an error status', async () => {
  const posted = await client.request('POST', '/onboardings', { account: { id: 'a-1' } });
  expect(posted.status).toBe(200);
  expect(JSON.parse(posted.text)).toEqual({ echo: { account: { id: 'a-1' } } });
  const missing = await client.request('GET', '/missing');
  expect(missing.status).toBe(404);
  expect(seen.slice(-2)).toEqual([
    {
      method: 'POST',
      url: '/onboardings',
      authorization: 'Bearer k',
      type: 'application/json',
      body: '{"account":{"id":"a-1"}}',
    },
    { method: 'GET', url: '/missing', authorization: 'Bearer k', type: undefined, body: '' },
  ]);
});

it('reuses its connections: twenty calls, two at a time, over at most two sockets', async () => {
  sockets.clear();
  await Promise.all(Array.from({ length: 20 }, (_, i) => client.request('GET', `/onboardings/${i}`)));
  expect(sockets.size).toBeGreaterThanOrEqual(1);
  expect(sockets.size).toBeLessThanOrEqual(2);
});
