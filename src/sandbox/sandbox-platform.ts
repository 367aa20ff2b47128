/**
 * The bundled sandbox platform: a small local HTTP service (node:http, state in memory) with a
 * legacy store and a target store, standing in for the two platforms a cutover moves a customer
 * between. The cutover adapters call it over real HTTP in the demo and the tests; tests also
 * read and change its state directly through the returned object.
 *
 * Each migration-API call goes: latency (faults) → failStep (faults) → Idempotency-Key replay
 * (mutating calls) → handler. Admin calls (`/admin/...`) skip the first three.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { addAdminRoutes } from './admin-routes';
import type { FaultInjector } from './faults';
import { HttpError, parseJson, readBody, type Reply, type Route, type RouteContext, Router, sendJson } from './http';
import { IDEMPOTENCY_HEADER, REPLAYED_HEADER } from './idempotency';
import { addMigrationRoutes } from './migration-routes';
import type { LegacyStore, RecordStore, SandboxRecord } from './record-store';
import { type Counters, SandboxState, type SandboxStateSnapshot, type Switches } from './state';

export interface SandboxPlatformOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the sandbox has no authentication and must not be reachable from elsewhere. */
  host?: string;
}

export interface SandboxPlatform {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  /** The legacy store, with its `frozen` flag. */
  legacy: LegacyStore;
  target: RecordStore;
  /** The rehearsal target behind `/staging/target/...`. */
  staging: RecordStore;
  /** SSO, feature flags, cohorts. */
  switches: Switches;
  faults: FaultInjector;
  counters: Counters;
  /** Loads records into the legacy store (upsert by id), as `POST /admin/seed`. */
  seed(records: SandboxRecord[]): void;
  /** What `GET /admin/state` answers. */
  state(withRecords?: boolean): SandboxStateSnapshot;
  /** As `POST /admin/reset`: empty stores, no faults, switches, counters or idempotency keys. */
  reset(): void;
  /** Stops listening, drops open connections and pending delayed answers. Safe to call twice. */
  close(): Promise<void>;
}

export async function startSandboxPlatform(opts: SandboxPlatformOptions = {}): Promise<SandboxPlatform> {
  const host = opts.host ?? '127.0.0.1';
  const state = new SandboxState();
  const router = new Router();
  addMigrationRoutes(router, state);
  addAdminRoutes(router, state);

  // Delayed answers are tracked so that close() can drop them: no timer outlives the sandbox.
  const timers = new Set<NodeJS.Timeout>();
  const wait = (ms: number) =>
    ms <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, ms);
          timers.add(timer);
        });

  const server = http.createServer((req, res) => void serve(req, res));

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname;
    const routeKey = `${method} ${path}`;
    try {
      const raw = await readBody(req);
      const match = router.match(method, path);
      if (!match) throw new HttpError(404, `no route ${routeKey}`);
      if ('allowed' in match) {
        return sendJson(
          res,
          405,
          { error: `${method} is not allowed on ${path}` },
          { allow: match.allowed.join(', ') },
        );
      }
      const admin = path.startsWith('/admin/');
      if (!admin) {
        state.counters.count('requests', routeKey);
        await wait(state.faults.latencyMs);
        const injected = state.faults.takeFailure(path);
        if (injected !== undefined) {
          state.counters.count('injectedFailures', routeKey);
          return sendJson(res, injected, { error: `injected fault: ${path} answers ${injected}`, injected: true });
        }
      }
      const ctx: RouteContext = { params: match.params, query: url.searchParams, body: parseJson(raw) };
      if (!match.route.mutating) {
        if (!admin) state.counters.count('executed', routeKey);
        const reply = run(match.route, ctx);
        return sendJson(res, reply.status, reply.body);
      }
      const key = idempotencyKey(req);
      const replayed = state.idempotency.replay(key, method, path, ctx.body);
      if (replayed) {
        state.counters.count('replayed', routeKey);
        return sendJson(res, replayed.status, replayed.body, { [REPLAYED_HEADER]: 'true' });
      }
      state.counters.count('executed', routeKey);
      // From replay() to remember() nothing awaits: two concurrent calls with one key cannot both do the work.
      const reply = run(match.route, ctx);
      state.idempotency.remember(key, method, path, ctx.body, reply);
      sendJson(res, reply.status, reply.body);
    } catch (err) {
      sendJson(res, err instanceof HttpError ? err.status : 500, { error: (err as Error).message });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    legacy: state.legacy,
    target: state.target,
    staging: state.staging,
    switches: state.switches,
    faults: state.faults,
    counters: state.counters,
    seed: (records) => void state.legacy.putMany(records),
    state: (withRecords = true) => state.snapshot(withRecords),
    reset: () => state.reset(),
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections(); // fetch keeps its connections alive
      })),
  };
}

/** Handler errors (HttpError) become answers, so that they pass through the idempotency cache like any other. */
function run(route: Route, ctx: RouteContext): Reply {
  try {
    return route.handle(ctx);
  } catch (err) {
    if (err instanceof HttpError) return { status: err.status, body: { error: err.message } };
    throw err;
  }
}

function idempotencyKey(req: http.IncomingMessage): string {
  const key = req.headers[IDEMPOTENCY_HEADER];
  if (typeof key !== 'string' || !key.trim()) {
    // Required, not optional: a step that forgot its key would be retried into doing its work twice.
    throw new HttpError(400, 'the Idempotency-Key header is required on every mutating call');
  }
  if (key.length > 255) throw new HttpError(400, 'the Idempotency-Key header must be at most 255 characters');
  return key;
}
