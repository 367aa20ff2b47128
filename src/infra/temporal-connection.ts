import { Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';

/**
 * Connection settings come from Temporal's own conventions (@temporalio/envconfig: the
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY and TEMPORAL_TLS* variables, or a
 * profile file), so pointing at a self-hosted cluster or Temporal Cloud needs no code. An
 * explicit address (the embedded dev server, a test server) overrides them.
 */
export function temporalConnectConfig(address?: string, namespace?: string) {
  const config = loadClientConnectConfig();
  return {
    connectionOptions: { ...config.connectionOptions, ...(address ? { address } : {}) },
    namespace: namespace ?? config.namespace ?? 'default',
  };
}

export async function connectClient(address?: string, namespace?: string) {
  const { connectionOptions, namespace: ns } = temporalConnectConfig(address, namespace);
  return { connection: await Connection.connect(connectionOptions), namespace: ns };
}

export async function connectWorker(address?: string, namespace?: string) {
  const { connectionOptions, namespace: ns } = temporalConnectConfig(address, namespace);
  return { connection: await NativeConnection.connect(connectionOptions), namespace: ns };
}
