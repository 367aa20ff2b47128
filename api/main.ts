// The API as its own process (docker-compose, or several API replicas behind a balancer).
import 'reflect-metadata';
import { loadSettings } from '../src/config/settings';
import { connectClient } from '../src/infra/temporal-connection';
import { createApp } from './create-app';

async function main(): Promise<void> {
  const settings = loadSettings();
  if (!settings.databaseUrl) throw new Error('DATABASE_URL is not set (npm start runs an embedded database instead)');
  const { client, connection } = await connectClient(settings.temporalAddress, settings.temporalNamespace);
  const app = await createApp({
    databaseUrl: settings.databaseUrl,
    temporalClient: client,
    taskQueue: settings.taskQueue,
    dependencyTimeoutMs: settings.apiDependencyTimeoutMs,
    idempotency: { ttlMs: settings.idempotencyTtlHours * 3_600_000 },
  });
  app.enableShutdownHooks();
  app.getHttpServer().on('close', () => void connection.close());
  await app.listen(settings.apiPort);
  console.log(`API on http://localhost:${settings.apiPort} (OpenAPI: /docs)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
