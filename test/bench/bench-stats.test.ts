/**
 * The bench's pure helpers: nearest-rank percentiles, a burst's rate, and /proc/<pid>/stat read
 * field by field even when the command name holds spaces and parentheses.
 */
import {
  parseProcStat,
  percentile,
  processTree,
  ratio,
  summarizeBurst,
  treeCpuTicks,
  treeRssPages,
} from '../../src/bench/bench-stats';

/** A stat line as Linux writes it: pid, (comm), state, ppid, ... utime(14) stime(15) cutime(16) cstime(17) ... rss(24). */
function statLine(
  pid: number,
  comm: string,
  o: { ppid: number; utime: number; stime: number; cutime?: number; cstime?: number; rss: number },
) {
  const fields = [
    'S',
    o.ppid,
    1,
    1,
    0,
    -1,
    4194560,
    100,
    0,
    0,
    0,
    o.utime,
    o.stime,
    o.cutime ?? 0,
    o.cstime ?? 0,
    20,
    0,
    1,
    0,
    12345,
    987654321,
    o.rss,
    '18446744073709551615',
  ];
  return `${pid} (${comm}) ${fields.join(' ')} 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n`;
}

describe('percentile', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  it('takes the nearest rank', () => {
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile(sorted, 1)).toBe(100);
    expect(percentile([7], 0.99)).toBe(7);
  });
  it('is NaN for no values', () => expect(percentile([], 0.5)).toBeNaN());
});

describe('summarizeBurst', () => {
  it('counts successes per second of the whole burst, and sorts the latencies itself', () => {
    const s = summarizeBurst([30, 10, 20, 40], 1, 2_000);
    expect(s).toEqual({ count: 4, failed: 1, seconds: 2, rate: 2, p50: 20, p99: 40 });
  });
});

describe('/proc/<pid>/stat', () => {
  it('reads the fields after the last parenthesis, whatever the name holds', () => {
    const s = parseProcStat(
      statLine(42, 'postgres: bench (idle) x', { ppid: 7, utime: 120, stime: 30, cutime: 5, cstime: 2, rss: 2048 }),
    );
    expect(s).toEqual({ pid: 42, ppid: 7, state: 'S', utime: 120, stime: 30, cutime: 5, cstime: 2, rssPages: 2048 });
  });

  it('refuses a line that is not a stat line', () => {
    expect(() => parseProcStat('garbage')).toThrow(/not a \/proc/);
  });

  it("sums a tree's own CPU, the root's ended children, and its resident pages, leaving other processes out", () => {
    const stats = [
      parseProcStat(statLine(10, 'postgres', { ppid: 1, utime: 100, stime: 10, cutime: 50, cstime: 5, rss: 1000 })),
      parseProcStat(statLine(11, 'postgres: walwriter', { ppid: 10, utime: 20, stime: 2, cutime: 99, rss: 100 })),
      parseProcStat(statLine(12, 'postgres: bench', { ppid: 10, utime: 30, stime: 3, rss: 200 })),
      parseProcStat(statLine(13, 'child of a backend', { ppid: 12, utime: 4, stime: 0, rss: 10 })),
      parseProcStat(statLine(20, 'node', { ppid: 1, utime: 999, stime: 99, rss: 5000 })),
    ];
    expect(processTree(10, stats).sort()).toEqual([10, 11, 12, 13]);
    // 110 + 55 (the root's ended children) + 22 + 33 + 4; the walwriter's cutime is not the tree's root's.
    expect(treeCpuTicks(10, stats)).toBe(224);
    expect(treeRssPages(10, stats)).toBe(1310);
    expect(treeCpuTicks(20, stats)).toBe(1098);
  });
});

describe('ratio', () => {
  it('prints a ratio, or n/a when it cannot be taken', () => {
    expect(ratio(45, 50)).toBe('0.90×');
    expect(ratio(1, 0)).toBe('n/a');
    expect(ratio(Number.NaN, 3)).toBe('n/a');
  });
});
