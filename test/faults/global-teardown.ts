import * as fs from 'node:fs';
import { readSummaries } from './faults-env';

/**
 * Prints each scenario's summary (counts, faults, durations) as the run's last lines, before the
 * closing `Totals:` line. The folder is kept with FAULTS_KEEP_LOGS=1 (to read the processes' logs).
 */
export default async function globalTeardown(): Promise<void> {
  const run = (globalThis as any).__ONBOARDING_FAULTS__ as { workDir: string; started: number } | undefined;
  if (!run) return;
  const lines = readSummaries(run.workDir);
  process.stdout.write(
    `\nFault suite summary (${Math.round((Date.now() - run.started) / 1000)} s in all):\n` +
      (lines.length ? lines.map((l) => `  ${l}\n`).join('') : '  no scenario finished\n'),
  );
  if (process.env.FAULTS_KEEP_LOGS === '1') process.stdout.write(`logs kept in ${run.workDir}\n`);
  else fs.rmSync(run.workDir, { recursive: true, force: true });
}
