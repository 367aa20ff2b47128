import type { Playbook } from './playbook';
import type { Tier } from './segment';

/**
 * Version 1 of each tier's playbook, from the seeds: high-touch (enterprise, fintech) follows the
 * 30/60/90-day phases of seed 002; tech-touch and self-service follow the SaaS stages of seed 004.
 * Milestones are outcomes, not activities, with per-tier target days.
 */
const fintechHighTouch: Playbook = {
  tier: 'high-touch',
  version: 1,
  name: 'High-touch (fintech 30/60/90)',
  stages: [
    { key: 'kickoff', name: 'Day 0 kickoff', exitMilestones: ['success-criteria-agreed'] },
    { key: 'access-environment-data', name: 'Day 1-30 access, environment & data', exitMilestones: ['first-login', 'initial-setup-complete'] },
    { key: 'integration-validation', name: 'Day 31-60 integration & validation', exitMilestones: ['first-value-achieved'] },
    { key: 'cutover-hypercare', name: 'Day 61-90 cutover, hypercare & stabilization', exitMilestones: ['bau-accepted'] },
  ],
  milestones: [
    { key: 'success-criteria-agreed', name: 'Success criteria agreed', targetDay: 3 },
    { key: 'first-login', name: 'First login', targetDay: 14 },
    { key: 'initial-setup-complete', name: 'Initial setup complete', targetDay: 30 },
    { key: 'first-value-achieved', name: 'First value achieved', targetDay: 60 },
    { key: 'bau-accepted', name: 'BAU ownership accepted', targetDay: 90 },
  ],
  firstValueMilestone: 'first-value-achieved',
};

const saasStages = (days: { login: number; setup: number; adopted: number; value: number; bau: number }) => ({
  stages: [
    { key: 'welcome', name: 'Welcome', exitMilestones: ['first-login'] },
    { key: 'technical-setup', name: 'Technical Setup', exitMilestones: ['initial-setup-complete'] },
    { key: 'training', name: 'Training', exitMilestones: ['first-feature-adopted'] },
    { key: 'adoption', name: 'Adoption', exitMilestones: ['first-value-achieved'] },
    { key: 'handoff-to-bau', name: 'Handoff to BAU', exitMilestones: ['bau-accepted'] },
  ],
  milestones: [
    { key: 'first-login', name: 'First login', targetDay: days.login },
    { key: 'initial-setup-complete', name: 'Initial setup complete', targetDay: days.setup },
    { key: 'first-feature-adopted', name: 'First feature adopted', targetDay: days.adopted },
    { key: 'first-value-achieved', name: 'First value achieved', targetDay: days.value },
    { key: 'bau-accepted', name: 'BAU ownership accepted', targetDay: days.bau },
  ],
  firstValueMilestone: 'first-value-achieved',
});

const techTouch: Playbook = {
  tier: 'tech-touch',
  version: 1,
  name: 'Tech-touch (SaaS)',
  ...saasStages({ login: 3, setup: 14, adopted: 21, value: 30, bau: 45 }),
};

const selfService: Playbook = {
  tier: 'self-service',
  version: 1,
  name: 'Self-service (SaaS)',
  ...saasStages({ login: 1, setup: 7, adopted: 10, value: 14, bau: 30 }),
};

export const DEFAULT_PLAYBOOKS: Record<Tier, Playbook> = {
  'high-touch': fintechHighTouch,
  'tech-touch': techTouch,
  'self-service': selfService,
};
