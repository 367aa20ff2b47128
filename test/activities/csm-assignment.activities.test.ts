/**
 * The release of a CSM with a backlog of onboardings waiting for a seat, against a fake Temporal
 * client and database: the seat is released first, then only the few waiting longest are told,
 * within a time budget, heartbeating; a failing, hanging or unlisted signal never fails the
 * release (the completing onboarding waits on it), and the waiters' own retry covers them.
 */
import type { Client } from '@temporalio/client';
import type { Logger, LogLevel, LogMetadata } from '@temporalio/common';
import { WorkflowNotFoundError } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { DataSource } from 'typeorm';
import { createCsmAssignmentActivities, RELEASE_SIGNAL_LIMIT } from '../../activities/csm-assignment.activities';
import { rosterChangedSignal, WAITING_FOR_CSM_QUERY } from '../../src/contracts/onboarding.contract';
import { signalOnboardingsWaitingForCsm } from '../../src/infra/roster-changes';

const t0 = Date.parse('2026-05-04T09:00:00Z');
/** `n` waiting onboardings, listed newest first (as SQL visibility lists running workflows). */
const backlog = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ workflowId: `onboarding-w${String(i).padStart(3, '0')}`, startedAt: t0 + i }))
    .reverse()
    .map((w) => ({ workflowId: w.workflowId, startTime: new Date(w.startedAt) }));

function fakeClient(
  waiting: { workflowId: string; startTime: Date }[],
  signal: (workflowId: string) => Promise<void> = async () => undefined,
  list?: () => AsyncIterable<{ workflowId: string; startTime: Date }>,
) {
  const signalled: string[] = [];
  const queries: string[] = [];
  const client = {
    withDeadline: <R>(_deadline: number, fn: () => Promise<R>) => fn(),
    withAbortSignal: <R>(_signal: AbortSignal, fn: () => Promise<R>) => fn(),
    workflow: {
      list: ({ query }: { query: string }) => {
        queries.push(query);
        return (
          list?.() ??
          (async function* () {
            yield* waiting;
          })()
        );
      },
      getHandle: (workflowId: string) => ({
        signal: async (def: unknown) => {
          expect(def).toBe(rosterChangedSignal);
          signalled.push(workflowId);
          await signal(workflowId);
        },
      }),
    },
  } as unknown as Client;
  return { client, signalled, queries };
}

function fakeDatabase(releasedRows: unknown[] = [{ csm_id: 'csm-ana' }]) {
  const statements: string[] = [];
  const dataSource = {
    query: async (sql: string) => {
      statements.push(sql);
      return releasedRows;
    },
  } as unknown as DataSource;
  return { dataSource, statements };
}

function capturingLogger() {
  const warnings: { message: string; meta?: LogMetadata }[] = [];
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    if (level === 'WARN') warnings.push({ message, meta });
  };
  const logger: Logger = {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
  return { logger, warnings };
}

function release(
  client: Client,
  dataSource: DataSource,
  opts: { attempt?: number; budgetMs?: number; logger?: Logger } = {},
) {
  const env = new MockActivityEnvironment({ attempt: opts.attempt ?? 1 }, { client, logger: opts.logger });
  let heartbeats = 0;
  env.on('heartbeat', () => (heartbeats += 1));
  const activities = createCsmAssignmentActivities(dataSource, { releaseSignalBudgetMs: opts.budgetMs });
  const done = env.run(activities.releaseCsm, 'onboarding-done');
  return { done, heartbeats: () => heartbeats };
}

it('releases the seat, then tells only the few waiting longest, oldest first, heartbeating; a failed signal neither fails the release nor stops the others', async () => {
  const waiting = backlog(500);
  const oldest = Array.from({ length: RELEASE_SIGNAL_LIMIT }, (_, i) => `onboarding-w${String(i).padStart(3, '0')}`);
  const { client, signalled, queries } = fakeClient(waiting, async (id) => {
    if (id === oldest[0]) throw new Error('14 UNAVAILABLE: connection refused');
    if (id === oldest[1]) throw new WorkflowNotFoundError('gone', id, undefined);
  });
  const { dataSource, statements } = fakeDatabase();
  const { logger, warnings } = capturingLogger();

  const r = release(client, dataSource, { logger });
  await expect(r.done).resolves.toBeUndefined();

  expect(statements).toHaveLength(1);
  expect(statements[0]).toMatch(/^UPDATE csm_assignments SET released_at = now\(\)/);
  expect(queries).toEqual([WAITING_FOR_CSM_QUERY]);
  expect(RELEASE_SIGNAL_LIMIT).toBeLessThanOrEqual(10);
  expect(signalled).toEqual(oldest);
  expect(r.heartbeats()).toBeGreaterThanOrEqual(waiting.length);
  // The failure is logged with the onboarding it concerns; a run gone meanwhile is not a failure.
  expect(warnings).toEqual([expect.objectContaining({ meta: expect.objectContaining({ workflowId: oldest[0] }) })]);
});

it('abandons a signal that never answers at the budget: the release still completes, in time', async () => {
  const waiting = backlog(3);
  const { client, signalled } = fakeClient(waiting, () => new Promise<void>(() => undefined));
  const { dataSource } = fakeDatabase();
  const { logger, warnings } = capturingLogger();

  const started = Date.now();
  await expect(release(client, dataSource, { budgetMs: 300, logger }).done).resolves.toBeUndefined();
  expect(Date.now() - started).toBeLessThan(3_000);
  // The first hung until the budget was spent; the others were not tried (they retry on their own).
  expect(signalled).toEqual(['onboarding-w000']);
  expect(warnings.length).toBeGreaterThanOrEqual(1);
});

it('does not fail the release when the waiting onboardings cannot be listed (visibility down)', async () => {
  const { client, signalled } = fakeClient([], undefined, () => ({
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('14 UNAVAILABLE: visibility')) }),
  }));
  const { dataSource, statements } = fakeDatabase();
  const { logger, warnings } = capturingLogger();

  await expect(release(client, dataSource, { logger }).done).resolves.toBeUndefined();
  expect(statements).toHaveLength(1);
  expect(signalled).toEqual([]);
  expect(warnings).toEqual([expect.objectContaining({ message: expect.stringContaining('could not be found') })]);
});

it('tells nobody when no seat was released on a first attempt, and tells again on a retry', async () => {
  const first = fakeClient(backlog(2));
  await release(first.client, fakeDatabase([]).dataSource).done;
  expect(first.queries).toEqual([]);

  const retry = fakeClient(backlog(2));
  await release(retry.client, fakeDatabase([]).dataSource, { attempt: 2, logger: capturingLogger().logger }).done;
  expect(retry.signalled).toEqual(['onboarding-w000', 'onboarding-w001']);
});

it('without a limit (the roster API), tells every waiting onboarding and counts the failures', async () => {
  const waiting = backlog(20);
  const failedIds: string[] = [];
  const { client, signalled } = fakeClient(waiting, async (id) => {
    if (id === 'onboarding-w007') throw new Error('boom');
    if (id === 'onboarding-w008') throw new WorkflowNotFoundError('gone', id, undefined);
  });
  const outcome = await signalOnboardingsWaitingForCsm(client, { onSignalFailed: (id) => failedIds.push(id) });
  expect(outcome).toEqual({ found: 20, told: 18, failed: 1 });
  expect(signalled).toHaveLength(20);
  expect(failedIds).toEqual(['onboarding-w007']);
});
