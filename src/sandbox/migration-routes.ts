/**
 * The migration API the cutover steps call: the legacy platform (freeze, customer writes,
 * paging, checksum), the target platform and its staging twin (batch upsert, delete, purge,
 * checksum, count), the switches (SSO, feature flags, cohorts) and health metrics.
 * Mutating routes get their Idempotency-Key handling from the server (sandbox-platform.ts).
 */
import { HttpError, isPlainObject, type Reply, type Route, type RouteContext, type Router } from './http';
import { parseRecord, parseRecords, type RecordStore, type SandboxRecord } from './record-store';
import { COHORT_STAGES, type CohortStage, PLATFORMS, type Platform, type SandboxState } from './state';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

export function addMigrationRoutes(router: Router, state: SandboxState): void {
  const route = (method: string, pattern: string, handle: (ctx: RouteContext) => Reply) =>
    router.add({ method, pattern, mutating: method !== 'GET', handle } satisfies Route);
  const ok = (body: unknown): Reply => ({ status: 200, body });
  const { legacy, switches } = state;

  route('POST', '/legacy/freeze', () => {
    const wasFrozen = legacy.frozen;
    legacy.frozen = true;
    return ok({ frozen: true, wasFrozen });
  });
  route('POST', '/legacy/unfreeze', () => {
    const wasFrozen = legacy.frozen;
    legacy.frozen = false;
    return ok({ frozen: false, wasFrozen });
  });
  route('POST', '/legacy/records', ({ body }) => {
    // The customer still writing during the cutover: refused while frozen, as the real platform would.
    if (legacy.frozen)
      throw new HttpError(423, 'the legacy platform is frozen: writes are refused until it is unfrozen');
    const record = parseRecord(body, 'body');
    const created = legacy.put(record) === 'created';
    return { status: created ? 201 : 200, body: { record, created } };
  });
  addReadRoutes(route, '/legacy', legacy);

  for (const [prefix, store] of [
    ['/target', state.target],
    ['/staging/target', state.staging],
  ] as const) {
    const batchRoute = `POST ${prefix}/records/batch`;
    route('POST', `${prefix}/records/batch`, ({ body }) => storeBatch(state, store, parseRecords(body), batchRoute));
    route('DELETE', `${prefix}/records`, ({ body }) => {
      if (isPlainObject(body) && body.all === true) return ok({ deleted: store.purge(), total: store.size });
      if (!isPlainObject(body) || !Array.isArray(body.ids) || !body.ids.every((id) => typeof id === 'string')) {
        // An empty body must not wipe the target: deleting everything is asked for explicitly.
        throw new HttpError(400, 'give { ids: [string, ...] } or { all: true }');
      }
      return ok({ deleted: store.delete(body.ids as string[]), total: store.size });
    });
    route('POST', `${prefix}/purge`, () => ok({ deleted: store.purge(), total: store.size }));
    addReadRoutes(route, prefix, store);
  }

  route('POST', '/sso/switch', ({ body }) => {
    const to = field(body, 'to');
    if (!PLATFORMS.includes(to as Platform)) throw new HttpError(400, `to must be one of ${PLATFORMS.join(', ')}`);
    const previous = switches.sso;
    switches.sso = to as Platform;
    return ok({ sso: to, previous });
  });
  route('POST', '/flags/:name', ({ params, body }) => {
    const enabled = field(body, 'enabled');
    if (typeof enabled !== 'boolean') throw new HttpError(400, 'enabled must be true or false');
    const previous = switches.flags[params.name] ?? null;
    switches.flags[params.name] = enabled;
    return ok({ flag: params.name, enabled, previous });
  });
  for (const action of ['open', 'close'] as const) {
    const toggle = (stage: unknown) => {
      if (!COHORT_STAGES.includes(stage as CohortStage))
        throw new HttpError(400, `stage must be one of ${COHORT_STAGES.join(', ')}`);
      const wasOpen = switches.cohorts[stage as CohortStage];
      switches.cohorts[stage as CohortStage] = action === 'open';
      return ok({ stage, open: action === 'open', wasOpen });
    };
    route('POST', `/cohorts/${action}`, ({ body }) => toggle(field(body, 'stage')));
    // The same per stage, so a fault can target one stage of the rollout (failStep matches paths).
    route('POST', `/cohorts/:stage/${action}`, ({ params }) => toggle(params.stage));
  }
  route('GET', '/health/metrics', () => ok(state.faults.metrics()));
}

type AddRoute = (method: string, pattern: string, handle: (ctx: RouteContext) => Reply) => void;

/** Paging, count and checksum: the same on the legacy side and both targets, so reconciliation compares like with like. */
function addReadRoutes(route: AddRoute, prefix: string, store: RecordStore): void {
  route('GET', `${prefix}/records`, ({ query }) => ({
    status: 200,
    body: store.page(query.get('after') || undefined, pageLimit(query)),
  }));
  route('GET', `${prefix}/records/count`, () => ({
    status: 200,
    body: { count: store.size, byKind: store.countByKind() },
  }));
  route('GET', `${prefix}/checksum`, () => ({ status: 200, body: store.checksum() }));
}

/**
 * Upserts a batch by id (the last of duplicate ids wins). Under failAfterRecords the batch is
 * written only until the store holds that many records, then fails with the rest unwritten.
 */
function storeBatch(state: SandboxState, store: RecordStore, records: SandboxRecord[], routeKey: string): Reply {
  const batch = [...new Map(records.map((r) => [r.id, r])).values()];
  let room = state.faults.roomBeforeFailure(store.size);
  let stored = 0;
  let created = 0;
  for (const record of batch) {
    if (!store.has(record.id) && room <= 0) {
      state.counters.count('injectedFailures', routeKey);
      return {
        status: 500,
        body: {
          error: `injected fault: the store holds ${store.size} records (failAfterRecords ${state.faults.failAfterRecords}); ${batch.length - stored} of the batch not written`,
          injected: true,
          stored,
          created,
          total: store.size,
        },
      };
    }
    if (store.put(record) === 'created') {
      room--;
      created++;
    }
    stored++;
  }
  return { status: 200, body: { stored, created, total: store.size } };
}

function pageLimit(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null) return DEFAULT_PAGE;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw new HttpError(400, `limit must be an integer from 1 to ${MAX_PAGE}`);
  return limit;
}

function field(body: unknown, name: string): unknown {
  return isPlainObject(body) ? body[name] : undefined;
}
