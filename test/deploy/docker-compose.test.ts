/**
 * There is no Docker engine on the development machines, so docker-compose.yml is checked by
 * a compose linter (dclint, against the Compose schema and its rules) and by what it must hold.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '../..');
const dclint = (file: string) =>
  spawnSync(process.execPath, [path.join(root, 'node_modules/dclint/bin/dclint.cjs'), '--max-warnings', '0', file], {
    encoding: 'utf8',
  });

it('passes the compose linter with no errors and no warnings', () => {
  const result = dclint(path.join(root, 'docker-compose.yml'));
  expect(result.stdout + result.stderr).not.toMatch(/error|warning/);
  expect(result.status).toBe(0);
});

it('runs PostgreSQL, the Temporal services as separate containers on it, the UI, and migrate, two workers and api from this repo', () => {
  // `<<` merges the shared blocks (x-temporal-server, x-onboarding-worker) into each service.
  const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
  const services = compose.services;
  expect(Object.keys(services).sort()).toEqual([
    'api',
    'migrate',
    'postgres',
    'temporal-frontend',
    'temporal-history',
    'temporal-matching',
    'temporal-namespace',
    'temporal-schema',
    'temporal-ui',
    'temporal-worker',
    'worker-1',
    'worker-2',
  ]);
  // The real server, one service per container, on PostgreSQL persistence and visibility.
  for (const service of ['frontend', 'history', 'matching', 'worker']) {
    const temporal = services[`temporal-${service}`];
    expect(temporal.image).toMatch(/^temporalio\/server:/);
    expect(temporal.environment).toMatchObject({
      DB: 'postgres12',
      POSTGRES_SEEDS: 'postgres',
      VISIBILITY_DBNAME: 'temporal_visibility',
      TEMPORAL_SERVICES: service,
    });
    expect(temporal.depends_on['temporal-schema'].condition).toBe('service_completed_successfully');
  }
  expect(services['temporal-schema'].command.join(' ')).toContain('schema/postgresql/v12/visibility/versioned');
  for (const name of ['api', 'worker-1', 'worker-2', 'migrate']) {
    expect(services[name].build).toBe('.');
    expect(services[name].environment.DATABASE_URL).toMatch(/@postgres:5432\//);
  }
  for (const name of ['api', 'worker-1', 'worker-2']) {
    expect(services[name].environment.TEMPORAL_ADDRESS).toBe('temporal-frontend:7233');
    expect(services[name].depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(services[name].depends_on['temporal-namespace'].condition).toBe('service_completed_successfully');
    const entry = services[name].command.at(-1);
    expect(fs.existsSync(path.join(root, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
  }
  expect(services['worker-1'].command).toEqual(['node', 'dist/worker/main.js']);
  // The API listens on 127.0.0.1 by default, which a published port cannot reach.
  expect(services.api.environment.HOST).toBe('0.0.0.0');
});

it('fails a broken compose file (the linter is really checking)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-'));
  const file = path.join(dir, 'docker-compose.yml');
  fs.writeFileSync(file, 'services:\n  api:\n    image: 42\n    ports: "3000"\n    restart: sometimes\n');
  try {
    expect(dclint(file).status).not.toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
