import type { Attributed } from './principal';
import type { HypercarePlan, PlatformHealth } from './hypercare';
import type { Role } from './roles';

/**
 * Cutover: the switch from the customer's old platform to ours, as a controlled, reversible
 * operation (seed 002). A plan is data: ordered steps, each with an operation on the systems
 * being migrated and the operation that undoes it. Pure types and the default plan.
 */
export const CUTOVER_OPERATIONS = [
  'legacy.freeze',
  'legacy.unfreeze',
  'records.migrate',
  'records.purge-target',
  'records.reconcile',
  'sso.switch-to-target',
  'sso.switch-to-legacy',
  'flags.enable',
  'flags.disable',
  'cohort.open-pilot',
  'cohort.close-pilot',
  'cohort.open-everyone',
  'cohort.close-everyone',
] as const;
export type CutoverOperation = (typeof CUTOVER_OPERATIONS)[number];

/** Operations that only look (nothing to undo): the one kind of step a plan may leave without compensation. */
export const CHECK_OPERATIONS: readonly CutoverOperation[] = ['records.reconcile'];

/**
 * A blast-radius limit on a rollout stage: after the stage opens, the platform's health is read
 * `checks` times, `intervalMs` apart; a breach fails the step, and the saga rolls back.
 */
export interface HealthCheck {
  maxErrorRate: number;
  minTransactionSuccessRate: number;
  checks: number;
  intervalMs: number;
}

export interface CutoverStepDefinition {
  key: string;
  name: string;
  action: CutoverOperation;
  /** What undoes the action; none for a step that changes nothing (a check). */
  compensation?: CutoverOperation;
  params?: Record<string, unknown>;
  /** For a rollout stage: the health it must keep before the next stage opens. */
  healthCheck?: HealthCheck;
  /** For a rollout stage: a named owner must sign it off (after its health check, if any). */
  signOff?: { role: Role };
}

/** An owner's word on a rollout stage that waits for sign-off. */
export interface StageSignOff extends Attributed {
  step: string;
  role: string;
  approve: boolean;
  note?: string;
}

/** What breaches a health check, in words; undefined when healthy. */
export function healthBreach(check: HealthCheck, health: PlatformHealth): string | undefined {
  if (health.errorRate > check.maxErrorRate) {
    return `error rate ${(health.errorRate * 100).toFixed(1)}% above the ${(check.maxErrorRate * 100).toFixed(1)}% threshold`;
  }
  if (health.transactionSuccessRate < check.minTransactionSuccessRate) {
    return `transaction success ${(health.transactionSuccessRate * 100).toFixed(1)}% below ${(check.minTransactionSuccessRate * 100).toFixed(1)}%`;
  }
  return undefined;
}

/** What must hold before a cutover may start (seed 002's readiness gate). */
export interface CutoverReadiness {
  /** The playbook gate whose named owners approve go-live. */
  gate: string;
  /** A rehearsal must have passed this recently. */
  rehearsalMaxAgeDays: number;
}

export interface CutoverPlan {
  steps: CutoverStepDefinition[];
  /** Reconciliation must match at least this share of source records (0-1). */
  reconciliationThreshold: number;
  /** Records per migration batch; each batch is a checkpoint. */
  batchSize: number;
  /** How hard a step and a compensation are retried before the saga rolls back or asks an operator. */
  retry: {
    initialIntervalMs: number;
    stepAttempts: number;
    compensationAttempts: number;
    /** How long a silent worker is waited for before its migration is retried from its checkpoint; default 60 s. */
    heartbeatTimeoutMs?: number;
  };
  readiness: CutoverReadiness;
  /** After a successful cutover; none means BAU follows the cutover directly. */
  hypercare?: HypercarePlan;
}

/** Watch each rollout stage for three readings a second apart (a plan for a real go-live watches longer). */
const ROLLOUT_HEALTH: HealthCheck = {
  maxErrorRate: 0.02,
  minTransactionSuccessRate: 0.98,
  checks: 3,
  intervalMs: 1000,
};

