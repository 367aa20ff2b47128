import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';

/**
 * OpenTelemetry traces, on when OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter reads it and the
 * other OTEL_* variables itself, and sends OTLP over HTTP to `<endpoint>/v1/traces`). One
 * provider per process, registered globally (context through AsyncLocalStorage, W3C trace
 * context): the API's request span (api/metrics/request-tracing.ts) is the parent of the Temporal
 * client's StartWorkflow and update spans, which Temporal's interceptors carry in headers to the
 * workflow and its activities (@temporalio/interceptors-opentelemetry's plugin, on the clients
 * and the worker). Off, nothing is installed and the request middleware's tracer is a no-op.
 */
let installed: { plugin: OpenTelemetryPlugin; provider: NodeTracerProvider } | undefined;

export function installTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (installed || !env.OTEL_EXPORTER_OTLP_ENDPOINT) return Boolean(installed);
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME || serviceName });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  installed = { provider, plugin: new OpenTelemetryPlugin({ resource, spanProcessor }) };
  return true;
}

/** The Temporal plugin for clients and workers, when tracing is on. */
export function tracingPlugins(): OpenTelemetryPlugin[] {
  return installed ? [installed.plugin] : [];
}

/** Sends the spans still buffered, then stops exporting (at shutdown). */
export async function stopTracing(): Promise<void> {
  await installed?.provider.shutdown();
}
