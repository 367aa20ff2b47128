/**
 * The fault run's folder: each test file starts its own stack under it (PostgreSQL, the Temporal
 * dev server, the worker and the API as processes; see fault-stack.ts) and leaves its logs there.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertBuilt } from '../support/app-processes';
import { FAULTS_WORK_DIR } from './faults-env';

export default async function globalSetup(): Promise<void> {
  assertBuilt('npm run test:faults');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-faults-'));
  fs.chmodSync(workDir, 0o755); // PostgreSQL runs as its own user and must reach its folder
  process.env[FAULTS_WORK_DIR] = workDir;
  (globalThis as any).__ONBOARDING_FAULTS__ = { workDir, started: Date.now() };
  console.log(`\nfault suite: logs of every process under ${workDir}`);
}
