import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type {
  CutoverActivities,
  CutoverOperationRequest,
  CutoverOperationResult,
} from '../src/contracts/cutover.contract';
import type { CutoverOperation } from '../src/domain/cutover';
import type { PlatformHealth } from '../src/domain/hypercare';

/**
 * The generic HTTP adapter of the cutover steps: each operation is a call (or, for the
 * migration and the reconciliation, a series of calls) on the platforms being migrated, at a
 * configured base URL, with an idempotency key per step attempt and a timeout per call. The
 * bundled sandbox platform (src/sandbox) answers these endpoints; so can a real integration.
 */
export interface CutoverAdapterOptions {
  baseUrl: string;
  /** Bounds one HTTP call; Temporal retries the activity after a failure. */
  timeoutMs?: number;
}

interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
}

/** Operations that are one call each. `target` is `/target` for a cutover, `/staging/target` for a rehearsal. */
const SIMPLE_CALLS: Partial<Record<CutoverOperation, (target: string) => Call>> = {
  'legacy.freeze': () => ({ method: 'POST', path: '/legacy/freeze' }),
  'legacy.unfreeze': () => ({ method: 'POST', path: '/legacy/unfreeze' }),
  'records.purge-target': (target) => ({ method: 'POST', path: `${target}/purge` }),
  'sso.switch-to-target': () => ({ method: 'POST', path: '/sso/switch', body: { to: 'target' } }),
  'sso.switch-to-legacy': () => ({ method: 'POST', path: '/sso/switch', body: { to: 'legacy' } }),
  'cohort.open-pilot': () => ({ method: 'POST', path: '/cohorts/pilot/open' }),
  'cohort.close-pilot': () => ({ method: 'POST', path: '/cohorts/pilot/close' }),
  'cohort.open-everyone': () => ({ method: 'POST', path: '/cohorts/everyone/open' }),
  'cohort.close-everyone': () => ({ method: 'POST', path: '/cohorts/everyone/close' }),
};

export function createCutoverActivities(opts: CutoverAdapterOptions): CutoverActivities {
  const timeoutMs = opts.timeoutMs ?? 15_000;

  async function call<T>(c: Call, idempotencyKey?: string): Promise<T> {
    const url = new URL(c.path, opts.baseUrl);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: c.method,
        headers: {
          ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
        },
        body: c.body !== undefined ? JSON.stringify(c.body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      throw callFailure('PlatformUnreachable', `${c.method} ${url} failed: ${networkReason(err, timeoutMs)}`);
    }
    if (!response.ok)
      throw callFailure('PlatformError', `${c.method} ${url} answered ${response.status}: ${text.slice(0, 200)}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /**
   * Copies the legacy records to the target in batches, heartbeating the cursor after each: a
   * retry (after a worker crash or a failed call) resumes from the last checkpoint, and the
   * target's upsert by id stores a record once even if a batch is sent again.
   */
  async function migrate(r: CutoverOperationRequest, target: string): Promise<CutoverOperationResult> {
    const checkpoint = Context.current().info.heartbeatDetails as { after?: string; migrated: number } | undefined;
    let after = checkpoint?.after;
    let migrated = checkpoint?.migrated ?? 0;
    for (;;) {
      const query = new URLSearchParams({ limit: String(r.batchSize), ...(after ? { after } : {}) });
      const page = await call<{ records: Array<{ id: string }> }>({ method: 'GET', path: `/legacy/records?${query}` });
      if (page.records.length === 0) return { migrated };
      const last = page.records[page.records.length - 1].id;
      await call(
        { method: 'POST', path: `${target}/records/batch`, body: { records: page.records } },
        `${r.idempotencyKey}:after:${after ?? ''}`,
      );
      migrated += page.records.length;
      after = last;
      Context.current().heartbeat({ after, migrated });
    }
  }

  async function reconcile(r: CutoverOperationRequest, target: string): Promise<CutoverOperationResult> {
    const source = await call<{ count: number; sha256: string }>({ method: 'GET', path: '/legacy/checksum' });
    const copy = await call<{ count: number; sha256: string }>({ method: 'GET', path: `${target}/checksum` });
    const same = source.sha256 === copy.sha256;
    const matched = same ? source.count : Math.min(source.count, copy.count);
    const accuracy = source.count === 0 ? 1 : matched / source.count;
    const reconciliation = { sourceCount: source.count, targetCount: copy.count, accuracy };
    if (!same && accuracy < r.reconciliationThreshold + Number.EPSILON) {
      // A mismatch is a fact, not a glitch: retrying will not fix it, rolling back will.
      throw ApplicationFailure.create({
        type: 'ReconciliationMismatch',
        message: `reconciliation failed: ${copy.count} of ${source.count} records, checksums differ (accuracy ${(accuracy * 100).toFixed(2)}%)`,
        nonRetryable: true,
        details: [reconciliation],
      });
    }
    return { reconciliation };
  }

  return {
    readPlatformHealth: () => call<PlatformHealth>({ method: 'GET', path: '/health/metrics' }),

    async runCutoverOperation(r: CutoverOperationRequest): Promise<CutoverOperationResult> {
      const target = r.mode === 'rehearsal' ? '/staging/target' : '/target';
      switch (r.operation) {
        case 'records.migrate':
          return migrate(r, target);
        case 'records.reconcile':
          return reconcile(r, target);
        case 'flags.enable':
        case 'flags.disable': {
          const flags = (r.params?.flags as string[] | undefined) ?? [];
          for (const flag of flags) {
            await call(
              {
                method: 'POST',
                path: `/flags/${encodeURIComponent(flag)}`,
                body: { enabled: r.operation === 'flags.enable' },
              },
              `${r.idempotencyKey}:${flag}`,
            );
          }
          return {};
        }
        default: {
          const make = SIMPLE_CALLS[r.operation];
          if (!make)
            throw ApplicationFailure.create({
              type: 'UnknownOperation',
              message: `no adapter for ${r.operation}`,
              nonRetryable: true,
            });
          await call(make(target), r.idempotencyKey);
          return {};
        }
      }
    },
  };
}

/**
 * A failed call as one line: which call, on which URL, and why. Retryable (Temporal retries per
 * the plan). No cause chain and no stack: fetch's own error says only "fetch failed" (its reason
 * is in a cause the cutover would not show), and the adapter's stack is the same on every
 * attempt, so the worker's log line per attempt and the cutover's error carry the message alone.
 */
function callFailure(type: string, message: string): ApplicationFailure {
  const failure = ApplicationFailure.create({ type, message });
  failure.stack = `${failure.name}: ${message}`;
  return failure;
}

/** `connect ECONNREFUSED 127.0.0.1:4010`, `timed out after 15000 ms`, `getaddrinfo ENOTFOUND ...`. */
function networkReason(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { message?: string; code?: string } };
  if (e?.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  return e?.cause?.message ?? e?.cause?.code ?? e?.message ?? String(err);
}
