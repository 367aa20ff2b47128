/**
 * Everything the sandbox holds, in memory: the three stores, the switches a cutover flips,
 * faults, counters and idempotency keys. One instance per running sandbox.
 */
import { FaultInjector, type FaultSnapshot } from './faults';
import { IdempotencyCache } from './idempotency';
import { type KindCounts, LegacyStore, RecordStore, type SandboxRecord, type StoreStats } from './record-store';

export const PLATFORMS = ['legacy', 'target'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const COHORT_STAGES = ['pilot', 'everyone'] as const;
export type CohortStage = (typeof COHORT_STAGES)[number];

/** What a cutover switches besides data: where SSO logs in, feature flags, which cohorts are open. */
export class Switches {
  sso: Platform = 'legacy';
  flags: Record<string, boolean> = {};
  cohorts: Record<CohortStage, boolean> = { pilot: false, everyone: false };

  reset(): void {
    this.sso = 'legacy';
    this.flags = {};
    this.cohorts = { pilot: false, everyone: false };
  }
}

export type CounterKind = 'requests' | 'executed' | 'replayed' | 'injectedFailures';

/**
 * Calls per route (`METHOD /path`), so that a test can tell a step that ran once from one that
 * ran twice: `requests` every migration-API call, `executed` those whose handler ran,
 * `replayed` answered from an idempotency key, `injectedFailures` failed by failStep.
 */
export class Counters {
  private counts: Record<CounterKind, Record<string, number>> = Counters.empty();

  count(kind: CounterKind, route: string): void {
    this.counts[kind][route] = (this.counts[kind][route] ?? 0) + 1;
  }

  get(kind: CounterKind, route: string): number {
    return this.counts[kind][route] ?? 0;
  }

  reset(): void {
    this.counts = Counters.empty();
  }

  snapshot(): Record<CounterKind, Record<string, number>> {
    return structuredClone(this.counts);
  }

  private static empty(): Record<CounterKind, Record<string, number>> {
    return { requests: {}, executed: {}, replayed: {}, injectedFailures: {} };
  }
}

export interface StoreSnapshot {
  count: number;
  byKind: KindCounts;
  stats: StoreStats;
  /** Omitted with `GET /admin/state?records=false`. */
  records?: SandboxRecord[];
}

export interface SandboxStateSnapshot {
  legacy: StoreSnapshot & { frozen: boolean };
  target: StoreSnapshot;
  staging: StoreSnapshot;
  sso: Platform;
  flags: Record<string, boolean>;
  cohorts: Record<CohortStage, boolean>;
  faults: FaultSnapshot;
  counters: Record<CounterKind, Record<string, number>>;
  idempotencyKeys: number;
}

export class SandboxState {
  readonly legacy = new LegacyStore();
  readonly target = new RecordStore();
  /** The rehearsal target: same API under /staging/target, its own records. */
  readonly staging = new RecordStore();
  readonly switches = new Switches();
  readonly faults = new FaultInjector();
  readonly counters = new Counters();
  readonly idempotency = new IdempotencyCache();

  /** Back to an empty sandbox: no records, nothing frozen or switched, no faults, counters or keys. */
  reset(): void {
    this.legacy.reset();
    this.target.reset();
    this.staging.reset();
    this.switches.reset();
    this.faults.reset();
    this.counters.reset();
    this.idempotency.clear();
  }

  snapshot(withRecords = true): SandboxStateSnapshot {
    const store = (s: RecordStore): StoreSnapshot => ({
      count: s.size,
      byKind: s.countByKind(),
      stats: { ...s.stats },
      ...(withRecords ? { records: s.all() } : {}),
    });
    return {
      legacy: { ...store(this.legacy), frozen: this.legacy.frozen },
      target: store(this.target),
      staging: store(this.staging),
      sso: this.switches.sso,
      flags: { ...this.switches.flags },
      cohorts: { ...this.switches.cohorts },
      faults: this.faults.snapshot(),
      counters: this.counters.snapshot(),
      idempotencyKeys: this.idempotency.size,
    };
  }
}
