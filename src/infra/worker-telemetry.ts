import { type Logger as TemporalLogger, Runtime, type RuntimeOptions } from '@temporalio/worker';
import { describeError } from './logger';

/**
 * The Temporal runtime's options for this process, installed once before any worker or
 * connection (both entry points: worker/main.ts and `npm start`). With WORKER_METRICS_ADDRESS
 * set, the runtime itself serves the worker's metrics (task latencies, slots, schedule-to-start,
 * sticky cache, and the domain counters of src/infra/domain-counters.ts) at
 * http://<address>/metrics in Prometheus's text format. Named the Prometheus way: durations in
 * seconds with the unit in the name, counters ending in _total (deploy/grafana's dashboard reads
 * these names).
 */
export function installTemporalRuntime(opts: {
  logger: TemporalLogger;
  metricsAddress: string | undefined;
  /** [] when the caller owns SIGINT/SIGTERM (npm start); default: the runtime drains its workers on them. */
  shutdownSignals?: NodeJS.Signals[];
}): void {
  const options: RuntimeOptions = {
    logger: opts.logger,
    ...(opts.shutdownSignals ? { shutdownSignals: opts.shutdownSignals } : {}),
    telemetryOptions: {
      logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
      ...(opts.metricsAddress
        ? {
            metrics: {
              prometheus: {
                bindAddress: opts.metricsAddress,
                countersTotalSuffix: true,
                unitSuffix: true,
                useSecondsForDurations: true,
              },
            },
          }
        : {}),
    },
  };
  try {
    Runtime.install(options);
  } catch (err) {
    if (!opts.metricsAddress) throw err;
    // The exporter binds at install: a port in use fails here, before anything else starts.
    throw new Error(`WORKER_METRICS_ADDRESS ${opts.metricsAddress}: ${describeError(err)}`);
  }
}
