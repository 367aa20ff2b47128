import { publicationNotes } from '../common/publication-notes';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { notFound, ProblemException } from '../common/problem-details';
import type { SegmentationRule } from '../../src/domain/segmentation';
import {
  SegmentationRuleNotPublishedError,
  SegmentationRuleSummary,
  SegmentationStore,
} from '../../src/playbooks/segmentation-store';
import { PublishSegmentationRuleDto } from './dto/publish-segmentation-rule.dto';

@Injectable()
export class SegmentationService implements OnApplicationBootstrap {
  constructor(private readonly store: SegmentationStore) {}

  /** The default rule is loaded on first start, so a closed-won deal can always be segmented. */
  async onApplicationBootstrap(): Promise<void> {
    await this.store.seedDefault();
  }

  async latest(): Promise<SegmentationRule> {
    try {
      return await this.store.latest();
    } catch (err) {
      if (err instanceof SegmentationRuleNotPublishedError) throw notFound(err.message);
      throw err;
    }
  }

  list(): Promise<SegmentationRuleSummary[]> {
    return this.store.list();
  }

  async version(version: number): Promise<SegmentationRule> {
    const rule = await this.store.get(version);
    if (!rule) throw notFound(`segmentation rule has no version ${version}`);
    return rule;
  }

  async publish(dto: PublishSegmentationRuleDto, publisher: string): Promise<{ version: number }> {
    const published = await this.store.publish(dto.rule, publisher, publicationNotes(dto));
    if (!published.ok) {
      throw new ProblemException({
        status: 400,
        code: 'InvalidSegmentationRule',
        detail: `invalid segmentation rule: ${published.errors.length} problem(s)`,
        errors: published.errors,
      });
    }
    return { version: published.rule.version };
  }
}
