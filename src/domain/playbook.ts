import type { CutoverPlan } from './cutover';
import type { MessageEvent } from './message-events';
import type { Role } from './roles';
import type { Tier } from './segment';

/**
 * A playbook is data: the versioned definition of an onboarding for one tier, interpreted by
 * one generic workflow. A running onboarding carries the playbook it started with in its input,
 * so publishing a new version never changes it. Validated by src/playbooks/validate-playbook.ts.
 */

/** One rung of an escalation ladder: who is told, and how long after the breach. */
export interface EscalationLevel {
  notify: Role;
  afterHours: number;
}

/** Who is told, and when, as an SLA is breached: e.g. CSM at breach, CS lead after 48 h. */
export interface EscalationLadder {
  key: string;
  levels: EscalationLevel[];
}

export interface StageDefinition {
  key: string;
  name: string;
  entryCriteria: string;
  exitCriteria: string;
  /** The stage is exited when these milestones are achieved and these gates approved. */
  exitMilestones: string[];
  exitGates: string[];
  /** Stalled when the onboarding sees no progress at this stage for this long. */
  stallAfterDays: number;
}

export interface TaskDefinition {
  key: string;
  name: string;
  stage: string;
  owner: Role;
  /** Due this many days after the task unlocks. */
  dueAfterDays: number;
  /** Tasks that must be done first: the task unlocks when they all are. */
  dependsOn: string[];
  /** A reminder goes to the owner this long before the due time. */
  remindBeforeHours: number;
  /** Ladder walked once the task is overdue. */
  escalation: string;
}

export interface MilestoneDefinition {
  key: string;
  name: string;
  /** Target, in days after closed-won, for "completed within target". */
  targetDay: number;
  /** Ladder walked once the target day passes without the milestone. */
  escalation: string;
  /** An executive touchpoint (mail to the executive sponsor and VP CS) when achieved. */
  executiveTouchpoint: boolean;
}

/** A decision that needs a named role's approval against testable acceptance criteria. */
export interface GateDefinition {
  key: string;
  name: string;
  stage: string;
  approverRoles: Role[];
  acceptanceCriteria: string[];
}

/** An e-mail template. `{{path}}` tokens are filled from the notification's context. */
export interface MessageTemplate {
  event: MessageEvent;
  /** The roles it goes to; `customer` means the handoff's stakeholders. */
  to: Role[];
  subject: string;
  body: string;
}

export interface Playbook {
  tier: Tier;
  version: number;
  name: string;
  stages: StageDefinition[];
  tasks: TaskDefinition[];
  milestones: MilestoneDefinition[];
  gates: GateDefinition[];
  escalationLadders: EscalationLadder[];
  /** While the handoff is incomplete: remind Sales this often, and escalate on this ladder. */
  handoff: { remindEveryHours: number; escalation: string };
  messages: MessageTemplate[];
  /** Addresses for internal roles that are not people on the deal (cs-lead, vp-cs, cs-ops). */
  contacts: Partial<Record<Role, string>>;
  /** The milestone whose achievement defines time to value. */
  firstValueMilestone: string;
  /** How this tier cuts over from the customer's old platform; none: no cutover (nothing to migrate). */
  cutoverPlan?: CutoverPlan;
}
