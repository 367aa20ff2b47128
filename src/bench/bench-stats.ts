/**
 * Pure helpers of `npm run bench`: percentiles of latencies, a burst's rate, and the fields of
 * /proc/<pid>/stat that give a process's CPU time and memory. No I/O, so they are unit-tested.
 */

/** The p-th quantile (0..1) of ascending values, nearest rank; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export interface BurstSummary {
  count: number;
  /** Requests that failed (not counted in the rate). */
  failed: number;
  seconds: number;
  /** Successful requests per second over the whole burst. */
  rate: number;
  p50: number;
  p99: number;
}

/** What a burst of timed requests amounts to: latencies in ms, the burst's wall time in ms. */
export function summarizeBurst(latenciesMs: readonly number[], failed: number, wallMs: number): BurstSummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    failed,
    seconds: wallMs / 1000,
    rate: wallMs > 0 ? (sorted.length * 1000) / wallMs : Number.NaN,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
  };
}

/** The fields of /proc/<pid>/stat the bench reads (man 5 proc); times in clock ticks, rss in pages. */
export interface ProcStat {
  pid: number;
  ppid: number;
  state: string;
  utime: number;
  stime: number;
  /** CPU of children it has waited for (PostgreSQL's backends that have exited). */
  cutime: number;
  cstime: number;
  rssPages: number;
}

/**
 * Parses one /proc/<pid>/stat line. The command name (field 2) is in parentheses and may itself
 * hold spaces and parentheses, so the fields are counted from the last ')'.
 */
export function parseProcStat(line: string): ProcStat {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${line.slice(0, 80)}`);
  // After the name: field 3 (state) is rest[0], so field n is rest[n - 3].
  const rest = line
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  return {
    pid: Number(line.slice(0, open).trim()),
    state: rest[0],
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
    rssPages: field(24),
  };
}

/** The pids of `root` and every process below it, from the stats of all processes. */
export function processTree(root: number, stats: readonly ProcStat[]): number[] {
  const children = new Map<number, number[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  const tree: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    tree.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * CPU ticks a process tree has used: each live process's own time, plus what the root has
 * collected from children that have ended (a live child's time is counted once, as its own).
 */
export function treeCpuTicks(root: number, stats: readonly ProcStat[]): number {
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  let ticks = 0;
  for (const pid of processTree(root, stats)) {
    const s = byPid.get(pid);
    if (!s) continue;
    ticks += s.utime + s.stime + (pid === root ? s.cutime + s.cstime : 0);
  }
  return ticks;
}

/** Resident pages of a process tree. */
export function treeRssPages(root: number, stats: readonly ProcStat[]): number {
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  return processTree(root, stats).reduce((sum, pid) => sum + (byPid.get(pid)?.rssPages ?? 0), 0);
}

/** `a / b` as a ratio for the report, `n/a` when either is missing. */
export function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a';
}
