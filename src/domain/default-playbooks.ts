import type {
  EscalationLadder,
  GateDefinition,
  MessageTemplate,
  MilestoneDefinition,
  Playbook,
  StageDefinition,
  TaskDefinition,
} from './playbook';
import type { Role } from './roles';
import type { Tier } from './segment';
import { type CutoverPlan, DEFAULT_CUTOVER_PLAN } from './cutover';
import { OPERATIONAL_MESSAGES } from './messages';

/**
 * Version 1 of each tier's playbook, from the seeds: high-touch (enterprise, fintech) follows the
 * 30/60/90-day phases of seed 002; tech-touch and self-service follow the SaaS stages of seed 004.
 * Milestones are outcomes, not activities, with per-tier target days. Loaded into PostgreSQL on
 * first start; later versions are published through the API.
 */

const stage = (
  key: string,
  name: string,
  exitMilestones: string[],
  extra: Partial<StageDefinition> = {},
): StageDefinition => ({
  key,
  name,
  entryCriteria: extra.entryCriteria ?? 'Previous stage exited',
  exitCriteria: extra.exitCriteria ?? `Milestones achieved: ${exitMilestones.join(', ')}`,
  exitMilestones,
  exitGates: extra.exitGates ?? [],
  stallAfterDays: extra.stallAfterDays ?? 14,
});

const task = (
  key: string,
  name: string,
  stageKey: string,
  owner: Role,
  dueAfterDays: number,
  dependsOn: string[] = [],
): TaskDefinition => ({
  key,
  name,
  stage: stageKey,
  owner,
  dueAfterDays,
  dependsOn,
  remindBeforeHours: 24,
  escalation: 'standard',
});

const milestone = (key: string, name: string, targetDay: number, executiveTouchpoint = false): MilestoneDefinition => ({
  key,
  name,
  targetDay,
  escalation: 'standard',
  executiveTouchpoint,
});

/** CSM at breach, CS lead after 48 h, VP CS after a further review cycle (seed 000/004). */
const ladders = (leadAfterHours: number, vpAfterHours: number): EscalationLadder[] => [
  {
    key: 'standard',
    levels: [
      { notify: 'csm', afterHours: 0 },
      { notify: 'cs-lead', afterHours: leadAfterHours },
      { notify: 'vp-cs', afterHours: vpAfterHours },
    ],
  },
  {
    key: 'handoff',
    levels: [
      { notify: 'sales', afterHours: 0 },
      { notify: 'cs-lead', afterHours: 48 },
    ],
  },
];

const contacts: Playbook['contacts'] = {
  'cs-lead': 'cs-lead@onboarding.example',
  'vp-cs': 'vp-cs@onboarding.example',
  'cs-ops': 'cs-ops@onboarding.example',
  implementation: 'implementation@onboarding.example',
};

/** Messages shared by every tier; `welcome` and `milestone-achieved` are personalised per tier. */
const commonMessages: MessageTemplate[] = [
  {
    event: 'handoff-incomplete',
    to: ['sales'],
    subject: 'Handoff for {{account.name}} is incomplete',
    body: 'The onboarding of {{account.name}} is waiting on the Sales-to-CS handoff. Missing: {{handoffMissing}}. No CSM is assigned until it is complete.',
  },
  {
    event: 'csm-assigned',
    to: ['csm'],
    subject: 'You are the CSM for {{account.name}}',
    body: 'Hello {{csm.name}}, {{account.name}} ({{tier}}) is yours. Target go-live: {{handoff.targetGoLive}}.',
  },
  {
    event: 'task-reminder',
    to: [],
    subject: 'Reminder: {{task.name}} for {{account.name}} is due {{task.dueAt}}',
    body: 'The task "{{task.name}}" of the onboarding of {{account.name}} is due {{task.dueAt}}.',
  },
  {
    event: 'escalation',
    to: [],
    subject: '[Escalation L{{escalation.level}}] {{escalation.subject}} for {{account.name}}',
    body: '{{escalation.reason}}. Breached at {{escalation.breachedAt}}. Acknowledge the escalation once someone owns it.',
  },
  ...OPERATIONAL_MESSAGES,
  {
    event: 'stalled',
    to: ['csm'],
    subject: 'Stalled: {{account.name}} at {{stage.name}}',
    body: 'The onboarding of {{account.name}} has made no progress at {{stage.name}} since {{stage.lastProgressAt}}.',
  },
  {
    event: 'executive-touchpoint',
    to: ['executive-sponsor', 'vp-cs'],
    subject: '{{account.name}} reached {{milestone.name}}',
    body: 'Executive touchpoint: {{account.name}} reached "{{milestone.name}}" on {{milestone.achievedAt}}.',
  },
  {
    event: 'completed',
    to: ['csm', 'customer'],
    subject: 'Onboarding of {{account.name}} is complete',
    body: 'The onboarding of {{account.name}} is complete and handed to business as usual.',
  },
];

