import type { EmbeddedPostgresHandle } from '../../src/infra/embedded-postgres';

/** What the cluster run's global setup hands to the test file (through the environment). */
export const CLUSTER_ENV = {
  workDir: 'CLUSTER_RUN_WORK_DIR',
  databaseUrl: 'CLUSTER_RUN_DATABASE_URL',
  postgresPort: 'CLUSTER_RUN_POSTGRES_PORT',
} as const;

export interface ClusterGlobals {
  workDir: string;
  postgres?: EmbeddedPostgresHandle;
}

export function clusterEnv(name: keyof typeof CLUSTER_ENV): string {
  const value = process.env[CLUSTER_ENV[name]];
  if (!value) throw new Error(`${CLUSTER_ENV[name]} is not set: run the test with npm run test:cluster`);
  return value;
}
