import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { type ProcStat, parseProcStat, treeCpuTicks, treeRssPages } from './bench-stats';

/**
 * CPU time and resident memory of process trees, read from /proc (Linux only): the bench's
 * worker, API, Temporal server and PostgreSQL (the postmaster and its backends).
 */
function getconf(name: string, fallback: number): number {
  try {
    return Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim()) || fallback;
  } catch {
    return fallback;
  }
}

const TICKS_PER_SECOND = getconf('CLK_TCK', 100);
const PAGE_BYTES = getconf('PAGESIZE', 4096);

function allStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.push(parseProcStat(fs.readFileSync(`/proc/${entry}/stat`, 'utf8')));
    } catch {
      // The process ended while the folder was read.
    }
  }
  return stats;
}

export interface Usage {
  /** CPU ms of each named process tree since it started. */
  cpuMs: Record<string, number>;
  rssBytes: Record<string, number>;
}

/** One sample of every named tree (name → root pid). */
export function sampleUsage(roots: Record<string, number>): Usage {
  const stats = allStats();
  const cpuMs: Record<string, number> = {};
  const rssBytes: Record<string, number> = {};
  for (const [name, pid] of Object.entries(roots)) {
    cpuMs[name] = (treeCpuTicks(pid, stats) * 1000) / TICKS_PER_SECOND;
    rssBytes[name] = treeRssPages(pid, stats) * PAGE_BYTES;
  }
  return { cpuMs, rssBytes };
}

/** CPU ms each tree used between two samples. */
export function cpuBetween(before: Usage, after: Usage): Record<string, number> {
  return Object.fromEntries(Object.keys(after.cpuMs).map((k) => [k, after.cpuMs[k] - (before.cpuMs[k] ?? 0)]));
}