const highTouchStages = [
  stage('kickoff', 'Day 0 kickoff', ['success-criteria-agreed'], {
    entryCriteria: 'Handoff complete and CSM assigned',
    exitCriteria: 'Success criteria agreed with named owners',
  }),
  stage('access-environment-data', 'Day 1-30 access, environment & data', ['first-login', 'initial-setup-complete']),
  stage('integration-validation', 'Day 31-60 integration & validation', ['first-value-achieved'], {
    exitGates: ['go-live-readiness'],
    exitCriteria: 'First value achieved and go-live readiness approved',
  }),
  stage('cutover-hypercare', 'Day 61-90 cutover, hypercare & stabilization', ['bau-accepted'], {
    exitGates: ['bau-acceptance'],
    exitCriteria: 'Hypercare complete and BAU ownership formally accepted',
  }),
];

const highTouchGates: GateDefinition[] = [
  {
    key: 'go-live-readiness',
    name: 'Go-live readiness',
    stage: 'integration-validation',
    approverRoles: ['cs-lead'],
    acceptanceCriteria: ['UAT scenarios passed', 'Migration rehearsal passed', 'Rollback plan signed off'],
  },
  {
    key: 'bau-acceptance',
    name: 'BAU ownership acceptance',
    stage: 'cutover-hypercare',
    approverRoles: ['cs-ops'],
    acceptanceCriteria: ['Error rate below threshold for the last two weeks', 'Runbooks handed over'],
  },
];

/**
 * The fintech cutover (seed 002): the default saga, then four weeks of hypercare read every six
 * hours against the go-live thresholds; a breach walks the standard ladder, and cs-ops accepts
 * BAU through the `bau-acceptance` gate when the watch ends.
 */
const fintechCutoverPlan: CutoverPlan = {
  ...DEFAULT_CUTOVER_PLAN,
  hypercare: {
    days: 28,
    readEveryHours: 6,
    thresholds: { maxErrorRate: 0.02, minAuthSuccessRate: 0.98, minTransactionSuccessRate: 0.98, maxTicketVolume: 25 },
    escalation: 'standard',
    acceptanceGate: 'bau-acceptance',
  },
};

const fintechHighTouch: Playbook = {
  tier: 'high-touch',
  version: 1,
  name: 'High-touch (fintech 30/60/90)',
  stages: highTouchStages,
  tasks: [
    task('kickoff-call', 'Hold the kickoff call', 'kickoff', 'csm', 3),
    task('confirm-success-criteria', 'Confirm success criteria and owners', 'kickoff', 'customer', 5, ['kickoff-call']),
    task('provision-access', 'Provision access and environments', 'access-environment-data', 'implementation', 7, [
      'confirm-success-criteria',
    ]),
    task('sso-setup', 'Set up SSO', 'access-environment-data', 'customer', 10, ['provision-access']),
    task('data-mapping', 'Complete the data mapping', 'access-environment-data', 'implementation', 14, [
      'provision-access',
    ]),
    task('integration-build', 'Build and test the integrations', 'integration-validation', 'implementation', 21, [
      'sso-setup',
      'data-mapping',
    ]),
    task('migration-rehearsal', 'Rehearse the migration', 'integration-validation', 'implementation', 10, [
      'data-mapping',
    ]),
    task('uat', 'Run user acceptance tests', 'integration-validation', 'customer', 14, ['integration-build']),
    task('cutover', 'Cut over to production', 'cutover-hypercare', 'implementation', 7, ['uat', 'migration-rehearsal']),
    task('hypercare-review', 'Review hypercare and hand over runbooks', 'cutover-hypercare', 'csm', 28, ['cutover']),
  ],
  milestones: [
    milestone('success-criteria-agreed', 'Success criteria agreed', 3),
    milestone('first-login', 'First login', 14),
    milestone('initial-setup-complete', 'Initial setup complete', 30),
    milestone('first-value-achieved', 'First value achieved', 60, true),
    milestone('bau-accepted', 'BAU ownership accepted', 90, true),
  ],
  gates: highTouchGates,
  escalationLadders: ladders(48, 120),
  handoff: { remindEveryHours: 24, escalation: 'handoff' },
  messages: [
    {
      event: 'welcome',
      to: ['customer', 'csm'],
      subject: 'Welcome to your onboarding, {{account.name}}',
      body: 'Dear {{customer.name}}, {{csm.name}} is your dedicated Customer Success Manager and will lead your kickoff call. Your 30/60/90-day plan starts today.',
    },
    {
      event: 'milestone-achieved',
      to: ['customer', 'csm'],
      subject: '{{account.name}}: {{milestone.name}} achieved',
      body: 'Congratulations, {{account.name}} reached "{{milestone.name}}". {{csm.name}} will walk you through the next phase.',
    },
    {
      event: 'hypercare-ended',
      to: ['csm'],
      subject: 'Hypercare of {{account.name}} has ended: BAU acceptance is due',
      body: 'The hypercare watch of {{account.name}} ended at {{hypercare.endsAt}} after {{hypercare.readings}} readings. Open breaches: {{hypercare.openBreaches}}. {{gate.name}} is now for {{gate.approvers}} to approve.',
    },
    ...commonMessages,
  ],
  contacts,
  firstValueMilestone: 'first-value-achieved',
  cutoverPlan: fintechCutoverPlan,
};

