import type { Playbook } from '../domain/playbook';
import type { Tier } from '../domain/segment';
import type { SegmentationRule } from '../domain/segmentation';
import { CHANGE_CHANNELS, type ChangeFeed } from '../persistence/change-listener';
import { NotifiedCache } from '../persistence/notified-cache';
import type { PlaybookStore } from './playbook-store';
import type { SegmentationStore } from './segmentation-store';

/**
 * The latest segmentation rule and each tier's latest playbook, as every start reads them, kept in
 * memory until a publish is notified (src/persistence/notified-cache.ts says when memory is not
 * trusted), or dropped at once when the publish went through this process's own stores. They
 * change a few times a year; a start is the API's busiest write.
 */
export class LatestPublished {
  private readonly rules: NotifiedCache<'latest', SegmentationRule>;
  private readonly playbooks: NotifiedCache<Tier, Playbook>;

  constructor(
    private readonly playbookStore: PlaybookStore,
    private readonly segmentationStore: SegmentationStore,
    feed: ChangeFeed,
  ) {
    this.rules = new NotifiedCache(feed);
    this.playbooks = new NotifiedCache(feed);
    feed.on(CHANGE_CHANNELS.segmentationRulePublished, () => this.rules.invalidate());
    // The payload is the tier; anything else (an operator's hand-written NOTIFY) clears them all.
    feed.on(CHANGE_CHANNELS.playbookPublished, (tier) => this.playbooks.invalidate((tier as Tier) || undefined));
    // Publishes through this process: at once, so its own next start reads what it just published.
    segmentationStore.onPublished(() => this.rules.invalidate());
    playbookStore.onPublished((tier) => this.playbooks.invalidate(tier));
  }

  segmentationRule(): Promise<SegmentationRule> {
    return this.rules.get('latest', async () => deepFreeze(await this.segmentationStore.latest()));
  }

  playbook(tier: Tier): Promise<Playbook> {
    return this.playbooks.get(tier, async () => deepFreeze(await this.playbookStore.latest(tier)));
  }
}

/** Shared by every start that reads it: nothing may change it in place. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
