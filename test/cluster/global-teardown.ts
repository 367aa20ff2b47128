import * as fs from 'node:fs';
import type { ClusterGlobals } from './cluster-env';

export default async function globalTeardown(): Promise<void> {
  const globals = (globalThis as any).__ONBOARDING_CLUSTER__ as ClusterGlobals | undefined;
  if (!globals) return;
  await globals.postgres?.stop();
  fs.rmSync(globals.workDir, { recursive: true, force: true });
}