const saasStages = (stallAfterDays: number) => [
  stage('welcome', 'Welcome', ['first-login'], { entryCriteria: 'Handoff complete', stallAfterDays }),
  stage('technical-setup', 'Technical Setup', ['initial-setup-complete'], { stallAfterDays }),
  stage('training', 'Training', ['first-feature-adopted'], { stallAfterDays }),
  stage('adoption', 'Adoption', ['first-value-achieved'], { stallAfterDays }),
  stage('handoff-to-bau', 'Handoff to BAU', ['bau-accepted'], { stallAfterDays }),
];

const saasMilestones = (days: { login: number; setup: number; adopted: number; value: number; bau: number }) => [
  milestone('first-login', 'First login', days.login),
  milestone('initial-setup-complete', 'Initial setup complete', days.setup),
  milestone('first-feature-adopted', 'First feature adopted', days.adopted),
  milestone('first-value-achieved', 'First value achieved', days.value, true),
  milestone('bau-accepted', 'BAU ownership accepted', days.bau),
];

const techTouch: Playbook = {
  tier: 'tech-touch',
  version: 1,
  name: 'Tech-touch (SaaS)',
  stages: saasStages(14),
  tasks: [
    task('connect-data-source', 'Connect a data source', 'technical-setup', 'customer', 7),
    task('invite-team', 'Invite the team', 'technical-setup', 'customer', 7),
    task('complete-training-course', 'Complete the online training course', 'training', 'customer', 10, [
      'connect-data-source',
    ]),
    task('adoption-check', 'Review adoption metrics', 'adoption', 'csm', 14, [
      'complete-training-course',
      'invite-team',
    ]),
  ],
  milestones: saasMilestones({ login: 3, setup: 14, adopted: 21, value: 30, bau: 45 }),
  gates: [],
  escalationLadders: ladders(48, 168),
  handoff: { remindEveryHours: 24, escalation: 'handoff' },
  messages: [
    {
      event: 'welcome',
      to: ['customer'],
      subject: 'Welcome aboard, {{account.name}}: your first steps',
      body: 'Hi {{customer.name}}, here is your guided setup. Connect a data source and invite your team; we will check in as you reach each milestone.',
    },
    {
      event: 'milestone-achieved',
      to: ['customer', 'csm'],
      subject: 'Nice work, {{account.name}}: {{milestone.name}}',
      body: 'You reached "{{milestone.name}}". Next up in your journey: {{stage.name}}.',
    },
    ...commonMessages,
  ],
  contacts,
  firstValueMilestone: 'first-value-achieved',
};

const selfService: Playbook = {
  tier: 'self-service',
  version: 1,
  name: 'Self-service (SaaS)',
  stages: saasStages(7),
  tasks: [
    task('complete-setup-wizard', 'Complete the setup wizard', 'technical-setup', 'customer', 3),
    task('watch-getting-started', 'Watch the getting-started videos', 'training', 'customer', 5, [
      'complete-setup-wizard',
    ]),
  ],
  milestones: saasMilestones({ login: 1, setup: 7, adopted: 10, value: 14, bau: 30 }),
  gates: [],
  escalationLadders: ladders(72, 168),
  handoff: { remindEveryHours: 48, escalation: 'handoff' },
  messages: [
    {
      event: 'welcome',
      to: ['customer'],
      subject: 'Get started with your account, {{account.name}}',
      body: 'Hi {{customer.name}}, everything you need is in the setup wizard and the getting-started videos.',
    },
    {
      event: 'milestone-achieved',
      to: ['customer'],
      subject: '{{account.name}}: {{milestone.name}} unlocked',
      body: 'You reached "{{milestone.name}}". Keep going!',
    },
    ...commonMessages,
  ],
  contacts,
  firstValueMilestone: 'first-value-achieved',
};

export const DEFAULT_PLAYBOOKS: Record<Tier, Playbook> = {
  'high-touch': fintechHighTouch,
  'tech-touch': techTouch,
  'self-service': selfService,
};
