/**
 * Fault injection, so that tests and the demo can make the platforms fail the way real ones
 * do. Set through `POST /admin/faults` (or `platform.faults.set(...)`): the given fields merge
 * into the current faults, a field set to null clears it, and `POST /admin/reset` clears all.
 * Admin calls are never faulted or delayed, so a test can always repair the sandbox.
 *
 * - `failStep: { path, times?, status? }` (or an array of them): the next `times` calls to that
 *   exact path (any method; the query is ignored) answer `status` (default 500) and do nothing.
 *   Without `times` the path fails on every call until the rule is cleared or the sandbox reset.
 *   A rule replaces an earlier rule for the same path; `times: 0` removes it. For "step N
 *   fails" and "a compensation that keeps failing".
 * - `failAfterRecords: K`: a batch to the target (or the staging target) stores its records
 *   only while that store holds fewer than K, then answers 500 with the rest unwritten: a crash
 *   in the middle of a migration, part of the batch already written. It stays until cleared.
 * - `latencyMs: N`: every migration-API answer comes N ms late, and the work is still done
 *   after the wait (as on a slow real platform): for adapter timeouts, and for the retry of a
 *   call that timed out but happened, which its idempotency key must absorb.
 * - `metrics: { errorRate?, authSuccessRate?, transactionSuccessRate?, ticketVolume? }`:
 *   what `GET /health/metrics` answers instead of the healthy defaults: for rollout health
 *   checks and hypercare breaches.
 */
import { HttpError, isPlainObject } from './http';

export interface HealthMetrics {
  /** Share of failed requests, 0..1. */
  errorRate: number;
  /** Share of successful logins, 0..1. */
  authSuccessRate: number;
  /** Share of successful transactions, 0..1. */
  transactionSuccessRate: number;
  /** Support tickets opened in the last hour. */
  ticketVolume: number;
}

export const HEALTHY_METRICS: Readonly<HealthMetrics> = Object.freeze({
  errorRate: 0.001,
  authSuccessRate: 0.999,
  transactionSuccessRate: 0.998,
  ticketVolume: 2,
});

export interface FailStepRule {
  path: string;
  status: number;
  /** Calls left to fail; Infinity until cleared (shown as null in JSON). */
  times: number;
}

export interface FailStepInput {
  path: string;
  times?: number;
  status?: number;
}

export interface FaultInput {
  failStep?: FailStepInput | FailStepInput[] | null;
  failAfterRecords?: number | null;
  latencyMs?: number | null;
  metrics?: Partial<HealthMetrics> | null;
}

export interface FaultSnapshot {
  failStep: Array<{ path: string; status: number; times: number | null }>;
  failAfterRecords: number | null;
  latencyMs: number;
  metrics: Partial<HealthMetrics>;
}

export class FaultInjector {
  private rules = new Map<string, FailStepRule>();
  failAfterRecords: number | undefined;
  latencyMs = 0;
  private metricOverrides: Partial<HealthMetrics> = {};

  /** Merges `input` into the current faults (validated first: a bad input changes nothing). */
  set(input: unknown): void {
    const parsed = parseFaultInput(input);
    if (parsed.failStep === null) this.rules.clear();
    for (const rule of parsed.failStep ?? []) {
      if (rule.times === 0) this.rules.delete(rule.path);
      else this.rules.set(rule.path, rule);
    }
    if (parsed.failAfterRecords !== undefined) this.failAfterRecords = parsed.failAfterRecords ?? undefined;
    if (parsed.latencyMs !== undefined) this.latencyMs = parsed.latencyMs ?? 0;
    if (parsed.metrics === null) this.metricOverrides = {};
    else if (parsed.metrics) this.metricOverrides = { ...this.metricOverrides, ...parsed.metrics };
  }

  /** The status to fail this call with (and one fewer left), or undefined to let it through. */
  takeFailure(path: string): number | undefined {
    const rule = this.rules.get(path);
    if (!rule) return undefined;
    if (--rule.times <= 0) this.rules.delete(path);
    return rule.status;
  }

