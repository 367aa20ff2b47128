import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SegmentationRule } from '../../domain/segmentation';

/**
 * One published version of the segmentation rule. Rows are never updated: a change is a new
 * version, which decides the segment and tier of closed-won deals started after it.
 */
@Entity({ name: 'segmentation_rules' })
export class SegmentationRuleVersion {
  @PrimaryColumn({ type: 'integer' })
  version: number;

  /** The validated rule; its `version` field equals the row's version. */
  @Column({ type: 'jsonb' })
  rule: SegmentationRule;

  @Column({ name: 'published_at', type: 'timestamptz', default: () => 'now()' })
  publishedAt: Date;

  @Column({ name: 'published_by', type: 'text' })
  publishedBy: string;

  @Column({ type: 'text', nullable: true })
  notes: string | null;
}
