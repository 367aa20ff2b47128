import { freePort } from '../infra/free-port';
/**
 * `npm run bench:dashboards`: seeds 10,000 and then 100,000 onboardings' dashboard facts into a
 * fresh PostgreSQL database (a new database on DATABASE_URL's server, dropped afterwards; or an
 * embedded server in a temporary folder), runs the leadership dashboard's and the cohort
 * comparison's SQL many times with varied filters, and prints p50 / p95 at each size and the
 * 100k / 10k ratio. A measurement, not a test: nothing fails on a slow machine.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client as PgClient } from 'pg';
import { DataSource } from 'typeorm';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { dataSourceOptions, migrate } from '../persistence/data-source';
import { rebuildDashboardRollups } from '../persistence/dashboard-facts-store';
import { type DashboardFilter, DashboardStore } from '../persistence/dashboard-store';
import { ONBOARDINGS_PER_CSM, seedDashboardFacts } from './dashboard-dataset';

const SIZES = [10_000, 100_000];
const RUNS_PER_CASE = Number(process.env.BENCH_RUNS ?? 60);
const WARMUP = 5;

interface Case {
  name: string;
  run(store: DashboardStore, size: number, i: number): Promise<unknown>;
}

const DAY_MS = 86_400_000;

/** The views leadership opens: everything, one tier, one segment, a quarter, a CSM's book, a cohort, a comparison. */
function cases(now: Date): Case[] {
  // Calendar quarters, as a page offers them: whole months, which the monthly counters answer.
  const monthsBack = (k: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - k, 1)).toISOString();
  const quarter = (i: number): DashboardFilter => ({ from: monthsBack(3 * (i % 8) + 3), to: monthsBack(3 * (i % 8)) });
  // A period that cuts months and days: whole months, the days of the cut months, the rows of the cut days.
  const days90 = (i: number): DashboardFilter => ({
    from: new Date(now.getTime() - (i % 8) * 91 * DAY_MS - 90 * DAY_MS).toISOString(),
    to: new Date(now.getTime() - (i % 8) * 91 * DAY_MS).toISOString(),
  });
  const tiers = ['high-touch', 'tech-touch', 'self-service'];
  const segments = ['enterprise', 'mid-market', 'smb'];
  const leadership = (name: string, filter: (size: number, i: number) => DashboardFilter): Case => ({
    name,
    run: (store, size, i) => store.leadership(filter(size, i)),
  });
  return [
    leadership('all onboardings', () => ({})),
    leadership('one tier', (_, i) => ({ tier: tiers[i % 3] })),
    leadership('one segment, one quarter', (_, i) => ({ segment: segments[i % 3], ...quarter(i) })),
    leadership('one quarter', (_, i) => quarter(i)),
    leadership('90 days to a given instant', (_, i) => days90(i)),
    leadership("one CSM's book", (size, i) => ({
      csm: `csm-${(i * 7) % Math.round(size / ONBOARDINGS_PER_CSM)}`,
    })),
    leadership('one cohort (a quarter of closed-won)', (_, i) => ({ cohort: `q${i % 8}` })),
    { name: 'pilot vs baseline (comparison)', run: (store, _, i) => store.cohort(`pilot-${i % 1}`, now) },
  ];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** A fresh database: on DATABASE_URL's server, or on an embedded one of its own. */
async function provideDatabase(): Promise<{ url: string; dispose(): Promise<void> }> {
  const external = process.env.DATABASE_URL;
  if (external) {
    const name = `dashboards_bench_${process.pid}`;
    const admin = async (sql: string) => {
      const c = new PgClient({ connectionString: external });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(external);
    url.pathname = `/${name}`;
    return { url: url.toString(), dispose: () => admin(`DROP DATABASE IF EXISTS ${name}`) };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboards-bench-'));
  fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as its own user and must reach its folder
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'postgres'),
    port: await freePort(),
    database: 'bench',
  });
  return {
    url: pg.url,
    async dispose() {
      await pg.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function measure(store: DashboardStore, size: number, now: Date) {
  const results: Array<{ name: string; p50: number; p95: number }> = [];
  const all: number[] = [];
  for (const c of cases(now)) {
    for (let i = 0; i < WARMUP; i++) await c.run(store, size, i);
    const times: number[] = [];
    for (let i = 0; i < RUNS_PER_CASE; i++) {
      const t0 = performance.now();
      await c.run(store, size, i);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    results.push({ name: c.name, p50: percentile(times, 0.5), p95: percentile(times, 0.95) });
  }
  all.sort((a, b) => a - b);
  return { results, p50: percentile(all, 0.5), p95: percentile(all, 0.95) };
}

async function main(): Promise<void> {
  const db = await provideDatabase();
  let dataSource: DataSource | undefined;
  try {
    await migrate(db.url);
    dataSource = await new DataSource(dataSourceOptions(db.url)).initialize();
    const store = new DashboardStore(dataSource);
    const now = new Date();
    const bySize = new Map<number, Awaited<ReturnType<typeof measure>>>();
    let seeded = 0;
    for (const size of SIZES) {
      const t0 = performance.now();
      // Earlier onboardings keep their facts, but the CSM count follows the book: reseed all.
      await dataSource.query('TRUNCATE onboarding_facts, stage_durations');
      await seedDashboardFacts(dataSource, { from: 0, count: size, bookSize: size, now });
      // Bulk-loaded, so the counters are built once here; the projection keeps them by deltas.
      await dataSource.transaction((tx) => rebuildDashboardRollups(tx));
      seeded = size;
      await dataSource.query('VACUUM ANALYZE onboarding_facts');
      await dataSource.query('VACUUM ANALYZE stage_durations');
      await dataSource.query('VACUUM ANALYZE dashboard_rollups');
      await dataSource.query('VACUUM ANALYZE dashboard_day_rollups');
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      console.log(
        `\n${seeded.toLocaleString('en')} onboardings seeded in ${seconds} s; ${RUNS_PER_CASE} runs per view`,
      );
      const m = await measure(store, size, now);
      bySize.set(size, m);
      for (const r of m.results) {
        console.log(
          `  ${r.name.padEnd(40)} p50 ${r.p50.toFixed(1).padStart(7)} ms   p95 ${r.p95.toFixed(1).padStart(7)} ms`,
        );
      }
      console.log(
        `  ${'every view'.padEnd(40)} p50 ${m.p50.toFixed(1).padStart(7)} ms   p95 ${m.p95.toFixed(1).padStart(7)} ms`,
      );
    }
    const [small, large] = SIZES.map((s) => bySize.get(s)!);
    // p50 beside p95: on a shared machine one busy moment moves a p95 of 60 runs more than growth does.
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`.padStart(7);
    console.log(`\n100k / 10k${' '.repeat(32)}p50     p95`);
    for (const [i, r] of large.results.entries()) {
      const s = small.results[i];
      console.log(`  ${r.name.padEnd(40)}${ratio(r.p50, s.p50)} ${ratio(r.p95, s.p95)}`);
    }
    console.log(`  ${'every view'.padEnd(40)}${ratio(large.p50, small.p50)} ${ratio(large.p95, small.p95)}`);
  } finally {
    await dataSource?.destroy();
    await db.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
