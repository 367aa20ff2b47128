import type { Tier } from './segment';

/**
 * A playbook is data: one generic workflow interprets it. A running onboarding carries the
 * playbook it started with in its input, so publishing a new version never changes it.
 */
export interface MilestoneDefinition {
  key: string;
  name: string;
  /** Target, in days after closed-won, for "completed within target". */
  targetDay: number;
}

export interface StageDefinition {
  key: string;
  name: string;
  /** The stage is exited when all of these milestones are achieved. */
  exitMilestones: string[];
}

export interface Playbook {
  tier: Tier;
  version: number;
  name: string;
  stages: StageDefinition[];
  milestones: MilestoneDefinition[];
  /** The milestone whose achievement defines time to value. */
  firstValueMilestone: string;
}
