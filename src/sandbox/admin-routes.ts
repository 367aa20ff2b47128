/**
 * Admin API for tests and the demo: seed the legacy store, read the whole state, set faults,
 * reset. Never faulted, delayed or keyed, so a test can always inspect and repair the sandbox.
 */
import { demoDataset } from './demo-dataset';
import { HttpError, isPlainObject, type Router } from './http';
import { parseRecords, type SandboxRecord } from './record-store';
import { type SandboxState } from './state';

export function addAdminRoutes(router: Router, state: SandboxState): void {
  router.add({
    method: 'POST',
    pattern: '/admin/seed',
    mutating: false,
    handle: ({ body }) => {
      const records = seedRecords(body);
      state.legacy.putMany(records);
      return {
        status: 200,
        body: { seeded: records.length, legacy: { count: state.legacy.size, byKind: state.legacy.countByKind() } },
      };
    },
  });
  router.add({
    method: 'GET',
    pattern: '/admin/state',
    mutating: false,
    handle: ({ query }) => ({ status: 200, body: state.snapshot(query.get('records') !== 'false') }),
  });
  router.add({
    method: 'POST',
    pattern: '/admin/faults',
    mutating: false,
    handle: ({ body }) => {
      state.faults.set(body);
      return { status: 200, body: { faults: state.faults.snapshot() } };
    },
  });
  router.add({
    method: 'POST',
    pattern: '/admin/reset',
    mutating: false,
    handle: () => {
      state.reset();
      return { status: 200, body: { reset: true } };
    },
  });
}

/** `{ records: [...] }`, or `{ generate: { accounts?, cards?, payments? } }` for the deterministic demo dataset. */
function seedRecords(body: unknown): SandboxRecord[] {
  if (!isPlainObject(body) || body.generate === undefined) return parseRecords(body);
  const size = body.generate;
  if (!isPlainObject(size)) throw new HttpError(400, 'generate must be an object { accounts?, cards?, payments? }');
  for (const [key, value] of Object.entries(size)) {
    if (!['accounts', 'cards', 'payments'].includes(key))
      throw new HttpError(400, `generate.${key} is unknown; give accounts, cards, payments`);
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 1_000_000) {
      throw new HttpError(400, `generate.${key} must be an integer from 0 to 1000000`);
    }
  }
  try {
    return demoDataset(size);
  } catch (err) {
    throw new HttpError(400, (err as Error).message);
  }
}