export const DEFAULT_CUTOVER_PLAN: CutoverPlan = {
  steps: [
    {
      key: 'freeze-legacy-writes',
      name: 'Freeze writes on the legacy platform',
      action: 'legacy.freeze',
      compensation: 'legacy.unfreeze',
    },
    {
      key: 'migrate-records',
      name: 'Migrate records in batches',
      action: 'records.migrate',
      compensation: 'records.purge-target',
    },
    { key: 'reconcile', name: 'Reconcile counts and checksums', action: 'records.reconcile' },
    {
      key: 'switch-sso',
      name: 'Switch SSO to the new platform',
      action: 'sso.switch-to-target',
      compensation: 'sso.switch-to-legacy',
    },
    {
      key: 'enable-feature-flags',
      name: 'Enable feature flags',
      action: 'flags.enable',
      compensation: 'flags.disable',
      params: { flags: ['new-ledger', 'card-issuing'] },
    },
    {
      key: 'open-pilot-cohort',
      name: 'Open to the pilot cohort',
      action: 'cohort.open-pilot',
      compensation: 'cohort.close-pilot',
      healthCheck: ROLLOUT_HEALTH,
    },
    {
      key: 'open-to-everyone',
      name: 'Open to everyone',
      action: 'cohort.open-everyone',
      compensation: 'cohort.close-everyone',
      healthCheck: ROLLOUT_HEALTH,
    },
  ],
  reconciliationThreshold: 1,
  batchSize: 100,
  retry: { initialIntervalMs: 1000, stepAttempts: 3, compensationAttempts: 5 },
  readiness: { gate: 'go-live-readiness', rehearsalMaxAgeDays: 14 },
};

export type CutoverMode = 'cutover' | 'rehearsal';

/**
 * A rehearsal is a dry run against the staging target: only the data steps (migrate, reconcile)
 * run, and their compensations always run after them, so it cleans up behind itself.
 */
export const REHEARSED_OPERATIONS: readonly CutoverOperation[] = ['records.migrate', 'records.reconcile'];

export function stepsFor(plan: CutoverPlan, mode: CutoverMode): CutoverStepDefinition[] {
  return mode === 'rehearsal' ? plan.steps.filter((s) => REHEARSED_OPERATIONS.includes(s.action)) : plan.steps;
}

/** One workflow per attempt: `<onboarding id>:<mode>:<attempt>`. */
export function cutoverIdFor(onboardingId: string, mode: CutoverMode, attempt: number): string {
  return `${onboardingId}:${mode}:${attempt}`;
}

export interface CutoverInput {
  cutoverId: string;
  onboardingId: string;
  /** The onboarding workflow to tell the outcome (a signal), when the cutover runs as its child. */
  parentWorkflowId?: string;
  /** 1 for the first attempt; a retry after a fix is a new attempt with new idempotency keys. */
  attempt: number;
  mode: CutoverMode;
  plan: CutoverPlan;
}

export type CutoverStepStatus =
  'pending' | 'running' | 'done' | 'failed' | 'compensating' | 'compensated' | 'compensated-by-operator';
export type CutoverStatus =
  'running' | 'awaiting-sign-off' | 'compensating' | 'needs-operator' | 'succeeded' | 'rolled-back';

export interface CutoverStepState {
  key: string;
  name: string;
  status: CutoverStepStatus;
  error?: string;
}

export interface CutoverState {
  cutoverId: string;
  onboardingId: string;
  attempt: number;
  mode: CutoverMode;
  status: CutoverStatus;
  steps: CutoverStepState[];
  /** The step that failed and why: the first fact an engineer needs. */
  failure?: { step: string; error: string };
  /** Compensations in the order they ran: must be the reverse of the completed steps. */
  compensationOrder: string[];
  /** Set while a compensation keeps failing: what the operator must decide about. */
  operatorNeeded?: { step: string; error: string; since: string };
  /** Reconciliation result: share of source records matched in the target. */
  reconciliation?: { sourceCount: number; targetCount: number; accuracy: number };
  rollbackInvoked: boolean;
  /** The stage waiting for its owner's sign-off, and the sign-offs given. */
  awaitingSignOff?: { step: string; role: string };
  signOffs?: StageSignOff[];
  /** What operators decided about compensations that kept failing, oldest first. */
  operatorDecisions?: Array<OperatorDecision & { step: string; at: string }>;
  /** Health readings taken after each rollout stage opened. */
  healthChecks?: Array<{ step: string } & PlatformHealth>;
  /** For a rehearsal: whether it passed (every step done, reconciliation met the threshold). */
  rehearsal?: { passed: boolean; accuracy?: number };
}

/** What an operator decides about a compensation that keeps failing. */
export interface OperatorDecision extends Attributed {
  /** retry: try the compensation again (after fixing its cause); done-by-hand: it was undone manually. */
  decision: 'retry' | 'done-by-hand';
  note?: string;
}

/** What the cutover tells its onboarding when it ends: the facts for the dashboards. */
export interface CutoverOutcome {
  cutoverId: string;
  attempt: number;
  mode: CutoverMode;
  status: 'succeeded' | 'rolled-back';
  failure?: { step: string; error: string };
  reconciliation?: { sourceCount: number; targetCount: number; accuracy: number };
  rehearsal?: { passed: boolean; accuracy?: number };
  rollbackInvoked: boolean;
  /** Who signed rollout stages off, and who decided about failing compensations: the audit's people. */
  signOffs?: StageSignOff[];
  operatorDecisions?: CutoverState['operatorDecisions'];
}
