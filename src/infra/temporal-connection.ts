import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';

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

export async function connectClient(address?: string, namespace?: string): Promise<TemporalClientHandle> {
  const { connectionOptions, namespace: ns } = temporalConnectConfig(address, namespace);
  const connection = await Connection.connect(connectionOptions);
  return { client: new Client(clientOptions(connection, ns)), connection, namespace: ns };
}

export async function connectWorker(address?: string, namespace?: string) {
  const { connectionOptions, namespace: ns } = temporalConnectConfig(address, namespace);
  return { connection: await NativeConnection.connect(connectionOptions), namespace: ns };
}

function clientOptions(connection: Connection, namespace: string) {
  return { connection, namespace };
}
