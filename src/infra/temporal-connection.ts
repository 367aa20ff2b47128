import { Client, Connection } from '@temporalio/client';
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';
import { tracingPlugins } from './tracing';

/**
 * The one place where the API, the worker, `npm start`, the replay tool and the tests connect to
 * Temporal. Connection settings come from Temporal's own conventions (@temporalio/envconfig: the
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY and TEMPORAL_TLS* variables, or a
 * profile file), so pointing at a self-hosted cluster or Temporal Cloud needs no code. An
 * explicit address (the embedded dev server, a test server) overrides them. Client options that
 * every caller must share (a data converter, interceptors) belong in `clientOptions` here.
 */
export function temporalConnectConfig(address?: string, namespace?: string) {
  const config = loadClientConnectConfig();
  return {
    connectionOptions: { ...config.connectionOptions, ...(address ? { address } : {}) },
    namespace: namespace ?? config.namespace ?? 'default',
  };
}

export interface TemporalClientHandle {
  client: Client;
  connection: Connection;
  namespace: string;
}

/**
 * `payloadCodec`: the payload encryption (src/infra/payload-encryption.ts). Every client that
 * reads or writes workflow data passes it; only a client that touches no payloads (registering
 * search attributes, fetching a history to replay) or a test that reads what the server stores
 * goes without.
 */
export async function connectClient(
  address?: string,
  namespace?: string,
  payloadCodec?: PayloadCodec,
): Promise<TemporalClientHandle> {
  const { connectionOptions, namespace: ns } = temporalConnectConfig(address, namespace);
  const connection = await Connection.connect(connectionOptions);
  return { client: new Client(clientOptions(connection, ns, payloadCodec)), connection, namespace: ns };
}

export async function connectWorker(address?: string, namespace?: string) {
  const { connectionOptions, namespace: ns } = temporalConnectConfig(address, namespace);
  return { connection: await NativeConnection.connect(connectionOptions), namespace: ns };
}

function clientOptions(connection: Connection, namespace: string, payloadCodec: PayloadCodec | undefined) {
  // With OTEL_EXPORTER_OTLP_ENDPOINT: Temporal's OpenTelemetry interceptors (src/infra/tracing.ts).
  return { connection, namespace, dataConverter: dataConverter(payloadCodec), plugins: tracingPlugins() };
}

/** The data converter of clients, workers and replays: the default converters, then the codec. */
export function dataConverter(payloadCodec: PayloadCodec | undefined): DataConverter {
  return payloadCodec ? { payloadCodecs: [payloadCodec] } : {};
}
