/**
 * The bench's own worker for the minimal workflow, as a child process of `npm run bench`
 * (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE). It stops on SIGTERM (the Temporal runtime's default).
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { MINIMAL_TASK_QUEUE } from './minimal-workflow';

async function main(): Promise<void> {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS });
  try {
    const worker = await Worker.create({
      connection,
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      taskQueue: MINIMAL_TASK_QUEUE,
      workflowsPath: require.resolve('./minimal-workflow'),
    });
    process.stdout.write('minimal worker polling\n');
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  process.stderr.write(`minimal worker failed: ${err}\n`);
  process.exit(1);
});
