import { type DataSource } from 'typeorm';
import { DEFAULT_SEGMENTATION_RULE, type SegmentationRule } from '../domain/segmentation';
import { SegmentationRuleVersion } from '../persistence/entities/segmentation-rule-version.entity';
import { type SegmentationRuleValidation, validateSegmentationRule } from './validate-segmentation-rule';

export interface SegmentationRuleSummary {
  version: number;
  publishedAt: Date;
  publishedBy: string;
  notes: string | null;
}

export class SegmentationRuleNotPublishedError extends Error {
  constructor() {
    super('no segmentation rule is published');
    this.name = 'SegmentationRuleNotPublishedError';
  }
}

/**
 * Segmentation rule versions in PostgreSQL, append-only like playbooks: an onboarding's segment
 * and tier can always be explained by reading the version in its memo.
 */
export class SegmentationStore {
  private readonly published: Array<() => void> = [];

  constructor(private readonly dataSource: DataSource) {}

  /** Told after each publish through this store has committed (see PlaybookStore.onPublished). */
  onPublished(listener: () => void): void {
    this.published.push(listener);
  }

  private get versions() {
    return this.dataSource.getRepository(SegmentationRuleVersion);
  }

  /** The version that segments new closed-won deals. */
  async latest(): Promise<SegmentationRule> {
    const [row] = await this.versions.find({ order: { version: 'DESC' }, take: 1 });
    if (!row) throw new SegmentationRuleNotPublishedError();
    return row.rule;
  }

  async get(version: number): Promise<SegmentationRule | undefined> {
    const row = await this.versions.findOne({ where: { version } });
    return row?.rule;
  }

  /** Every version, oldest first, without the rules. */
  async list(): Promise<SegmentationRuleSummary[]> {
    const rows = await this.versions.find({
      select: { version: true, publishedAt: true, publishedBy: true, notes: true },
      order: { version: 'ASC' },
    });
    return rows.map(({ version, publishedAt, publishedBy, notes }) => ({ version, publishedAt, publishedBy, notes }));
  }

  /**
   * Validates and stores the next version of the rule. The version is always the highest plus
   * one, whatever the rule says: versions are assigned, not chosen.
   */
  async publish(rule: unknown, publishedBy: string, notes?: string): Promise<SegmentationRuleValidation> {
    const candidate = isObject(rule) ? { ...rule, version: 1 } : rule;
    const validation = validateSegmentationRule(candidate);
    if (!validation.ok) return validation;

    const published = await this.dataSource.transaction(async (tx) => {
      // Serialises publishes, so concurrent ones get consecutive versions.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['segmentation_rules']);
      const [{ next }] = await tx.query('SELECT coalesce(max(version), 0) + 1 AS next FROM segmentation_rules');
      const stored: SegmentationRule = { ...validation.rule, version: Number(next) };
      await tx.query(
        'INSERT INTO segmentation_rules (version, rule, published_by, notes) VALUES ($1, $2::jsonb, $3, $4)',
        [stored.version, JSON.stringify(stored), publishedBy, notes ?? null],
      );
      return { ok: true as const, rule: stored };
    });
    for (const listener of this.published) listener();
    return published;
  }

  /** Loads version 1, the default rule, unless that version exists; safe on every start. */
  async seedDefault(): Promise<void> {
    const validation = validateSegmentationRule(DEFAULT_SEGMENTATION_RULE);
    if (!validation.ok) {
      throw new Error(
        `the default segmentation rule is invalid: ${validation.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      );
    }
    await this.dataSource.query(
      `INSERT INTO segmentation_rules (version, rule, published_by, notes)
       VALUES ($1, $2::jsonb, 'system', 'default segmentation rule')
       ON CONFLICT (version) DO NOTHING`,
      [DEFAULT_SEGMENTATION_RULE.version, JSON.stringify(DEFAULT_SEGMENTATION_RULE)],
    );
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
