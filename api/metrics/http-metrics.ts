import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Prometheus's text exposition format. */
export const PROMETHEUS_TEXT = Registry.PROMETHEUS_CONTENT_TYPE;

/** The methods HTTP clients use; anything else is counted as 'other', so a client cannot add label values. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** A request no route matched (a 404, a static file of the OpenAPI page): one series, whatever its path. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Process-wide: the Node process's default metrics (CPU, memory, event loop lag, GC), collected
 * once per process however many apps it builds (the tests build many).
 */
let processMetrics: Registry | undefined;
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

/**
 * The API's request metrics, Prometheus's way (prom-client): a counter and a latency histogram by
 * method, route template and status. The route is the template Express matched
 * (`/onboardings/:id`), never the path, so no id, account or e-mail ever becomes a label, and the
 * number of series is bounded by the routes the API has, whatever paths clients send.
 */
@Injectable()
export class HttpMetrics {
  private readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered by the API, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to the end of its answer, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Express middleware, first in the chain: times every request, answered by a route or not. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const end = this.duration.startTimer();
    let recorded = false;
    const record = (status: string) => {
      if (recorded) return;
      recorded = true;
      const labels = { method: METHODS.has(req.method) ? req.method : 'other', route: routeOf(req), status };
      end(labels);
      this.requests.inc(labels);
    };
    res.once('finish', () => record(String(res.statusCode)));
    // The client went away before the answer was sent.
    res.once('close', () => record('aborted'));
    next();
  };

  /** The Prometheus text: the process's metrics, then the requests'. */
  async text(): Promise<string> {
    return `${await processRegistry().metrics()}\n${await this.registry.metrics()}`;
  }
}

/** The route template Express matched; it stays on the request once a route handled it. */
export function routeOf(req: Request): string {
  const path: unknown = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : UNMATCHED_ROUTE;
}
