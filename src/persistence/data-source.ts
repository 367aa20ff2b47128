import { DataSource, type DataSourceOptions } from 'typeorm';
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
import { CreateIdempotencyRecords1764226000000 } from './migrations/1764226000000-CreateIdempotencyRecords';
import { CreateApiKeys1764230000000 } from './migrations/1764230000000-CreateApiKeys';
import { AuditPrincipals1764235000000 } from './migrations/1764235000000-AuditPrincipals';
import { CreateEventWebhooks1764250000000 } from './migrations/1764250000000-CreateEventWebhooks';
import { CreateCrmDeliveries1764260000000 } from './migrations/1764260000000-CreateCrmDeliveries';
import { CreateSatisfactionResponses1764270000000 } from './migrations/1764270000000-CreateSatisfactionResponses';
import { DashboardFacts1764280000000 } from './migrations/1764280000000-DashboardFacts';
import { CreateTrackerLinks1764290000000 } from './migrations/1764290000000-CreateTrackerLinks';
import { CreateReports1764300000000 } from './migrations/1764300000000-CreateReports';
import { DashboardDayRollups1764310000000 } from './migrations/1764310000000-DashboardDayRollups';
import { ChangeNotifications1764320000000 } from './migrations/1764320000000-ChangeNotifications';
import { reconcileDashboardFacts } from './dashboard-facts-backfill';

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
  CreateIdempotencyRecords1764226000000,
  CreateApiKeys1764230000000,
  AuditPrincipals1764235000000,
  CreateEventWebhooks1764250000000,
  CreateCrmDeliveries1764260000000,
  CreateSatisfactionResponses1764270000000,
  DashboardFacts1764280000000,
  CreateTrackerLinks1764290000000,
  CreateReports1764300000000,
  DashboardDayRollups1764310000000,
  ChangeNotifications1764320000000,
];

/**
 * How long a caller waits for PostgreSQL. Without these, a paused or unreachable server holds a
 * pool client (and whoever waits on it) until TCP gives up, minutes later.
 */
export interface DatabaseTimeouts {
  /** Connecting, and waiting for a free pool client. */
  connectMs: number;
  /**
   * One query: the server cancels it after this (`statement_timeout`), and the client stops
   * waiting shortly after (`query_timeout`, for a server that does not answer at all). 0: none.
   */
  queryMs: number;
}

/** For the worker and tools: bounded connects, and a query limit far above any normal query. */
export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { connectMs: 10_000, queryMs: 60_000 };

/** The client-side limit trails the server's, so a live server's own cancellation (57014) wins. */
const CLIENT_TIMEOUT_MARGIN_MS = 250;

/** Schema changes go through migrations only; `synchronize` stays off everywhere. */
export function dataSourceOptions(
  databaseUrl: string,
  timeouts: DatabaseTimeouts = DEFAULT_DATABASE_TIMEOUTS,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    // Passed to pg's Pool and each Client.
    extra: {
      connectionTimeoutMillis: timeouts.connectMs,
      ...(timeouts.queryMs > 0
        ? { statement_timeout: timeouts.queryMs, query_timeout: timeouts.queryMs + CLIENT_TIMEOUT_MARGIN_MS }
        : {}),
    },
  };
}

/**
 * Applies pending migrations, brings the dashboard's derived data up to date (facts missing,
 * counters never built: see reconcileDashboardFacts), and closes the connection again.
 */
export async function migrate(databaseUrl: string): Promise<string[]> {
  // A migration may rewrite a large table: no query limit here.
  const dataSource = new DataSource(
    dataSourceOptions(databaseUrl, { connectMs: DEFAULT_DATABASE_TIMEOUTS.connectMs, queryMs: 0 }),
  );
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations();
    const reconciled = await reconcileDashboardFacts(dataSource);
    if (reconciled.withoutPlaybook.length > 0) {
      // Counts and ids only: these get their facts at their next projection.
      console.warn(
        JSON.stringify({
          msg: 'dashboard facts not backfilled: playbook version not stored',
          onboardings: reconciled.withoutPlaybook.length,
          ids: reconciled.withoutPlaybook.slice(0, 20),
        }),
      );
    }
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
