import { DataSource, DataSourceOptions } from 'typeorm';
import { OnboardingRecord } from './entities/onboarding-record.entity';
import { CreateOnboardings1764150000000 } from './migrations/1764150000000-CreateOnboardings';

export const ENTITIES = [OnboardingRecord];
export const MIGRATIONS = [CreateOnboardings1764150000000];

/** Schema changes go through migrations only; `synchronize` stays off everywhere. */
export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
  };
}

/** Applies pending migrations and closes the connection again. */
export async function migrate(databaseUrl: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(databaseUrl));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations();
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
