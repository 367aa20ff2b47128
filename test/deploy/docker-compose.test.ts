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

it('runs PostgreSQL, Temporal on it, the Temporal UI, and migrate, worker and api from this repo', () => {
  const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'));
  const services = compose.services;
  expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'postgres', 'temporal', 'temporal-ui', 'worker']);
  expect(services.temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgres' });
  for (const name of ['api', 'worker', 'migrate']) {
    expect(services[name].build).toBe('.');
    expect(services[name].environment.DATABASE_URL).toMatch(/@postgres:5432\//);
  }
  for (const name of ['api', 'worker']) {
    expect(services[name].environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(services[name].depends_on.migrate.condition).toBe('service_completed_successfully');
    const entry = services[name].command.at(-1);
    expect(fs.existsSync(path.join(root, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
  }
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
