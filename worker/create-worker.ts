import { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { type NativeConnection, Runtime, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from '../activities';
import type { Settings } from '../src/config/settings';
import { DEFAULT_DELIVERY_RETRY, type DeliveryRetry } from '../src/contracts/event-delivery.contract';
import { DEFAULT_RED_FLAG_THRESHOLDS, type RedFlagThresholds } from '../src/domain/red-flags';
import { domainCounters } from '../src/infra/domain-counters';
import { deliveryStarter } from '../src/infra/event-delivery-starter';
import { createMailer } from '../src/infra/mailer';
import { tracingPlugins } from '../src/infra/tracing';
import { dataConverter } from '../src/infra/temporal-connection';
import { type TrackerLinkOptions, TrackerLinks } from '../src/tracker/tracker-links';

export interface OnboardingWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dataSource: DataSource;
  maxCachedWorkflows: number;
  /** How long shutdown() lets running activities finish before cancelling them (default 0: at once). */
  workerShutdownGraceMs?: number;
  notifications: Pick<Settings, 'smtpUrl' | 'mailFrom' | 'webhookUrl' | 'webhookSecret'>;
  migrationPlatformUrl: string;
  /** A pre-built bundle (tests bundle once per run); otherwise workflows/ is bundled at start. */
  workflowBundle?: WorkflowBundleOption;
  /** The payload encryption, the same as the clients' (required: undefined only when it is off). */
  payloadCodec: PayloadCodec | undefined;
  /** The backoff of event deliveries to webhook subscriptions (tests shorten it). */
  eventDeliveryRetry?: DeliveryRetry;
  /** Signs the tracker link of the welcome mail (src/infra/page-secrets.ts gives the secret); unset: no link. */
  trackerLinks?: TrackerLinkOptions;
  /** The summary report's red-flag thresholds (settings' RED_FLAG_*, passed with the settings); default: the seed's. */
  redFlags?: RedFlagThresholds;
}

export function createOnboardingWorker(opts: OnboardingWorkerOptions): Promise<Worker> {
  // The projection starts event deliveries: a client over the worker's own connection, with the
  // same payload encryption, starting them on this worker's task queue.
  const client = new Client({
    connection: opts.connection,
    namespace: opts.namespace,
    dataConverter: dataConverter(opts.payloadCodec),
    plugins: tracingPlugins(),
  });
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    dataConverter: dataConverter(opts.payloadCodec),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: workflowsPath() }),
    activities: createActivities({
      dataSource: opts.dataSource,
      mailer: createMailer(opts.notifications),
      mailFrom: opts.notifications.mailFrom,
      migrationPlatformUrl: opts.migrationPlatformUrl,
      redFlags: opts.redFlags ?? DEFAULT_RED_FLAG_THRESHOLDS,
      trackerLinks: opts.trackerLinks && new TrackerLinks(opts.dataSource, opts.trackerLinks),
      // The runtime's meter: exported with the worker's metrics when WORKER_METRICS_ADDRESS is set.
      countEvents: domainCounters(Runtime.instance().metricMeter),
      startDelivery: deliveryStarter(client, opts.taskQueue, opts.eventDeliveryRetry ?? DEFAULT_DELIVERY_RETRY),
      webhook:
        opts.notifications.webhookUrl && opts.notifications.webhookSecret
          ? { url: opts.notifications.webhookUrl, secret: opts.notifications.webhookSecret }
          : undefined,
    }),
    // Each cached workflow holds a V8 context (~1 MB); onboardings mostly sleep on long timers,
    // so a bounded cache is enough: evicted ones are replayed when they wake.
    maxCachedWorkflows: opts.maxCachedWorkflows,
    // Half the workflow task polls on the shared queue (the SDK's default is a fifth): a new
    // onboarding's first task comes from there, the later ones from this worker's sticky queue.
    // With two pollers, a burst of 300 closed-won starts got about 5 first passes a second until
    // the burst ended; with five, the worker keeps pace (npm run bench, catch-up after a burst).
    nonStickyToStickyPollRatio: 1,
    shutdownGraceTime: opts.workerShutdownGraceMs ?? 0,
    // With OTEL_EXPORTER_OTLP_ENDPOINT: workflow and activity spans, children of the caller's.
    plugins: tracingPlugins(),
  });
}

export function workflowsPath(): string {
  return require.resolve('../workflows');
}
