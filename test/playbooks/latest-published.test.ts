/**
 * What the start path reads (src/playbooks/latest-published.ts), on a database of this file's own:
 * a publish through this process's stores is what its next read answers at once, without waiting
 * for PostgreSQL's notification. The feed here never delivers one, so only the stores' own word can
 * make the new version visible; a version published behind the stores' back stays unseen until a
 * notification comes, as the cache's rules say.
 */
import { DataSource } from 'typeorm';
import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import { DEFAULT_SEGMENTATION_RULE } from '../../src/domain/segmentation';
import type { ChangeFeed } from '../../src/persistence/change-listener';
import { dataSourceOptions } from '../../src/persistence/data-source';
import { LatestPublished } from '../../src/playbooks/latest-published';
import { PlaybookStore } from '../../src/playbooks/playbook-store';
import { SegmentationStore } from '../../src/playbooks/segmentation-store';
import { createOwnDatabase, type OwnDatabase } from '../support/own-database';

let own: OwnDatabase;
let dataSource: DataSource;
let playbooks: PlaybookStore;
let rules: SegmentationStore;
let latest: LatestPublished;

/** Live for the whole test (memory is trusted), and silent: no notification ever arrives. */
const silentFeed: ChangeFeed = { epoch: () => 1, on: () => undefined };

beforeAll(async () => {
  own = await createOwnDatabase('latest_published');
  dataSource = await new DataSource(dataSourceOptions(own.url)).initialize();
  playbooks = new PlaybookStore(dataSource);
  rules = new SegmentationStore(dataSource);
  await playbooks.seedDefaults();
  await rules.seedDefault();
  latest = new LatestPublished(playbooks, rules, silentFeed);
});

afterAll(async () => {
  await dataSource?.destroy();
  await own?.drop();
});

it("answers a playbook published through this process's store on the next read, without a notification", async () => {
  const before = await latest.playbook('high-touch');
  await latest.playbook('tech-touch'); // held too, to show that the publish drops only its own tier
  const reads = jest.spyOn(playbooks, 'latest');
  expect((await latest.playbook('high-touch')).version).toBe(before.version); // from memory
  expect(reads).not.toHaveBeenCalled();

  const published = await playbooks.publish(
    'high-touch',
    { ...structuredClone(DEFAULT_PLAYBOOKS['high-touch']), name: 'published here' },
    'test:latest-published',
  );
  expect(published.ok).toBe(true);
  const after = await latest.playbook('high-touch');
  expect(after).toMatchObject({ version: before.version + 1, name: 'published here' });
  // Only the published tier was dropped: the other one still comes from memory.
  await latest.playbook('tech-touch');
  expect(reads.mock.calls.map(([tier]) => tier)).toEqual(['high-touch']);
  reads.mockRestore();
});

it("answers a segmentation rule published through this process's store on the next read", async () => {
  const before = await latest.segmentationRule();
  const published = await rules.publish(structuredClone(DEFAULT_SEGMENTATION_RULE), 'test:latest-published');
  expect(published.ok).toBe(true);
  expect((await latest.segmentationRule()).version).toBe(before.version + 1);
});

it('keeps what it holds when a version is published by another process, until the notification comes', async () => {
  const held = await latest.playbook('self-service');
  // Another process's store: this process hears of it only through PostgreSQL's notification.
  const elsewhere = new PlaybookStore(dataSource);
  await elsewhere.publish('self-service', structuredClone(DEFAULT_PLAYBOOKS['self-service']), 'test:latest-published');
  expect((await latest.playbook('self-service')).version).toBe(held.version);
});
