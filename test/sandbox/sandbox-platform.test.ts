/**
 * The sandbox platform over real HTTP: the migration API the cutover steps call, its
 * idempotency keys, and each kind of injected fault.
 */
import { demoDataset } from '../../src/sandbox/demo-dataset';
import { startDemoSandbox } from '../../src/sandbox/main';
import type { SandboxRecord } from '../../src/sandbox/record-store';
import type { SandboxPlatform } from '../../src/sandbox/sandbox-platform';
import { type SandboxClient, startTestSandbox } from '../support/sandbox-platform';

let platform: SandboxPlatform;
let api: SandboxClient;

beforeAll(async () => {
  ({ platform, client: api } = await startTestSandbox());
});
afterAll(() => platform.close());
beforeEach(async () => {
  expect((await api.post('/admin/reset')).status).toBe(200);
});

const record = (
  id: string,
  kind: SandboxRecord['kind'] = 'account',
  data: Record<string, unknown> = { n: id },
): SandboxRecord => ({ id, kind, data });

/** Copies the whole legacy store to a target through the API, page by page, as a migration step would. */
async function copyAll(targetPrefix = '/target', limit = 3): Promise<void> {
  let after: string | null = null;
  do {
    const page: { status: number; body: { records: SandboxRecord[]; nextAfter: string | null } } = await api.get(
      `/legacy/records?limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`,
    );
    expect(page.status).toBe(200);
    expect((await api.post(`${targetPrefix}/records/batch`, { records: page.body.records })).status).toBe(200);
    after = page.body.nextAfter;
  } while (after);
}

describe('seeding and paging', () => {
  it('loads the legacy store and pages it in id order with a cursor', async () => {
    const ids = ['card-2', 'acc-3', 'pay-1', 'acc-1', 'card-1', 'acc-2', 'pay-2'];
    const seeded = await api.post('/admin/seed', {
      records: ids.map((id) =>
        record(id, id.startsWith('acc') ? 'account' : id.startsWith('card') ? 'card' : 'payment'),
      ),
    });
    expect(seeded).toMatchObject({
      status: 200,
      body: { seeded: 7, legacy: { count: 7, byKind: { account: 3, card: 2, payment: 2 } } },
    });

    const first = await api.get('/legacy/records?limit=3');
    expect(first.body.records.map((r: SandboxRecord) => r.id)).toEqual(['acc-1', 'acc-2', 'acc-3']);
    expect(first.body.records[0]).toEqual({ id: 'acc-1', kind: 'account', data: { n: 'acc-1' } });
    expect(first.body.nextAfter).toBe('acc-3');
    const second = await api.get('/legacy/records?limit=3&after=acc-3');
    expect(second.body).toMatchObject({ nextAfter: 'pay-1' });
    expect(second.body.records.map((r: SandboxRecord) => r.id)).toEqual(['card-1', 'card-2', 'pay-1']);
    const last = await api.get('/legacy/records?limit=3&after=pay-1');
    expect(last.body).toEqual({ records: [expect.objectContaining({ id: 'pay-2' })], nextAfter: null });
    // A cursor need not be an existing id: paging resumes after it in id order.
    expect((await api.get('/legacy/records?after=b')).body.records.map((r: SandboxRecord) => r.id)).toEqual([
      'card-1',
      'card-2',
      'pay-1',
      'pay-2',
    ]);
    expect((await api.get('/legacy/records/count')).body).toEqual({
      count: 7,
      byKind: { account: 3, card: 2, payment: 2 },
    });
    expect(platform.legacy.size).toBe(7);
  });

  it('refuses a bad seed or page naming what is wrong, and seeds the generated demo dataset', async () => {
    expect(
      await api.post('/admin/seed', { records: [record('a'), { id: 'b', kind: 'loan', data: {} }] }),
    ).toMatchObject({
      status: 400,
      body: { error: 'records[1].kind must be one of account, card, payment' },
    });
    expect(platform.legacy.size).toBe(0); // nothing of a refused seed is loaded
    expect((await api.get('/legacy/records?limit=0')).status).toBe(400);
    expect((await api.get('/legacy/records?limit=1001')).status).toBe(400);

    const generated = await api.post('/admin/seed', { generate: { accounts: 5, cards: 10, payments: 20 } });
    expect(generated.body).toEqual({
      seeded: 35,
      legacy: { count: 35, byKind: { account: 5, card: 10, payment: 20 } },
    });
    expect(platform.legacy.checksum()).toEqual((await api.get('/legacy/checksum')).body);
  });

  it('answers 404 for an unknown path and 405 for a wrong method', async () => {
    expect((await api.get('/nowhere')).status).toBe(404);
    expect((await api.get('/legacy/freeze')).status).toBe(405);
  });
});

