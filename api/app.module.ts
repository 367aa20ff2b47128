import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ConnectionDraining } from './common/connection-draining';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Client } from '@temporalio/client';
import { loadSettings } from '../src/config/settings';
import { AuthModule } from './auth/auth.module';
import type { AuthOptions } from './auth/auth.options';
import { CodecModule } from './codec/codec.module';
import type { CodecOptions } from './codec/codec.options';
import { CrmWebhooksModule } from './crm-webhooks/crm-webhooks.module';
import type { CrmWebhooksOptions } from './crm-webhooks/crm-webhooks.options';
import { dataSourceOptions } from '../src/persistence/data-source';
import { PathParamPipe } from './common/path-param';
import { ChangeFeedModule } from './common/change-feed.module';
import { DependencyDeadlineInterceptor } from './common/dependency-deadline.interceptor';
import { IdempotencyModule, IdempotencyOptions } from './common/idempotency.module';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { TemporalModule } from './common/temporal.module';
import { requestValidationPipe } from './common/validation';
import { CutoversModule } from './cutovers/cutovers.module';
import { DashboardsModule } from './dashboards/dashboards.module';
import type { RedFlagThresholds } from '../src/domain/red-flags';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { OnboardingsModule } from './onboardings/onboardings.module';
import { PlaybooksModule } from './playbooks/playbooks.module';
import { ReportsModule } from './reports/reports.module';
import { RosterModule } from './roster/roster.module';
import { SegmentationModule } from './segmentation/segmentation.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { PagesModule } from './pages/pages.module';
import { PortfolioModule } from './portfolio/portfolio.module';
import { TrackerModule } from './tracker/tracker.module';
import type { PageOptions } from '../src/infra/page-secrets';
import { randomBytes } from 'node:crypto';

export interface AppModuleOptions {
  databaseUrl: string;
  /** Owned by the caller, who closes its connection after the app. */
  temporalClient: Client;
  taskQueue: string;
  /** Deadline of every call to Temporal and PostgreSQL; default API_DEPENDENCY_TIMEOUT_MS (10 s). */
  dependencyTimeoutMs?: number;
  /** Idempotency records: default TTL IDEMPOTENCY_TTL_HOURS (24 h); tests shorten it. */
  idempotency?: Partial<IdempotencyOptions>;
  /** The Web UI's codec endpoint; default: disabled (its routes answer 404). */
  codec?: CodecOptions;
  /** OIDC tokens besides API keys, and whether this is the embedded default; default: keys only, not embedded. */
  auth?: AuthOptions;
  /**
   * Tracker links (signing secret, lifetime, public URL) and the page session secret; default:
   * secrets random per process (tools and tests of other things), links to the local API.
   */
  pages?: PageOptions;
  /** The leadership dashboard's red-flag thresholds; default RED_FLAG_* (60%, 20%, 15%). */
  redFlags?: RedFlagThresholds;
  /** Only to write the OpenAPI document (npm run openapi): nothing connects to the database. */
  documentOnly?: boolean;
  /** The LISTEN connection that invalidates the API's caches (heartbeat, reconnection delay); tests shorten them. */
  changeFeed?: { heartbeatMs?: number; reconnectDelayMs?: number };
  /**
   * How long `GET /onboardings/:id` waits for the workflow's own answer before it answers from the
   * read model, marked as such; default API_LIVE_STATE_TIMEOUT_MS (3 s).
   */
  liveStateTimeoutMs?: number;
  /** Inbound CRM webhooks (src/integrations/crm/crm-webhook-config.ts); default: none configured (their routes answer 404). */
  crmWebhooks?: CrmWebhooksOptions;
}

/** Enough for a request's few sequential calls, each within the deadline, to finish first. */
const LEASE_DEADLINES = 6;
const CLEANUP_EVERY_MS = 15 * 60_000;
const HOUR_MS = 3_600_000;

/**
 * Feature modules (onboardings, cutovers, playbooks, segmentation, roster, reports, health, metrics, webhooks, dashboards,
 * codec, CRM webhooks) over two shared
 * ones: the database and Temporal. Cross-cutting concerns live in api/common and api/auth and are
 * applied here to every route: the bearer guard (each route declares who may call it), the
 * problem-details filter, the path-parameter pipe, the validation pipe and the dependency
 * deadline; routes opt into idempotency keys with `@Idempotent()`.
 */
@Module({})
export class AppModule {
  static forRoot(opts: AppModuleOptions): DynamicModule {
    // Callers that do not say (npm start) get the environment's settings.
    const dependencyTimeoutMs = opts.dependencyTimeoutMs ?? loadSettings().apiDependencyTimeoutMs;
    const idempotency: IdempotencyOptions = {
      ttlMs: opts.idempotency?.ttlMs ?? loadSettings().idempotencyTtlHours * HOUR_MS,
      leaseMs: opts.idempotency?.leaseMs ?? LEASE_DEADLINES * dependencyTimeoutMs,
      cleanupEveryMs: opts.idempotency?.cleanupEveryMs ?? CLEANUP_EVERY_MS,
    };
    const pages = opts.pages ?? {
      trackerLinks: {
        secret: randomBytes(32).toString('base64url'),
        ttlDays: 90,
        publicBaseUrl: 'http://127.0.0.1:3000',
      },
      sessionSecret: randomBytes(32).toString('base64url'),
    };
    const auth = opts.auth ?? { embeddedDefault: false };
    const dashboards = DashboardsModule.forRoot(opts.redFlags ?? loadSettings().redFlags);
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(opts.databaseUrl, { connectMs: dependencyTimeoutMs, queryMs: dependencyTimeoutMs }),
          manualInitialization: opts.documentOnly ?? false,
        }),
        TemporalModule.forRoot({
          client: opts.temporalClient,
          taskQueue: opts.taskQueue,
          dependencyTimeoutMs,
          liveStateTimeoutMs: Math.min(
            opts.liveStateTimeoutMs ?? loadSettings().apiLiveStateTimeoutMs,
            dependencyTimeoutMs,
          ),
        }),
        ChangeFeedModule.forRoot({
          databaseUrl: opts.databaseUrl,
          connectMs: dependencyTimeoutMs,
          enabled: !opts.documentOnly,
          ...opts.changeFeed,
        }),
        AuthModule.forRoot({
          ...auth,
          sessionSecret: pages.sessionSecret,
          secureCookies: pages.trackerLinks.publicBaseUrl.startsWith('https:'),
          publicBaseUrl: pages.trackerLinks.publicBaseUrl,
        }),
        IdempotencyModule.forRoot(idempotency),
        OnboardingsModule,
        CutoversModule,
        PlaybooksModule,
        SegmentationModule,
        RosterModule,
        ReportsModule,
        HealthModule,
        MetricsModule,
        WebhooksModule,
        PortfolioModule,
        PagesModule.forRoot(dashboards),
        TrackerModule.forRoot(pages.trackerLinks),
        dashboards,
        CodecModule.forRoot(opts.codec ?? { enabled: false, payloadCodec: undefined, uiOrigins: [] }),
        CrmWebhooksModule.forRoot(opts.crmWebhooks),
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        // In this order: path parameters are checked before validation turns any into numbers.
        { provide: APP_PIPE, useClass: PathParamPipe },
        { provide: APP_PIPE, useFactory: requestValidationPipe },
        { provide: APP_INTERCEPTOR, useClass: DependencyDeadlineInterceptor },
        ConnectionDraining,
      ],
    };
  }
}
