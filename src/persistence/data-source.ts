import { DataSource, DataSourceOptions } from 'typeorm';
import { NotificationRecord } from './entities/notification.entity';
import { OnboardingRecord } from './entities/onboarding-record.entity';
import { PlaybookVersion } from './entities/playbook-version.entity';
import { SegmentationRuleVersion } from './entities/segmentation-rule-version.entity';
import { CreateOnboardings1764150000000 } from './migrations/1764150000000-CreateOnboardings';
import { CreatePlaybooks1764160000000 } from './migrations/1764160000000-CreatePlaybooks';
import { CreateNotifications1764170000000 } from './migrations/1764170000000-CreateNotifications';
import { JourneyFacts1764180000000 } from './migrations/1764180000000-JourneyFacts';
import { CutoverFacts1764200000000 } from './migrations/1764200000000-CutoverFacts';
import { HypercareFacts1764210000000 } from './migrations/1764210000000-HypercareFacts';
import { CreateSegmentationRules1764190000000 } from './migrations/1764190000000-CreateSegmentationRules';

export const ENTITIES = [OnboardingRecord, NotificationRecord, PlaybookVersion, SegmentationRuleVersion];
// In timestamp order: TypeORM runs them in this order.
export const MIGRATIONS = [
  CreateOnboardings1764150000000,
  CreatePlaybooks1764160000000,
  CreateNotifications1764170000000,
  JourneyFacts1764180000000,
  CreateSegmentationRules1764190000000,
  CutoverFacts1764200000000,
  HypercareFacts1764210000000,
];

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