describe('checksums', () => {
  it('differ before the copy and are equal after copying everything', async () => {
    platform.seed([
      record('a-1', 'account', { holder: 'Ana', limits: { daily: 100, monthly: 3000 } }),
      record('c-1', 'card'),
      record('p-1', 'payment'),
      record('p-2', 'payment'),
    ]);
    const legacy = (await api.get('/legacy/checksum')).body;
    expect(legacy).toMatchObject({ count: 4, byKind: { account: 1, card: 1, payment: 2 } });
    expect(legacy.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await api.get('/target/checksum')).body).not.toEqual(legacy);

    await copyAll();
    expect((await api.get('/target/checksum')).body).toEqual(legacy);
    expect((await api.get('/target/records/count')).body).toEqual({
      count: 4,
      byKind: { account: 1, card: 1, payment: 2 },
    });

    // Key order in data does not matter; a changed value does.
    await api.post('/target/records/batch', {
      records: [record('a-1', 'account', { limits: { monthly: 3000, daily: 100 }, holder: 'Ana' })],
    });
    expect((await api.get('/target/checksum')).body).toEqual(legacy);
    await api.post('/target/records/batch', {
      records: [record('a-1', 'account', { holder: 'Ana', limits: { daily: 101, monthly: 3000 } })],
    });
    expect((await api.get('/target/checksum')).body.sha256).not.toBe(legacy.sha256);
  });
});

describe('idempotency keys', () => {
  it('does the work of a repeated key once and answers the first answer again', async () => {
    const first = await api.post('/legacy/freeze', undefined, 'cutover-1:attempt-1:freeze');
    const again = await api.post('/legacy/freeze', undefined, 'cutover-1:attempt-1:freeze');
    expect(first).toMatchObject({ status: 200, body: { frozen: true, wasFrozen: false }, replayed: false });
    expect(again).toMatchObject({ status: 200, body: { frozen: true, wasFrozen: false }, replayed: true });
    expect(platform.counters.get('executed', 'POST /legacy/freeze')).toBe(1);
    expect(platform.counters.get('replayed', 'POST /legacy/freeze')).toBe(1);

    await api.post('/legacy/unfreeze');
    const write = { id: 'acc-9', kind: 'account', data: { holder: 'Bo' } };
    expect(await api.post('/legacy/records', write, 'write-1')).toMatchObject({ status: 201, replayed: false });
    expect(await api.post('/legacy/records', write, 'write-1')).toMatchObject({
      status: 201,
      body: { created: true },
      replayed: true,
    });
    expect(platform.legacy.stats.writes).toBe(1);

    const batch = { records: [record('t-1'), record('t-2')] };
    const stored = await api.post('/target/records/batch', batch, 'copy-batch-0');
    platform.target.purge(); // even after the target changed, the key answers what it answered
    expect(await api.post('/target/records/batch', batch, 'copy-batch-0')).toEqual({
      ...stored,
      replayed: true,
      ms: expect.any(Number),
    });
    expect(platform.target.size).toBe(0);
  });

  it('requires a key on mutating calls and refuses one reused for a different request', async () => {
    expect(await api.post('/legacy/freeze', undefined, null)).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/Idempotency-Key/) },
    });
    expect(platform.legacy.frozen).toBe(false);
    await api.post('/flags/new-ledger', { enabled: true }, 'k-1');
    expect(await api.post('/flags/new-ledger', { enabled: false }, 'k-1')).toMatchObject({ status: 422 });
    expect(await api.post('/flags/other', { enabled: true }, 'k-1')).toMatchObject({ status: 422 });
    expect(platform.switches.flags).toEqual({ 'new-ledger': true });
  });

  it('keeps only answers of calls that did their work: a retry after a failure tries again', async () => {
    platform.faults.set({ failStep: { path: '/sso/switch', times: 1 } });
    expect((await api.post('/sso/switch', { to: 'target' }, 'sso-1')).status).toBe(500);
    expect(await api.post('/sso/switch', { to: 'target' }, 'sso-1')).toMatchObject({
      status: 200,
      body: { sso: 'target', previous: 'legacy' },
      replayed: false,
    });

    await api.post('/legacy/freeze');
    const write = { id: 'acc-1', kind: 'account', data: {} };
    expect((await api.post('/legacy/records', write, 'w-1')).status).toBe(423);
    await api.post('/legacy/unfreeze');
    expect((await api.post('/legacy/records', write, 'w-1')).status).toBe(201);
  });
});

