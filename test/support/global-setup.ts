/**
 * Starts the real servers once per jest run: PostgreSQL (embedded, or TEST_DATABASE_URL), the
 * Temporal dev server (the CLI binary from .tools, with the onboarding search attributes), and
 * bundles the workflow code once. Test files find them through TEST_* environment variables.
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import { startEmbeddedPostgres } from '../../src/infra/embedded-postgres';
import { formatKeyList, generateKeySet } from '../../src/infra/payload-codec';
import { devServerSearchAttributeArgs } from '../../src/infra/search-attribute-registry';
import { testingExecutable } from '../../src/infra/temporal-binaries';
import { migrate } from '../../src/persistence/data-source';
import { workflowsPath } from '../../worker/create-worker';
import { freePort } from './free-port';
import { TEST_ENV, type TestGlobals } from './test-env';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-test-'));
  fs.chmodSync(workDir, 0o755); // PostgreSQL runs as its own user and must reach its folder
  const globals: TestGlobals = { workDir };
  (globalThis as any).__ONBOARDING_TEST__ = globals;

  const databaseUrl = await provideDatabase(globals, workDir);
  await migrate(databaseUrl);
  process.env[TEST_ENV.databaseUrl] = databaseUrl;

  const dev = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: testingExecutable('temporal'),
      dbFilename: path.join(workDir, 'temporal.sqlite'),
      extraArgs: [...devServerSearchAttributeArgs(), '--log-level', 'error'],
    },
  });
  globals.devServer = dev;
  process.env[TEST_ENV.temporalAddress] = dev.address;

  // A key set of the run's own, with an older key beside the current one (as after a rotation).
  const keySet = generateKeySet('test-current');
  keySet.keys['test-previous'] = generateKeySet('test-previous').keys['test-previous'];
  process.env[TEST_ENV.payloadKeys] = formatKeyList(keySet);
  process.env[TEST_ENV.payloadKeyId] = keySet.currentKeyId;

  process.env[TEST_ENV.workflowBundle] = await bundle(workDir, 'workflow-bundle.js', []);
  process.env[TEST_ENV.timeSkippingWorkflowBundle] = await bundle(workDir, 'workflow-bundle-time-skipping.js', [
    require.resolve('./drop-search-attribute-upserts'),
  ]);

  console.log(
    `\nglobal setup: PostgreSQL, Temporal dev server and workflow bundle ready in ${Date.now() - started} ms`,
  );
}

async function bundle(workDir: string, file: string, workflowInterceptorModules: string[]): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: workflowsPath(),
    workflowInterceptorModules,
    logger: quietLogger,
  });
  const bundlePath = path.join(workDir, file);
  fs.writeFileSync(bundlePath, code);
  return bundlePath;
}

/** A fresh database per run, on TEST_DATABASE_URL's server or on an embedded one. */
async function provideDatabase(globals: TestGlobals, workDir: string): Promise<string> {
  const external = process.env.TEST_DATABASE_URL;
  if (!external) {
    const pg = await startEmbeddedPostgres({
      dataDir: path.join(workDir, 'postgres'),
      port: await freePort(),
      database: 'onboarding_test',
    });
    globals.postgres = pg;
    return pg.url;
  }
  const name = `onboarding_test_${process.pid}_${Date.now()}`;
  const admin = new PgClient({ connectionString: external });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(external);
  url.pathname = `/${name}`;
  return url.toString();
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
