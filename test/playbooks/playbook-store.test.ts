/**
 * PlaybookStore on the real PostgreSQL: versions are assigned (max + 1), also under concurrent
 * publishes, an invalid playbook stores nothing, and seeding the defaults is idempotent.
 * The database is shared with other test files: assertions are relative to what is there.
 */
import { DataSource } from 'typeorm';
import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import type { Tier } from '../../src/domain/segment';
import { dataSourceOptions } from '../../src/persistence/data-source';
import { PlaybookNotPublishedError, PlaybookStore } from '../../src/playbooks/playbook-store';
import { testEnv } from '../support/test-env';

let dataSource: DataSource;
let store: PlaybookStore;

beforeAll(async () => {
  dataSource = await new DataSource(dataSourceOptions(testEnv('databaseUrl'))).initialize();
  store = new PlaybookStore(dataSource);
  await store.seedDefaults();
});

afterAll(async () => {
  // New onboardings start on the latest version: leave the shared database as the other test files expect it.
  await dataSource?.query(`DELETE FROM playbooks WHERE published_by = 'test:store'`);
  await dataSource?.destroy();
});

const count = async (tier: Tier) =>
  Number((await dataSource.query('SELECT count(*) AS n FROM playbooks WHERE tier = $1', [tier]))[0].n);
const named = (tier: Tier, name: string) => ({ ...structuredClone(DEFAULT_PLAYBOOKS[tier]), name });

it('seeds version 1 of each default playbook, and seeding again changes nothing', async () => {
  const before = await dataSource.query(
    'SELECT tier, version, published_at FROM playbooks WHERE version = 1 ORDER BY tier',
  );
  await store.seedDefaults();
  await store.seedDefaults();
  const after = await dataSource.query(
    'SELECT tier, version, published_at FROM playbooks WHERE version = 1 ORDER BY tier',
  );
  expect(after).toEqual(before);
  expect(after.map((r: any) => r.tier)).toEqual(['high-touch', 'self-service', 'tech-touch']);
  for (const tier of Object.keys(DEFAULT_PLAYBOOKS) as Tier[]) {
    expect(await store.get(tier, 1)).toEqual(DEFAULT_PLAYBOOKS[tier]);
  }
});

it('publishes as the highest version plus one, whatever version the definition says', async () => {
  const latest = await store.latest('tech-touch');
  const published = await store.publish(
    'tech-touch',
    { ...named('tech-touch', 'store test: max+1'), version: 42 },
    'test:store',
    'why not',
  );
  expect(published).toMatchObject({ ok: true, playbook: { version: latest.version + 1, name: 'store test: max+1' } });
  expect(await store.latest('tech-touch')).toMatchObject({ version: latest.version + 1, name: 'store test: max+1' });
  expect(await store.get('tech-touch', latest.version)).toEqual(latest); // the earlier version is untouched

  const listed = (await store.list()).find((s) => s.tier === 'tech-touch' && s.version === latest.version + 1);
  expect(listed).toEqual({
    tier: 'tech-touch',
    version: latest.version + 1,
    name: 'store test: max+1',
    publishedAt: expect.any(Date),
    publishedBy: 'test:store',
    notes: 'why not',
  });
});

it('gives concurrent publishes distinct consecutive versions', async () => {
  // A few rounds: a lost race (two transactions reading the same max) does not show every time.
  for (let round = 1; round <= 3; round++) {
    const start = (await store.latest('self-service')).version;
    const results = await Promise.all(
      [1, 2, 3].map((n) =>
        store.publish('self-service', named('self-service', `store test: concurrent ${round}.${n}`), 'test:store'),
      ),
    );
    const versions = results.map((r) => (r.ok ? r.playbook.version : NaN)).sort((a, b) => a - b);
    expect(versions).toEqual([start + 1, start + 2, start + 3]);
    const stored = await Promise.all(versions.map((v) => store.get('self-service', v)));
    expect(new Set(stored.map((p) => p?.name)).size).toBe(3);
  }
});

it('stores nothing for an invalid playbook, and says why', async () => {
  const before = await count('high-touch');
  const bad: any = named('high-touch', 'store test: invalid');
  bad.tasks[0].dependsOn = ['no-such-task'];
  const result = await store.publish('high-touch', bad, 'test:store');
  expect(result).toEqual({
    ok: false,
    errors: [{ path: 'tasks[0].dependsOn[0]', message: 'unknown task "no-such-task"' }],
  });
  expect(await count('high-touch')).toBe(before);
});

it('refuses a definition whose tier is not the one published, naming tier', async () => {
  const before = await count('high-touch');
  const result = await store.publish('high-touch', named('tech-touch', 'store test: wrong tier'), 'test:store');
  expect(result).toEqual({
    ok: false,
    errors: [{ path: 'tier', message: 'tier "tech-touch" does not match the tier being published ("high-touch")' }],
  });
  expect(await count('high-touch')).toBe(before);
});

it('answers undefined for a missing version, and throws a clear error for a tier with none', async () => {
  expect(await store.get('high-touch', 9999)).toBeUndefined();
  await expect(store.latest('no-such-tier' as Tier)).rejects.toThrow(new PlaybookNotPublishedError('no-such-tier'));
  await expect(store.latest('no-such-tier' as Tier)).rejects.toThrow(
    'no playbook is published for tier "no-such-tier"',
  );
});
