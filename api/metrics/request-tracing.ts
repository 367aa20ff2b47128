import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { routeOf } from './http-metrics';

const tracer = trace.getTracer('onboarding-api');

/**
 * A server span per request (src/infra/tracing.ts; a no-op unless OTEL_EXPORTER_OTLP_ENDPOINT is
 * set), continuing the caller's W3C `traceparent` if any. Named and labelled like the metrics:
 * method and route template, never the path with its ids.
 */
export function requestTracing(req: Request, res: Response, next: NextFunction): void {
  const parent = propagation.extract(context.active(), req.headers);
  const span = tracer.startSpan(
    req.method,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
    parent,
  );
  res.once('close', () => {
    const route = routeOf(req);
    span.updateName(`${req.method} ${route}`);
    span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), next);
}