describe('target batch upsert', () => {
  it('stores a record sent twice once', async () => {
    expect((await api.post('/target/records/batch', { records: [record('a'), record('b')] })).body).toEqual({
      stored: 2,
      created: 2,
      total: 2,
    });
    expect(
      (
        await api.post('/target/records/batch', {
          records: [record('b'), record('c'), record('c', 'account', { v: 2 })],
        })
      ).body,
    ).toEqual({
      stored: 2,
      created: 1,
      total: 3,
    });
    expect((await api.get('/target/records/count')).body.count).toBe(3);
    expect(platform.target.get('c')!.data).toEqual({ v: 2 }); // the last of duplicate ids wins
    expect(await api.post('/target/records/batch', { records: [{ id: '', kind: 'card', data: {} }] })).toMatchObject({
      status: 400,
      body: { error: 'records[0].id must be a non-empty string' },
    });
  });

  it('deletes by ids, deletes all only when asked, and purges', async () => {
    platform.target.putMany([record('a'), record('b'), record('c')]);
    expect((await api.delete('/target/records', { ids: ['a', 'zzz'] })).body).toEqual({ deleted: 1, total: 2 });
    expect((await api.delete('/target/records')).status).toBe(400);
    expect(platform.target.size).toBe(2);
    expect((await api.delete('/target/records', { all: true })).body).toEqual({ deleted: 2, total: 0 });
    platform.target.putMany([record('d')]);
    expect((await api.post('/target/purge')).body).toEqual({ deleted: 1, total: 0 });
  });
});

describe('legacy freeze', () => {
  it('blocks legacy writes with 423 while frozen and allows them after unfreeze', async () => {
    const write = (id: string) => api.post('/legacy/records', { id, kind: 'payment', data: { amountCents: 100 } });
    expect((await write('pay-1')).status).toBe(201);
    expect((await api.post('/legacy/freeze')).body).toEqual({ frozen: true, wasFrozen: false });
    expect((await api.post('/legacy/freeze')).body).toEqual({ frozen: true, wasFrozen: true });
    expect(await write('pay-2')).toMatchObject({ status: 423, body: { error: expect.stringMatching(/frozen/) } });
    expect(platform.legacy.has('pay-2')).toBe(false);
    expect((await api.get('/legacy/records')).status).toBe(200); // reads still work: the migration pages a frozen store
    expect((await api.post('/legacy/unfreeze')).body).toEqual({ frozen: false, wasFrozen: true });
    expect((await write('pay-2')).status).toBe(201);
    expect(
      await api.post('/legacy/records', { id: 'pay-2', kind: 'payment', data: { amountCents: 200 } }),
    ).toMatchObject({ status: 200, body: { created: false } });
    expect(platform.legacy.size).toBe(2);
  });
});

