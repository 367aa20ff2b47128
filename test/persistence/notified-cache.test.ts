/**
 * The rules of the caches invalidated by PostgreSQL notifications (src/persistence/notified-cache.ts),
 * over a feed whose epoch the test sets: what is served from memory, and when PostgreSQL is asked.
 */
import { NotifiedCache } from '../../src/persistence/notified-cache';

class Feed {
  current: number | undefined = 1;
  epoch = () => this.current;
}

/** A store that counts its reads and answers the version it holds now. */
function store(initial: number) {
  const s = {
    version: initial,
    reads: 0,
    read: async () => {
      s.reads++;
      return s.version;
    },
  };
  return s;
}

it('serves a value read once from memory while the feed stays in its epoch', async () => {
  const cache = new NotifiedCache<string, number>(new Feed());
  const db = store(1);
  expect(await cache.get('high-touch', db.read)).toBe(1);
  db.version = 2; // changed without a notification: memory answers, as it should until one comes
  expect(await cache.get('high-touch', db.read)).toBe(1);
  expect(db.reads).toBe(1);
});

it('reads again after an invalidation of its key, and only of its key', async () => {
  const cache = new NotifiedCache<string, number>(new Feed());
  const high = store(1);
  const tech = store(10);
  await cache.get('high-touch', high.read);
  await cache.get('tech-touch', tech.read);
  high.version = 2;
  cache.invalidate('high-touch');
  expect(await cache.get('high-touch', high.read)).toBe(2);
  expect(await cache.get('tech-touch', tech.read)).toBe(10);
  expect([high.reads, tech.reads]).toEqual([2, 1]);
});

it('reads every time, and keeps nothing, while the feed has no epoch (listener down or reconnecting)', async () => {
  const feed = new Feed();
  const cache = new NotifiedCache<string, number>(feed);
  const db = store(1);
  await cache.get('k', db.read);
  feed.current = undefined;
  db.version = 2; // published while down: its notification is lost
  expect(await cache.get('k', db.read)).toBe(2);
  expect(await cache.get('k', db.read)).toBe(2);
  expect(db.reads).toBe(3);
  expect(cache.size).toBe(0);
});

it('never serves a value of an earlier epoch after the listener reconnects', async () => {
  const feed = new Feed();
  const cache = new NotifiedCache<string, number>(feed);
  const db = store(1);
  await cache.get('k', db.read);
  // Lost and reconnected between two requests: the cache never saw it down.
  feed.current = 2;
  db.version = 2;
  expect(await cache.get('k', db.read)).toBe(2);
  expect(await cache.get('k', db.read)).toBe(2);
  expect(db.reads).toBe(2);
});

it('does not keep a value whose read raced an invalidation: it may be the row from before the change', async () => {
  const cache = new NotifiedCache<string, number>(new Feed());
  const db = store(1);
  let release!: () => void;
  const slowRead = async () => {
    const value = db.version; // read before the publish commits
    await new Promise<void>((resolve) => (release = resolve));
    return value;
  };
  const first = cache.get('k', slowRead);
  db.version = 2;
  cache.invalidate('k'); // the publish's notification arrives while that read is on its way
  release();
  expect(await first).toBe(1); // its caller gets what it read...
  expect(await cache.get('k', db.read)).toBe(2); // ...but the next caller reads again
  expect(db.reads).toBe(1);
});

it('does not keep a value whose read spanned a change of epoch', async () => {
  const feed = new Feed();
  const cache = new NotifiedCache<string, number>(feed);
  const db = store(1);
  let release!: () => void;
  const first = cache.get('k', async () => {
    await new Promise<void>((resolve) => (release = resolve));
    return 1;
  });
  feed.current = 2;
  release();
  await first;
  db.version = 2;
  expect(await cache.get('k', db.read)).toBe(2);
});

it('keeps no failure: a key with nothing published is read again next time', async () => {
  const cache = new NotifiedCache<string, number>(new Feed());
  await expect(
    cache.get('k', async () => {
      throw new Error('no playbook is published for tier "k"');
    }),
  ).rejects.toThrow('no playbook');
  expect(await cache.get('k', async () => 3)).toBe(3);
});
