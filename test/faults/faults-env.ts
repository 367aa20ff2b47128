import * as fs from 'node:fs';
import * as path from 'node:path';

/** What the fault run's global setup hands to the test files (through the environment). */
export const FAULTS_WORK_DIR = 'FAULTS_RUN_WORK_DIR';

export function faultsWorkDir(): string {
  const value = process.env[FAULTS_WORK_DIR];
  if (!value) throw new Error(`${FAULTS_WORK_DIR} is not set: run the fault suite with npm run test:faults`);
  return value;
}

const summaryFile = (workDir: string) => path.join(workDir, 'summaries.txt');

/** Keeps a scenario's summary line; global teardown prints them all as the run's last lines. */
export function recordSummary(line: string): void {
  fs.appendFileSync(summaryFile(faultsWorkDir()), `${line}\n`);
}

export function readSummaries(workDir: string): string[] {
  return fs.existsSync(summaryFile(workDir)) ? fs.readFileSync(summaryFile(workDir), 'utf8').trimEnd().split('\n') : [];
}

/** A size from the environment (e.g. FAULTS_CUTOVERS), or its default. */
export function sizeFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number >= 1, not '${raw}'`);
  return value;
}
