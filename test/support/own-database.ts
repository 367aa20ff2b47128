/**
 * A database of a test file's own, migrated, on the run's PostgreSQL: for tests whose rows
 * (subscriptions, onboardings) must not meet other files' workers, or theirs meet ours.
 */
import { Client as PgClient } from 'pg';
import { migrate } from '../../src/persistence/data-source';
import { testEnv } from './test-env';

export interface OwnDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createOwnDatabase(prefix: string): Promise<OwnDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(testEnv('databaseUrl'));
  url.pathname = `/${name}`;
  await migrate(url.toString());
  return { url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name}`) };
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new PgClient({ connectionString: testEnv('databaseUrl') });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