describe('switches and metrics', () => {
  it('switches SSO, flags and cohorts, answering what was there before', async () => {
    expect((await api.post('/sso/switch', { to: 'target' })).body).toEqual({ sso: 'target', previous: 'legacy' });
    expect((await api.post('/flags/new-cards', { enabled: true })).body).toEqual({
      flag: 'new-cards',
      enabled: true,
      previous: null,
    });
    expect((await api.post('/flags/new-cards', { enabled: false })).body).toEqual({
      flag: 'new-cards',
      enabled: false,
      previous: true,
    });
    expect((await api.post('/cohorts/open', { stage: 'pilot' })).body).toEqual({
      stage: 'pilot',
      open: true,
      wasOpen: false,
    });
    expect((await api.post('/cohorts/close', { stage: 'pilot' })).body).toEqual({
      stage: 'pilot',
      open: false,
      wasOpen: true,
    });
    expect((await api.post('/cohorts/open', { stage: 'some' })).status).toBe(400);
    expect((await api.post('/sso/switch', { to: 'elsewhere' })).status).toBe(400);
    expect((await api.get('/admin/state')).body).toMatchObject({
      sso: 'target',
      flags: { 'new-cards': false },
      cohorts: { pilot: false, everyone: false },
    });
  });
});

describe('fault injection', () => {
  it('failStep fails the next `times` calls to a path with the status, then lets calls through', async () => {
    expect(
      (await api.post('/admin/faults', { failStep: { path: '/legacy/freeze', times: 2, status: 503 } })).body,
    ).toEqual({
      faults: {
        failStep: [{ path: '/legacy/freeze', status: 503, times: 2 }],
        failAfterRecords: null,
        latencyMs: 0,
        metrics: {},
      },
    });
    expect(await api.post('/legacy/freeze')).toMatchObject({ status: 503, body: { injected: true } });
    expect(platform.legacy.frozen).toBe(false); // a failed call does nothing
    expect((await api.post('/legacy/freeze')).status).toBe(503);
    expect((await api.post('/legacy/freeze')).status).toBe(200);
    expect(platform.counters.get('injectedFailures', 'POST /legacy/freeze')).toBe(2);
    expect(platform.faults.snapshot().failStep).toEqual([]);
  });

  it('failStep without times fails every call until cleared; other paths are untouched', async () => {
    await api.post('/admin/faults', {
      failStep: [{ path: '/legacy/unfreeze' }, { path: '/legacy/checksum', status: 502 }],
    });
    for (let i = 0; i < 3; i++) expect((await api.post('/legacy/unfreeze')).status).toBe(500);
    expect((await api.get('/legacy/checksum')).status).toBe(502);
    expect((await api.post('/legacy/freeze')).status).toBe(200);
    await api.post('/admin/faults', { failStep: { path: '/legacy/checksum', times: 0 } }); // removes one rule
    expect((await api.get('/legacy/checksum')).status).toBe(200);
    expect((await api.post('/legacy/unfreeze')).status).toBe(500);
    await api.post('/admin/faults', { failStep: null }); // removes all
    expect((await api.post('/legacy/unfreeze')).status).toBe(200);
  });

  it('refuses unknown or malformed faults without changing anything', async () => {
    expect(await api.post('/admin/faults', { failstep: { path: '/legacy/freeze' } })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/unknown fault failstep/) },
    });
    expect((await api.post('/admin/faults', { failStep: { path: '/admin/reset' } })).status).toBe(400);
    expect((await api.post('/admin/faults', { latencyMs: 10, failStep: { path: '/x', status: 200 } })).status).toBe(
      400,
    );
    expect((await api.post('/admin/faults', { metrics: { errorRate: 2 } })).status).toBe(400);
    expect(platform.faults.snapshot()).toEqual({ failStep: [], failAfterRecords: null, latencyMs: 0, metrics: {} });
  });

  it('failAfterRecords fails the batch once the target holds that many records, and a resumed copy stores each record once', async () => {
    platform.seed(demoDataset({ accounts: 4, cards: 4, payments: 4 }));
    const legacy = platform.legacy.checksum();
    await api.post('/admin/faults', { failAfterRecords: 5 });
    const [firstBatch, secondBatch] = [
      platform.legacy.page(undefined, 3).records,
      platform.legacy.page('acc-00003', 3).records,
    ];
    expect((await api.post('/target/records/batch', { records: firstBatch }, 'b-0')).body).toEqual({
      stored: 3,
      created: 3,
      total: 3,
    });
    const crash = await api.post('/target/records/batch', { records: secondBatch }, 'b-1');
    expect(crash).toMatchObject({ status: 500, body: { injected: true, stored: 2, created: 2, total: 5 } });
    expect(platform.target.size).toBe(5); // part of the batch was written before the "crash"
    expect((await api.post('/target/records/batch', { records: secondBatch }, 'b-1')).status).toBe(500); // still failing

    await api.post('/admin/faults', { failAfterRecords: null });
    // The retry of the crashed batch (same key: its failure was not kept) and the rest of the copy.
    expect((await api.post('/target/records/batch', { records: secondBatch }, 'b-1')).body).toEqual({
      stored: 3,
      created: 1,
      total: 6,
    });
    await api.post('/target/records/batch', { records: platform.legacy.page('card-00002', 100).records }, 'b-2');
    expect((await api.get('/target/checksum')).body).toEqual(legacy);
    expect(platform.target.size).toBe(12);
  });

  it('latencyMs delays migration answers (not admin ones) and still does the work', async () => {
    await api.post('/admin/faults', { latencyMs: 400 });
    const slow = await api.post('/legacy/freeze');
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(390);
    expect((await api.get('/admin/state?records=false')).ms).toBeLessThan(300);

    // A client that gives up early: the call still happens, and its key absorbs the retry.
    const aborted = fetch(`${platform.url}/sso/switch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'sso-slow' },
      body: JSON.stringify({ to: 'target' }),
      signal: AbortSignal.timeout(50),
    });
    await expect(aborted).rejects.toThrow();
    expect(platform.switches.sso).toBe('legacy'); // not yet: the answer is still being delayed
    await new Promise((resolve) => setTimeout(resolve, 550));
    expect(platform.switches.sso).toBe('target');
    expect(await api.post('/sso/switch', { to: 'target' }, 'sso-slow')).toMatchObject({
      status: 200,
      body: { previous: 'legacy' },
      replayed: true,
    });
  });

  it('metrics replace the healthy defaults of GET /health/metrics', async () => {
    const healthy = (await api.get('/health/metrics')).body;
    expect(healthy).toEqual({
      errorRate: 0.001,
      authSuccessRate: 0.999,
      transactionSuccessRate: 0.998,
      ticketVolume: 2,
    });
    await api.post('/admin/faults', { metrics: { errorRate: 0.2 } });
    await api.post('/admin/faults', { metrics: { ticketVolume: 40 } });
    expect((await api.get('/health/metrics')).body).toEqual({ ...healthy, errorRate: 0.2, ticketVolume: 40 });
    await api.post('/admin/faults', { metrics: null });
    expect((await api.get('/health/metrics')).body).toEqual(healthy);
  });
});

describe('staging', () => {
  it('is a separate store behind the same target API', async () => {
    platform.seed([record('a'), record('b'), record('c', 'card')]);
    await copyAll('/staging/target', 2);
    expect((await api.get('/staging/target/checksum')).body).toEqual((await api.get('/legacy/checksum')).body);
    expect((await api.get('/staging/target/records/count')).body.count).toBe(3);
    expect((await api.get('/target/records/count')).body.count).toBe(0);
    expect((await api.get('/staging/target/records?limit=2')).body).toMatchObject({ nextAfter: 'b' });

    platform.target.putMany([record('x')]);
    expect((await api.post('/staging/target/purge')).body).toEqual({ deleted: 3, total: 0 });
    expect(platform.target.size).toBe(1); // cleaning up the rehearsal leaves the target alone
    expect((await api.delete('/staging/target/records', { ids: ['x'] })).body).toEqual({ deleted: 0, total: 0 });
  });
});

describe('state and reset', () => {
  it('reports stores, flags and counters, and reset empties everything', async () => {
    platform.seed([record('a')]);
    await api.post('/legacy/freeze', undefined, 'freeze-key');
    await api.post('/target/records/batch', { records: [record('a')] });
    await api.post('/flags/f', { enabled: true });
    await api.post('/admin/faults', { latencyMs: 1, failAfterRecords: 10 });
    const state = (await api.get('/admin/state')).body;
    expect(state).toMatchObject({
      legacy: { frozen: true, count: 1, records: [record('a')] },
      target: { count: 1, stats: { writes: 1, overwrites: 0, deletes: 0 } },
      staging: { count: 0 },
      sso: 'legacy',
      flags: { f: true },
      faults: { latencyMs: 1, failAfterRecords: 10 },
      counters: { executed: { 'POST /legacy/freeze': 1, 'POST /target/records/batch': 1, 'POST /flags/f': 1 } },
      idempotencyKeys: 3,
    });
    expect((await api.get('/admin/state?records=false')).body.legacy.records).toBeUndefined();

    expect((await api.post('/admin/reset')).body).toEqual({ reset: true });
    expect((await api.get('/admin/state')).body).toEqual({
      legacy: {
        frozen: false,
        count: 0,
        byKind: { account: 0, card: 0, payment: 0 },
        stats: { writes: 0, overwrites: 0, deletes: 0 },
        records: [],
      },
      target: {
        count: 0,
        byKind: { account: 0, card: 0, payment: 0 },
        stats: { writes: 0, overwrites: 0, deletes: 0 },
        records: [],
      },
      staging: {
        count: 0,
        byKind: { account: 0, card: 0, payment: 0 },
        stats: { writes: 0, overwrites: 0, deletes: 0 },
        records: [],
      },
      sso: 'legacy',
      flags: {},
      cohorts: { pilot: false, everyone: false },
      faults: { failStep: [], failAfterRecords: null, latencyMs: 0, metrics: {} },
      counters: { requests: {}, executed: {}, replayed: {}, injectedFailures: {} },
      idempotencyKeys: 0,
    });
    // Keys are forgotten too: the same key does the work again.
    expect(await api.post('/legacy/freeze', undefined, 'freeze-key')).toMatchObject({
      replayed: false,
      body: { wasFrozen: false },
    });
  });
});

describe('the demo sandbox (main.ts)', () => {
  it('generates the same dataset every time, with cards and payments pointing at existing records', () => {
    const a = demoDataset();
    expect(a).toEqual(demoDataset());
    expect(a.filter((r) => r.kind === 'account')).toHaveLength(500);
    expect(a.filter((r) => r.kind === 'card')).toHaveLength(1000);
    expect(a.filter((r) => r.kind === 'payment')).toHaveLength(2000);
    const ids = new Set(a.map((r) => r.id));
    expect(ids.size).toBe(3500);
    expect(
      a.every((r) =>
        r.kind === 'card'
          ? ids.has(r.data.accountId as string)
          : r.kind === 'payment'
            ? ids.has(r.data.cardId as string)
            : true,
      ),
    ).toBe(true);
  });

  it('starts on SANDBOX_PORT with the demo dataset loaded', async () => {
    const demo = await startDemoSandbox({ SANDBOX_PORT: '0' });
    try {
      expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const checksum = (await fetch(`${demo.url}/legacy/checksum`).then((r) => r.json())) as {
        count: number;
        byKind: unknown;
      };
      expect(checksum).toMatchObject({ count: 3500, byKind: { account: 500, card: 1000, payment: 2000 } });
    } finally {
      await demo.close();
    }
    await expect(startDemoSandbox({ SANDBOX_PORT: 'forty' })).rejects.toThrow(
      "SANDBOX_PORT must be a TCP port (0-65535), got 'forty'",
    );
  });
});