  /** How many more new records a store holding `held` may take before failAfterRecords fires; Infinity without it. */
  roomBeforeFailure(held: number): number {
    return this.failAfterRecords === undefined ? Infinity : Math.max(0, this.failAfterRecords - held);
  }

  metrics(): HealthMetrics {
    return { ...HEALTHY_METRICS, ...this.metricOverrides };
  }

  reset(): void {
    this.rules.clear();
    this.failAfterRecords = undefined;
    this.latencyMs = 0;
    this.metricOverrides = {};
  }

  snapshot(): FaultSnapshot {
    return {
      failStep: [...this.rules.values()].map((r) => ({
        path: r.path,
        status: r.status,
        times: Number.isFinite(r.times) ? r.times : null,
      })),
      failAfterRecords: this.failAfterRecords ?? null,
      latencyMs: this.latencyMs,
      metrics: { ...this.metricOverrides },
    };
  }
}

interface ParsedFaults {
  failStep?: FailStepRule[] | null;
  failAfterRecords?: number | null;
  latencyMs?: number | null;
  metrics?: Partial<HealthMetrics> | null;
}

const FAULT_FIELDS = ['failStep', 'failAfterRecords', 'latencyMs', 'metrics'];
const METRIC_FIELDS: Array<keyof HealthMetrics> = [
  'errorRate',
  'authSuccessRate',
  'transactionSuccessRate',
  'ticketVolume',
];

function parseFaultInput(input: unknown): ParsedFaults {
  if (!isPlainObject(input)) throw new HttpError(400, 'faults must be an object');
  const unknown = Object.keys(input).filter((k) => !FAULT_FIELDS.includes(k));
  // A misspelt fault would silently inject nothing and make a test pass for the wrong reason.
  if (unknown.length)
    throw new HttpError(400, `unknown fault ${unknown.join(', ')}; known: ${FAULT_FIELDS.join(', ')}`);
  const parsed: ParsedFaults = {};
  if (input.failStep !== undefined) {
    parsed.failStep =
      input.failStep === null ? null : [input.failStep].flat().map((r, i) => parseFailStep(r, `failStep[${i}]`));
  }
  if (input.failAfterRecords !== undefined)
    parsed.failAfterRecords = nullOr(input.failAfterRecords, 'failAfterRecords', 0);
  if (input.latencyMs !== undefined) parsed.latencyMs = nullOr(input.latencyMs, 'latencyMs', 0);
  if (input.metrics !== undefined) {
    if (input.metrics !== null && !isPlainObject(input.metrics)) throw new HttpError(400, 'metrics must be an object');
    parsed.metrics = input.metrics === null ? null : parseMetrics(input.metrics);
  }
  return parsed;
}

function parseFailStep(value: unknown, at: string): FailStepRule {
  if (!isPlainObject(value)) throw new HttpError(400, `${at} must be an object { path, times?, status? }`);
  const { path, times, status } = value;
  if (typeof path !== 'string' || !path.startsWith('/'))
    throw new HttpError(400, `${at}.path must be a path starting with /`);
  if (path.startsWith('/admin/')) throw new HttpError(400, `${at}.path: admin calls cannot be faulted`);
  return {
    path,
    times: times === undefined ? Infinity : integer(times, `${at}.times`, 0),
    status: status === undefined ? 500 : integer(status, `${at}.status`, 400, 599),
  };
}

function parseMetrics(value: Record<string, unknown>): Partial<HealthMetrics> {
  const metrics: Partial<HealthMetrics> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!METRIC_FIELDS.includes(key as keyof HealthMetrics))
      throw new HttpError(400, `unknown metric ${key}; known: ${METRIC_FIELDS.join(', ')}`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new HttpError(400, `metrics.${key} must be a number >= 0`);
    if (key !== 'ticketVolume' && v > 1) throw new HttpError(400, `metrics.${key} must be a rate between 0 and 1`);
    metrics[key as keyof HealthMetrics] = v;
  }
  return metrics;
}

function nullOr(value: unknown, name: string, min: number): number | null {
  return value === null ? null : integer(value, name, min);
}

function integer(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new HttpError(
      400,
      `${name} must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`,
    );
  }
  return value as number;
}
