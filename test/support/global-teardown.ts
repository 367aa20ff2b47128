import * as fs from 'node:fs';
import type { TestGlobals } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const globals = (globalThis as any).__ONBOARDING_TEST__ as TestGlobals | undefined;
  if (!globals) return;
  await globals.devServer?.teardown();
  await globals.postgres?.stop();
  fs.rmSync(globals.workDir, { recursive: true, force: true });
}
