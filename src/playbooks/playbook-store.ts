import { type DataSource } from 'typeorm';
import { DEFAULT_PLAYBOOKS } from '../domain/default-playbooks';
import type { Playbook } from '../domain/playbook';
import type { Tier } from '../domain/segment';
import { PlaybookVersion } from '../persistence/entities/playbook-version.entity';
import { type PlaybookError, type PlaybookValidation, validatePlaybook } from './validate-playbook';

export interface PlaybookSummary {
  tier: Tier;
  version: number;
  name: string;
  publishedAt: Date;
  publishedBy: string;
  notes: string | null;
}

export class PlaybookNotPublishedError extends Error {
  constructor(readonly tier: string) {
    super(`no playbook is published for tier "${tier}"`);
    this.name = 'PlaybookNotPublishedError';
  }
}

/**
 * Playbook versions in PostgreSQL. Versions are append-only: publishing never changes a stored
 * version, so an onboarding started on version n can always be explained by reading version n.
 */
export class PlaybookStore {
  private readonly published: Array<(tier: Tier) => void> = [];

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Told after each publish through this store has committed: this process's caches drop the
   * tier at once, before the publish answers, instead of when PostgreSQL's notification arrives
   * a moment later (a caller that publishes and then starts must get the new version).
   */
  onPublished(listener: (tier: Tier) => void): void {
    this.published.push(listener);
  }

  private get versions() {
    return this.dataSource.getRepository(PlaybookVersion);
  }

  /** The version new onboardings of this tier start on. */
  async latest(tier: Tier): Promise<Playbook> {
    const row = await this.versions.findOne({ where: { tier }, order: { version: 'DESC' } });
    if (!row) throw new PlaybookNotPublishedError(tier);
    return row.definition;
  }

  async get(tier: Tier, version: number): Promise<Playbook | undefined> {
    const row = await this.versions.findOne({ where: { tier, version } });
    return row?.definition;
  }

  /** Every version of every tier, without the definitions. */
  async list(): Promise<PlaybookSummary[]> {
    const rows: Array<Omit<PlaybookSummary, 'version'> & { version: number | string }> = await this.dataSource.query(
      `SELECT tier, version, definition->>'name' AS name, published_at AS "publishedAt",
              published_by AS "publishedBy", notes
         FROM playbooks
        ORDER BY tier, version`,
    );
    return rows.map((r) => ({ ...r, version: Number(r.version) }));
  }

  /**
   * Validates and stores the next version of a tier's playbook. The version is always the
   * tier's highest plus one, whatever the definition says: versions are assigned, not chosen.
   */
  async publish(tier: Tier, definition: unknown, publishedBy: string, notes?: string): Promise<PlaybookValidation> {
    const candidate = isObject(definition) ? { ...definition, version: 1 } : definition;
    const validation = validatePlaybook(candidate);
    const errors: PlaybookError[] = validation.ok ? [] : [...validation.errors];
    const bodyTier = isObject(definition) ? definition.tier : undefined;
    if (typeof bodyTier === 'string' && bodyTier !== tier && !errors.some((e) => e.path === 'tier')) {
      errors.unshift({
        path: 'tier',
        message: `tier "${bodyTier}" does not match the tier being published ("${tier}")`,
      });
    }
    if (!validation.ok || errors.length) return { ok: false, errors };

    const stored = await this.dataSource.transaction(async (tx) => {
      // Serialises publishes of one tier, so concurrent ones get consecutive versions.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`playbooks:${tier}`]);
      const [{ next }] = await tx.query('SELECT coalesce(max(version), 0) + 1 AS next FROM playbooks WHERE tier = $1', [
        tier,
      ]);
      const playbook: Playbook = { ...validation.playbook, version: Number(next) };
      await tx.query(
        'INSERT INTO playbooks (tier, version, definition, published_by, notes) VALUES ($1, $2, $3::jsonb, $4, $5)',
        [tier, playbook.version, JSON.stringify(playbook), publishedBy, notes ?? null],
      );
      return { ok: true as const, playbook };
    });
    for (const listener of this.published) listener(tier);
    return stored;
  }

  /** Loads version 1 of each default playbook unless that version exists; safe on every start. */
  async seedDefaults(): Promise<void> {
    for (const playbook of Object.values(DEFAULT_PLAYBOOKS)) {
      const validation = validatePlaybook(playbook);
      if (!validation.ok) {
        throw new Error(
          `default playbook ${playbook.tier} is invalid: ${validation.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
        );
      }
      await this.dataSource.query(
        `INSERT INTO playbooks (tier, version, definition, published_by, notes)
         VALUES ($1, $2, $3::jsonb, 'system', 'default playbook')
         ON CONFLICT (tier, version) DO NOTHING`,
        [playbook.tier, playbook.version, JSON.stringify(playbook)],
      );
    }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
