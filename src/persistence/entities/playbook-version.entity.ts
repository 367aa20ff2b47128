import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Playbook } from '../../domain/playbook';

/**
 * One published version of a tier's playbook. Rows are never updated: a change is a new
 * version, and running onboardings keep the definition they started with in their input.
 */
@Entity({ name: 'playbooks' })
export class PlaybookVersion {
  @PrimaryColumn({ type: 'text' })
  tier: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  /** The validated definition; its `version` field equals the row's version. */
  @Column({ type: 'jsonb' })
  definition: Playbook;

  @Column({ name: 'published_at', type: 'timestamptz', default: () => 'now()' })
  publishedAt: Date;

  @Column({ name: 'published_by', type: 'text' })
  publishedBy: string;

  @Column({ type: 'text', nullable: true })
  notes: string | null;
}
