/**
 * ApiKeyStore on the real PostgreSQL: a key verifies to its principal, only its hash is stored,
 * revoked, malformed and unknown keys do not verify, revocation is idempotent and by prefix, and
 * list never shows a secret. The database is shared with other test files: keys are named here.
 */
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PRINCIPAL_ROLES } from '../../src/domain/principal-roles';
import { ApiKeyInputError, ApiKeyStore } from '../../src/persistence/api-key-store';
import { dataSourceOptions } from '../../src/persistence/data-source';
import { testEnv } from '../support/test-env';

let dataSource: DataSource;
let store: ApiKeyStore;

beforeAll(async () => {
  dataSource = await new DataSource(dataSourceOptions(testEnv('databaseUrl'))).initialize();
  store = new ApiKeyStore(dataSource);
});

afterAll(async () => {
  await dataSource?.query(`DELETE FROM api_keys WHERE name LIKE 'store test:%'`);
  await dataSource?.destroy();
});

const KEY = /^oo_([A-Za-z0-9_-]{8})_[A-Za-z0-9_-]{43}$/;

it('creates a key that verifies to its principal, and stores its SHA-256, never the key', async () => {
  const { key, summary } = await store.create({
    name: 'store test: crm',
    roles: ['cs-platform', 'csm'],
    csmId: 'csm-ana',
  });
  expect(key).toMatch(KEY);
  const prefix = `oo_${KEY.exec(key)![1]}`;
  expect(summary).toMatchObject({ prefix, name: 'store test: crm', roles: ['cs-platform', 'csm'], csmId: 'csm-ana' });

  expect(await store.verify(key)).toEqual({
    keyId: summary.id,
    prefix,
    name: 'store test: crm',
    roles: ['cs-platform', 'csm'],
    csmId: 'csm-ana',
  });

  const [row] = await dataSource.query(`SELECT * FROM api_keys WHERE id = $1`, [summary.id]);
  expect(row.key_hash).toEqual(createHash('sha256').update(key).digest());
  // Nothing in the row holds the secret part of the key.
  const secret = key.slice(12);
  expect(JSON.stringify(row)).not.toContain(secret);
  expect(row.prefix).toBe(prefix.slice(3));
});

it('marks a verified key used, at most once a minute', async () => {
  const { key, summary } = await store.create({ name: 'store test: used', roles: ['operator'] });
  const lastUsed = async () =>
    (await dataSource.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [summary.id]))[0].last_used_at;
  expect(await lastUsed()).toBeNull();
  await store.verify(key);
  const first = await lastUsed();
  expect(first).toBeInstanceOf(Date);
  await store.verify(key);
  expect(await lastUsed()).toEqual(first);
});

it('verifies nothing that is not a live key: malformed, wrong secret, unknown prefix', async () => {
  const { key } = await store.create({ name: 'store test: guesses', roles: ['admin'] });
  const lastChar = key.at(-1) === 'A' ? 'B' : 'A';
  const otherPrefix = `oo_${key[3] === 'A' ? 'B' : 'A'}${key.slice(4)}`;
  const malformed = ['', 'oo_', key.slice(0, -1), `${key}A`, key.replace('oo_', 'xx_'), ` ${key}`, key.toUpperCase()];
  for (const candidate of [...malformed, key.slice(0, -1) + lastChar, otherPrefix]) {
    expect(await store.verify(candidate)).toBeUndefined();
  }
  expect(await store.verify(undefined as unknown as string)).toBeUndefined();
  expect(await store.verify(key)).toBeDefined();
});

it('revokes by prefix: the key stops verifying, and revoking again changes nothing', async () => {
  const { key, summary } = await store.create({ name: 'store test: revoked', roles: ['csm'] });
  expect(await store.verify(key)).toBeDefined();

  const first = await store.revoke(summary.prefix);
  expect(first).toMatchObject({
    alreadyRevoked: false,
    summary: { prefix: summary.prefix, revokedAt: expect.any(Date) },
  });
  expect(await store.verify(key)).toBeUndefined();

  const again = await store.revoke(summary.prefix);
  expect(again).toMatchObject({ alreadyRevoked: true, summary: { revokedAt: first.summary.revokedAt } });
  expect(await store.verify(key)).toBeUndefined();
});

it('agrees on one revocation when revokes race', async () => {
  const { summary } = await store.create({ name: 'store test: raced', roles: ['csm'] });
  const results = await Promise.all([1, 2, 3].map(() => store.revoke(summary.prefix)));
  expect(results.filter((r) => !r.alreadyRevoked)).toHaveLength(1);
  expect(new Set(results.map((r) => r.summary.revokedAt!.getTime())).size).toBe(1);
});

it('refuses to revoke an unknown or malformed prefix, naming it', async () => {
  await expect(store.revoke('oo_zzzzzzzz')).rejects.toThrow(
    new ApiKeyInputError('no API key has the prefix oo_zzzzzzzz'),
  );
  await expect(store.revoke('oo_short')).rejects.toThrow(/'oo_short' is not a key prefix/);
  await expect(store.revoke('abcdefgh')).rejects.toThrow(
    /'abcdefgh' is not a key prefix: a prefix is oo_ and 8 characters/,
  );
});

it('lists keys with prefix, name, roles, CSM and times, never a secret or hash', async () => {
  const { key, summary } = await store.create({ name: 'store test: listed', roles: ['vp-cs', 'cs-lead'] });
  await store.verify(key);
  const listed = (await store.list()).find((k) => k.id === summary.id);
  expect(listed).toEqual({
    id: summary.id,
    prefix: summary.prefix,
    name: 'store test: listed',
    roles: ['vp-cs', 'cs-lead'],
    createdAt: expect.any(Date),
    lastUsedAt: expect.any(Date),
  });
  expect(JSON.stringify(await store.list())).not.toContain(key.slice(12));
});

it('refuses a key without a name or role, with an unknown role (naming the allowed ones) or a bad CSM id', async () => {
  const count = async () => Number((await dataSource.query(`SELECT count(*) AS n FROM api_keys`))[0].n);
  const before = await count();
  await expect(store.create({ name: ' ', roles: ['admin'] })).rejects.toThrow(/needs a name/);
  await expect(store.create({ name: 'store test: x', roles: [] })).rejects.toThrow(/at least one role/);
  await expect(store.create({ name: 'store test: x', roles: ['admin', 'root'] })).rejects.toThrow(
    new ApiKeyInputError(`unknown role 'root': a role is one of ${PRINCIPAL_ROLES.join(', ')}`),
  );
  await expect(store.create({ name: 'store test: x\u0000', roles: ['admin'] })).rejects.toThrow(/control characters/);
  await expect(store.create({ name: 'store test: two\nlines', roles: ['admin'] })).rejects.toThrow(/one line/);
  await expect(store.create({ name: 'store test: x', roles: ['csm'], csmId: 'a b' })).rejects.toThrow(
    /'a b' is not a CSM id/,
  );
  expect(await count()).toBe(before);
  expect(PRINCIPAL_ROLES).toEqual(
    expect.arrayContaining(['cs-platform', 'csm', 'operator', 'admin', 'cs-lead', 'vp-cs']),
  );
});
