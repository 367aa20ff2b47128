// `node dist/src/sandbox/main.js`: the sandbox platform on its own, for the demo, with the
// deterministic demo dataset in its legacy store. SANDBOX_PORT (default 4010) and SANDBOX_HOST
// (default 127.0.0.1) choose where it listens. Ctrl-C stops it.
import { DEMO_DATASET_SIZE, demoDataset } from './demo-dataset';
import { type SandboxPlatform, startSandboxPlatform } from './sandbox-platform';

export const DEFAULT_SANDBOX_PORT = 4010;

/** Starts and seeds the demo sandbox; exported so that a test can run exactly what main runs. */
export async function startDemoSandbox(env: NodeJS.ProcessEnv = process.env): Promise<SandboxPlatform> {
  const raw = env.SANDBOX_PORT ?? String(DEFAULT_SANDBOX_PORT);
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535) throw new Error(`SANDBOX_PORT must be a TCP port (0-65535), got '${raw}'`);
  const platform = await startSandboxPlatform({ port, host: env.SANDBOX_HOST || '127.0.0.1' });
  platform.seed(demoDataset(DEMO_DATASET_SIZE));
  return platform;
}

async function main(): Promise<void> {
  const platform = await startDemoSandbox();
  const { count, sha256 } = platform.legacy.checksum();
  const { accounts, cards, payments } = DEMO_DATASET_SIZE;
  console.log(`sandbox platform on ${platform.url}`);
  console.log(
    `  legacy store: ${accounts} accounts, ${cards} cards, ${payments} payments (${count} records, sha256 ${sha256.slice(0, 12)}…)`,
  );
  console.log(`  state: curl -s '${platform.url}/admin/state?records=false'`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void platform.close().then(() => process.exit(0)));
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
