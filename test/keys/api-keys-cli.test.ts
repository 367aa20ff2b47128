/**
 * `npm run api-keys`, as operators and scripts run it, against DATABASE_URL (the test database):
 * create prints the key alone on the last line of stdout (below npm's own banner) and it
 * verifies with the role given; list shows it without its secret; revoke makes it fail; bad
 * arguments exit 2 naming what is wrong. The real npm command runs once (it builds first); the
 * other commands run the built script directly, which is what npm runs after the build.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { PRINCIPAL_ROLES } from '../../src/domain/principal-roles';
import { EMBEDDED_DATABASE, embeddedDatabaseUrl } from '../../src/infra/embedded-database';
import { ApiKeyStore } from '../../src/persistence/api-key-store';
import { dataSourceOptions, migrate } from '../../src/persistence/data-source';
import { freePort } from '../support/free-port';
import { testEnv } from '../support/test-env';

jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'dist/src/keys/api-keys-cli.js');
let dataSource: DataSource;
let store: ApiKeyStore;

beforeAll(async () => {
  dataSource = await new DataSource(dataSourceOptions(testEnv('databaseUrl'))).initialize();
  store = new ApiKeyStore(dataSource);
});

afterAll(async () => {
  await dataSource?.query(`DELETE FROM api_keys WHERE name LIKE 'cli test:%' OR name = 'ops'`);
  await dataSource?.destroy();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: testEnv('databaseUrl'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const keysCli = (...args: string[]) => run(process.execPath, [cli, ...args]);
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)!;

it('creates a key with `npm run api-keys -- create`: the last line of stdout is the key, and it verifies as admin', async () => {
  const created = await run('npm', ['run', 'api-keys', '--', 'create', '--role', 'admin', '--name', 'ops']);
  expect(created).toMatchObject({ code: 0 });
  // npm's banner comes first on stdout; the key is alone on the last line.
  expect(created.stdout).toContain('> onboarding-orchestrator@');
  const key = lastLine(created.stdout);
  expect(key).toMatch(/^oo_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$/);
  expect(await store.verify(key)).toMatchObject({ name: 'ops', roles: ['admin'], prefix: key.slice(0, 11) });
  expect(created.stderr).toContain(`created API key ${key.slice(0, 11)} 'ops'`);
});

it('lists keys without their secret, and revoke <prefix> makes the key fail (again: still revoked, exit 0)', async () => {
  const created = await keysCli(
    'create',
    '--role',
    'csm',
    '--role',
    'cs-lead',
    '--name',
    'cli test: ana',
    '--csm',
    'csm-ana',
  );
  expect(created.code).toBe(0);
  const key = lastLine(created.stdout);
  expect(created.stdout.trim()).toBe(key);
  const prefix = key.slice(0, 11);
  expect(await store.verify(key)).toMatchObject({ roles: ['csm', 'cs-lead'], csmId: 'csm-ana' });

  const listed = await keysCli('list');
  expect(listed.code).toBe(0);
  const [header, ...rows] = listed.stdout.trimEnd().split('\n');
  expect(header.split(/\s{2,}/)).toEqual(['PREFIX', 'NAME', 'ROLES', 'CSM', 'CREATED', 'REVOKED', 'LAST USED']);
  const row = rows.find((r) => r.startsWith(prefix))!;
  expect(row.split(/\s{2,}/)).toEqual([
    prefix,
    'cli test: ana',
    'csm,cs-lead',
    'csm-ana',
    expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    '-',
    expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
  ]);
  expect(listed.stdout).not.toContain(key.slice(12));

  const revoked = await keysCli('revoke', prefix);
  expect(revoked).toMatchObject({
    code: 0,
    stdout: `revoked ${prefix} 'cli test: ana' (a running API stops accepting it within 30 s)\n`,
  });
  expect(await store.verify(key)).toBeUndefined();
  const again = await keysCli('revoke', prefix);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain(`${prefix} 'cli test: ana' was already revoked at `);
  const revokedRow = (await keysCli('list')).stdout.split('\n').find((r) => r.startsWith(prefix))!;
  expect(revokedRow.split(/\s{2,}/)[5]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

it('exits 2 with a message naming what is wrong', async () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /name a command: create, list or revoke/],
    [['rotate'], /unknown command 'rotate'/],
    [['create', '--name', 'cli test: x'], /create needs --role/],
    [['create', '--role', 'admin'], /create needs --name/],
    [['create', '--rol', 'admin', '--name', 'x'], /Unknown option '--rol'/],
    [
      ['create', '--role', 'root', '--name', 'cli test: x'],
      new RegExp(`unknown role 'root': a role is one of ${PRINCIPAL_ROLES.join(', ')}`),
    ],
    [['revoke'], /revoke takes exactly one key prefix/],
    [['revoke', 'oo_nosuchky'], /no API key has the prefix oo_nosuchky/],
    [['revoke', 'nonsense'], /'nonsense' is not a key prefix/],
  ];
  const results = await Promise.all(cases.map(([args]) => keysCli(...args)));
  results.forEach((result, i) => {
    expect({ args: cases[i][0], code: result.code, stdout: result.stdout }).toEqual({
      args: cases[i][0],
      code: 2,
      stdout: '',
    });
    expect(result.stderr).toMatch(cases[i][1]);
  });
  expect(Number((await dataSource.query(`SELECT count(*) AS n FROM api_keys WHERE name = 'cli test: x'`))[0].n)).toBe(
    0,
  );
});

it('says to run npm start or npm run migrate when the database has no api_keys table', async () => {
  const url = new URL(testEnv('databaseUrl'));
  url.pathname = '/postgres'; // the server's own database: never migrated
  const result = await run(process.execPath, [cli, 'list'], { DATABASE_URL: url.toString() });
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/has no api_keys table yet: run npm start \(it migrates\), or npm run migrate/);
});

describe('without DATABASE_URL, the embedded PostgreSQL of npm start', () => {
  it("is where the key goes: EMBEDDED_POSTGRES_PORT on 127.0.0.1, with the stack's user, password and database", async () => {
    const testUrl = new URL(testEnv('databaseUrl'));
    // Only when the test database is itself an embedded PostgreSQL (not TEST_DATABASE_URL's server).
    if (embeddedDatabaseUrl(Number(testUrl.port), testUrl.pathname.slice(1)) !== testEnv('databaseUrl')) return;
    const stackUrl = embeddedDatabaseUrl(Number(testUrl.port));
    const [{ exists }] = await dataSource.query(`SELECT count(*) > 0 AS exists FROM pg_database WHERE datname = $1`, [
      EMBEDDED_DATABASE,
    ]);
    if (!exists) await dataSource.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
    await migrate(stackUrl);

    const created = await run(process.execPath, [cli, 'create', '--role', 'operator', '--name', 'cli test: embedded'], {
      DATABASE_URL: '',
      EMBEDDED_POSTGRES_PORT: testUrl.port,
    });
    expect(created.code).toBe(0);
    const stackDb = await new DataSource(dataSourceOptions(stackUrl)).initialize();
    try {
      expect(await new ApiKeyStore(stackDb).verify(lastLine(created.stdout))).toMatchObject({ roles: ['operator'] });
    } finally {
      await stackDb.destroy();
    }
  });

  it('that is not running: says so, and what to check', async () => {
    const port = await freePort();
    const result = await run(process.execPath, [cli, 'list'], {
      DATABASE_URL: '',
      EMBEDDED_POSTGRES_PORT: String(port),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot connect to the embedded PostgreSQL on 127.0.0.1:${port}`);
    expect(result.stderr).toContain('Is npm start running with the same DATA_DIR and EMBEDDED_POSTGRES_PORT?');
  });
});
