import type { Tier } from './segment';

/**
 * The pre-program figures of one tier from the current-state audit, entered by CS Ops: what the
 * red flags and the pilot comparison measure against. Versioned: a correction is a new version,
 * and the latest one counts.
 */
export interface Baseline {
  tier: Tier;
  version: number;
  medianTtvDays: number;
  /** Share (0..1) of onboardings that met every milestone within target, before the program. */
  completionWithinTargetRate: number;
  /** How many onboardings the audit measured, when known: shown beside the figures. */
  sampleSize: number | null;
  notes: string | null;
  enteredBy: string;
  enteredAt: string;
}
