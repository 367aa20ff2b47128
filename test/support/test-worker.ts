/**
 * A worker on the run's dev server with a client beside it, for tests that start workflows
 * themselves (and for the API harness, whose app uses the client).
 */
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { connectClient, connectWorker } from '../../src/infra/temporal-connection';
import { testEnv } from './test-env';

export interface TestWorker {
  client: Client;
  /** The worker's connection, for another worker a test runs itself. */
  workerConnection: NativeConnection;
  /** Stops the worker, lets it finish its tasks, then closes both connections. */
  close(): Promise<void>;
}

/**
 * `create` builds the worker (activities, task queue, bundle) on the connection it is given; it is
 * then run. `payloadCodec`: the client's encryption, which the worker `create` builds must share.
 */
export async function startTestWorker(
  create: (connection: NativeConnection) => Promise<Worker>,
  opts: { payloadCodec?: PayloadCodec } = {},
): Promise<TestWorker> {
  const address = testEnv('temporalAddress');
  const { connection: workerConnection } = await connectWorker(address, 'default');
  const worker = await create(workerConnection);
  const running = worker.run();
  const { client, connection } = await connectClient(address, 'default', opts.payloadCodec);
  return {
    client,
    workerConnection,
    async close() {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await connection.close();
    },
  };
}
