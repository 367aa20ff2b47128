/**
 * Shutdown with fake parts: the order, and the time limits that keep a part that never stops
 * (an activity that ignores its cancellation, a server that does not exit) from keeping the
 * stack running forever.
 */
import { Shutdown } from '../../src/stack/shutdown';
import { captureLogs } from '../support/captured-logs';

const never = () => new Promise<void>(() => undefined);
const after = (ms: number) => () => new Promise<void>((r) => setTimeout(r, ms));

it('stops the parts in reverse order and reports a complete stop', async () => {
  const { logger, msgs } = captureLogs();
  const shutdown = new Shutdown(logger);
  const stopped: string[] = [];
  for (const name of ['PostgreSQL', 'Temporal dev server', 'worker', 'API'])
    shutdown.add(name, async () => void stopped.push(name));
  expect(await shutdown.run('SIGINT')).toEqual({ complete: true, gaveUp: [] });
  expect(stopped).toEqual(['API', 'worker', 'Temporal dev server', 'PostgreSQL']);
  expect(msgs()).toEqual([
    'SIGINT: stopping',
    'stopped API',
    'stopped worker',
    'stopped Temporal dev server',
    'stopped PostgreSQL',
  ]);
});

it('gives up on a part that hangs after its time, logs it, and still stops the parts after it', async () => {
  const { logger, records, msgs } = captureLogs();
  const shutdown = new Shutdown(logger, { partMs: 5_000, totalMs: 10_000 });
  shutdown.add('PostgreSQL', after(10));
  shutdown.add('worker', never, 300);
  shutdown.add('API', after(10));
  const began = Date.now();
  expect(await shutdown.run('SIGTERM')).toEqual({ complete: false, gaveUp: ['worker'] });
  const took = Date.now() - began;
  expect(took).toBeGreaterThanOrEqual(300);
  expect(took).toBeLessThan(2_000);
  expect(msgs()).toEqual([
    'SIGTERM: stopping',
    'stopped API',
    'gave up on stopping worker: not stopped after 300 ms',
    'stopped PostgreSQL',
    'stopped, except worker',
  ]);
  expect(records.find((r) => r.part === 'worker')).toMatchObject({ level: 50, timeoutMs: 300 });
});

it('a part that fails is logged and given up; the rest still stop', async () => {
  const { logger, msgs } = captureLogs();
  const shutdown = new Shutdown(logger);
  shutdown.add('PostgreSQL', after(1));
  shutdown.add('API', () => Promise.reject(new Error('close failed')));
  expect(await shutdown.run('SIGINT')).toEqual({ complete: false, gaveUp: ['API'] });
  expect(msgs()).toContain('could not stop API: close failed');
  expect(msgs()).toContain('stopped PostgreSQL');
});

it('past the overall limit, logs the part it was stopping and the ones not reached, and gives up on them', async () => {
  const { logger, records } = captureLogs();
  const shutdown = new Shutdown(logger, { partMs: 60_000, totalMs: 400 });
  const called: string[] = [];
  shutdown.add('PostgreSQL', async () => void called.push('PostgreSQL'));
  shutdown.add('Temporal dev server', async () => void called.push('Temporal dev server'));
  shutdown.add('worker', () => (called.push('worker'), never()));
  shutdown.add('API', after(10));
  const began = Date.now();
  expect(await shutdown.run('SIGINT')).toEqual({
    complete: false,
    gaveUp: ['worker', 'Temporal dev server', 'PostgreSQL'],
  });
  expect(Date.now() - began).toBeLessThan(2_000);
  expect(called).toEqual(['worker']);
  expect(records.at(-1)).toMatchObject({
    level: 50,
    msg: 'stopping took longer than 400 ms: gave up on worker, Temporal dev server, PostgreSQL',
    limitMs: 400,
  });
  // Nothing is started after the limit, even when the hanging part ends later.
  await new Promise((r) => setTimeout(r, 100));
  expect(called).toEqual(['worker']);
});

it('on a signal stops once, ignores the repeats (one Ctrl-C under npm arrives twice), and exits 1 when a part was given up', async () => {
  const { logger, msgs } = captureLogs();
  const shutdown = new Shutdown(logger, { partMs: 200 });
  let stops = 0;
  shutdown.add('worker', () => (stops++, never()));
  const listeners = process.listenerCount('SIGINT');
  const exited = new Promise<number>((resolve) => {
    const remove = shutdown.stopOnSignals((code) => {
      remove();
      resolve(code);
    });
  });
  process.emit('SIGINT', 'SIGINT');
  process.emit('SIGINT', 'SIGINT');
  process.emit('SIGTERM', 'SIGTERM');
  expect(await exited).toBe(1);
  expect(stops).toBe(1);
  expect(msgs()).toEqual([
    'SIGINT: stopping',
    'SIGINT while stopping: already stopping',
    'SIGTERM while stopping: already stopping',
    'gave up on stopping worker: not stopped after 200 ms',
    'stopped, except worker',
  ]);
  expect(process.listenerCount('SIGINT')).toBe(listeners - 1);
});

it('on a signal exits 0 when everything stopped', async () => {
  const { logger } = captureLogs();
  const shutdown = new Shutdown(logger);
  shutdown.add('API', after(1));
  const code = await new Promise<number>((resolve) => {
    const remove = shutdown.stopOnSignals((c) => {
      remove();
      resolve(c);
    });
    process.emit('SIGTERM', 'SIGTERM');
  });
  expect(code).toBe(0);
});
