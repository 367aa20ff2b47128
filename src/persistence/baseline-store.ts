import type { DataSource } from 'typeorm';
import type { Baseline } from '../domain/baseline';
import type { Tier } from '../domain/segment';

export type BaselineFigures = Pick<Baseline, 'medianTtvDays' | 'completionWithinTargetRate' | 'sampleSize' | 'notes'>;

interface BaselineRow {
  tier: Tier;
  version: number;
  median_ttv_days: number;
  completion_within_target_rate: number;
  sample_size: number | null;
  notes: string | null;
  entered_by: string;
  entered_at: Date;
}

const baselineOf = (r: BaselineRow): Baseline => ({
  tier: r.tier,
  version: r.version,
  medianTtvDays: r.median_ttv_days,
  completionWithinTargetRate: r.completion_within_target_rate,
  sampleSize: r.sample_size,
  notes: r.notes,
  enteredBy: r.entered_by,
  enteredAt: r.entered_at.toISOString(),
});

/**
 * The pre-program baseline per tier, as CS Ops enters it from the current-state audit. Append
 * only: a correction is the tier's next version (with who and when), and the latest counts.
 */
export class BaselineStore {
  constructor(private readonly dataSource: DataSource) {}

  async enter(tier: Tier, figures: BaselineFigures, enteredBy: string): Promise<Baseline> {
    return this.dataSource.transaction(async (tx) => {
      // One version number per entry, even when two arrive at once.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`baselines:${tier}`]);
      const [row]: BaselineRow[] = await tx.query(
        `INSERT INTO baselines (tier, version, median_ttv_days, completion_within_target_rate, sample_size, notes, entered_by)
         SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6 FROM baselines WHERE tier = $1
         RETURNING *`,
        [tier, figures.medianTtvDays, figures.completionWithinTargetRate, figures.sampleSize, figures.notes, enteredBy],
      );
      return baselineOf(row);
    });
  }

  /** The latest version of each tier that has one. */
  async latest(): Promise<Baseline[]> {
    const rows: BaselineRow[] = await this.dataSource.query(
      `SELECT DISTINCT ON (tier) * FROM baselines ORDER BY tier, version DESC`,
    );
    return rows.map(baselineOf);
  }

  /** Every version of one tier, newest first: who entered what, when. */
  async history(tier: Tier): Promise<Baseline[]> {
    const rows: BaselineRow[] = await this.dataSource.query(
      `SELECT * FROM baselines WHERE tier = $1 ORDER BY version DESC`,
      [tier],
    );
    return rows.map(baselineOf);
  }
}
