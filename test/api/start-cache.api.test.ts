/**
 * The start path's cache across API replicas (issue 11): two API instances on one database of
 * this file's own, each with its own LISTEN connection. A playbook published through one is what
 * the next start through the other uses, a revoked key stops working on the other, and with the
 * listener's connection killed (pg_terminate_backend) starts still use the latest version.
 */
import type { INestApplication } from '@nestjs/common';
import { CHANGE_FEED } from '../../api/common/change-feed.module';
import { CHANGE_CHANNELS, type ChangeChannel, type ChangeListener } from '../../src/persistence/change-listener';
import { PlaybookStore } from '../../src/playbooks/playbook-store';
import { closedWonBody } from '../fixtures/onboarding-input';
import { type ApiHarness, authenticated, eventually, startApiHarness } from '../support/api-harness';
import { createOwnDatabase, type OwnDatabase } from '../support/own-database';

jest.setTimeout(120_000);

let own: OwnDatabase;
let h: ApiHarness;
const run = Math.random().toString(36).slice(2, 8);
let accounts = 0;

beforeAll(async () => {
  own = await createOwnDatabase('start_cache');
  h = await startApiHarness({ databaseUrl: own.url });
});

afterAll(async () => {
  await h?.close();
  await own?.drop();
});

const listenerOf = (app: INestApplication) => app.get<ChangeListener>(CHANGE_FEED);

/** Resolves at the next notification on `channel` that reaches this replica's listener. */
function nextNotification(app: INestApplication, channel: ChangeChannel): Promise<string> {
  return new Promise((resolve) => listenerOf(app).on(channel, resolve));
}

/** Starts an onboarding of a mid-market deal (tech-touch) through `app`; answers its playbook version. */
async function startThrough(app: INestApplication): Promise<number> {
  const res = await authenticated(app.getHttpServer(), h.ownerKey)
    .post('/onboardings')
    .send(closedWonBody(`start-cache-${run}-${++accounts}`, 'mid-market'))
    .expect(201);
  expect(res.body.tier).toBe('tech-touch');
  return res.body.playbookVersion;
}

/** Publishes the next tech-touch playbook through `app`; answers its version. */
async function publishThrough(app: INestApplication): Promise<number> {
  const agent = authenticated(app.getHttpServer(), h.ownerKey);
  const latest = (await agent.get('/playbooks/tech-touch').expect(200)).body;
  const res = await agent
    .post('/playbooks/tech-touch/versions')
    .send({
      publishedBy: 'cs-ops:start-cache-test',
      definition: { ...latest, name: `start cache ${run} ${Date.now()}` },
    })
    .expect(201);
  return res.body.version;
}

it('a playbook published through one replica is what the next start through the other uses', async () => {
  const a = h.app;
  const b = await h.replica();
  await listenerOf(a).untilLive();
  await listenerOf(b).untilLive();
  const reads = jest.spyOn(b.get(PlaybookStore), 'latest');

  const before = await startThrough(b);
  expect(await startThrough(b)).toBe(before);
  // The second start was served from B's memory: one read of the playbook for two starts.
  expect(reads).toHaveBeenCalledTimes(1);

  // The notification travels on its own connection; waiting for it keeps the test from racing it.
  const notified = nextNotification(b, CHANGE_CHANNELS.playbookPublished);
  const published = await publishThrough(a);
  expect(published).toBe(before + 1);
  expect(await notified).toBe('tech-touch');

  expect(await startThrough(b)).toBe(published);
  expect(await startThrough(b)).toBe(published);
  expect(reads).toHaveBeenCalledTimes(2);
});

it('with its listener connection killed, a replica starts on the latest version, and caches again once reconnected', async () => {
  // A reconnection delay longer than the test: B stays without its listener while A publishes.
  const b = await h.replica({ changeFeed: { reconnectDelayMs: 600_000 } });
  const c = await h.replica({ changeFeed: { reconnectDelayMs: 100 } });
  await listenerOf(b).untilLive();
  await listenerOf(c).untilLive();
  const cached = await startThrough(b);
  await startThrough(c);

  for (const app of [b, c]) {
    const pid = listenerOf(app).backendPid;
    expect(pid).toEqual(expect.any(Number));
    const [{ terminated }] = await h.dataSource.query('SELECT pg_terminate_backend($1) AS terminated', [pid]);
    expect(terminated).toBe(true);
  }
  await eventually(async () => (listenerOf(b).isLive ? undefined : true));

  // Published while B cannot hear it: B must not start on the version it had in memory.
  const published = await publishThrough(h.app);
  expect(published).toBe(cached + 1);
  expect(await startThrough(b)).toBe(published);
  expect(listenerOf(b).isLive).toBe(false);

  // C reconnected on its own; what it holds now is invalidated by the new connection's notifications.
  await listenerOf(c).untilLive();
  expect(await startThrough(c)).toBe(published);
  const notified = nextNotification(c, CHANGE_CHANNELS.playbookPublished);
  const next = await publishThrough(h.app);
  await notified;
  expect(await startThrough(c)).toBe(next);
});

it('a key revoked through the store stops working at once on a replica that had verified it', async () => {
  const b = await h.replica();
  await listenerOf(b).untilLive();
  const key = await h.createKey(['cs-platform'], { name: `start cache ${run} revoked` });
  const agent = authenticated(b.getHttpServer(), key);
  await agent.get('/playbooks').expect(200); // verified, and trusted for 30 s from here
  await agent.get('/playbooks').expect(200);

  const notified = nextNotification(b, CHANGE_CHANNELS.apiKeyChanged);
  const [{ prefix }] = await h.dataSource.query(`SELECT 'oo_' || prefix AS prefix FROM api_keys WHERE name = $1`, [
    `start cache ${run} revoked`,
  ]);
  await h.dataSource.query(`UPDATE api_keys SET revoked_at = now() WHERE 'oo_' || prefix = $1`, [prefix]);
  expect(await notified).toBe(prefix);
  const refused = await agent.get('/playbooks');
  expect(refused.status).toBe(401);
});
