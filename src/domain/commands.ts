import { COHORT_RULE, isCohort } from './cohort';
import { type CutoverMode, type CutoverOutcome, cutoverIdFor } from './cutover';
import { cutoverReadinessProblems } from './cutover-readiness';
import { produce } from './draft';
import type { Handoff } from './handoff';
import { missingHandoffFields } from './handoff';
import { hypercareAcceptanceProblem, startHypercare } from './hypercare';
import { type CriterionResult, type OnboardingState, RISK_CATEGORIES, type RiskFields } from './onboarding';
import { refuse, type RuleViolationCode } from './onboarding-rule-violation';
import { audit, notify } from './outbox';
import type { Playbook } from './playbook';
import { markProgress, settle } from './progress';
import type { Role } from './roles';
import { ROLES } from './roles';

/**
 * The commands CSMs and integrations send to an onboarding. Each has a `check` (throws an
 * OnboardingRuleViolation naming what is wrong; used as the update validator, so a refused
 * command never reaches history) and an `apply` that returns the new state.
 */
export interface Command<C> {
  check(state: OnboardingState, command: C, now: Date, playbook: Playbook): void;
  apply(state: OnboardingState, playbook: Playbook, command: C, now: Date): OnboardingState;
}

export interface RecordMilestoneCommand {
  milestone: string;
  /** Who reports it: a CSM's id, or the integration's name. */
  actor: string;
  /** Where it came from: api, crm, product-telemetry... */
  source?: string;
  /** A link or note that shows the outcome happened. */
  evidence?: string;
  /** When it happened, if not now (ISO); never in the future. */
  achievedAt?: string;
}

export interface CompleteTaskCommand {
  task: string;
  actor: string;
  evidence?: string;
}

export interface ApproveGateCommand {
  gate: string;
  actor: string;
  /** The role the approver acts in; must be one of the gate's approver roles. */
  role: Role;
  /** One result per acceptance criterion of the gate; all must be met. */
  criteria: CriterionResult[];
}

export interface RecordRiskCommand extends RiskFields {
  actor: string;
}

export interface ResolveRiskCommand {
  riskId: string;
  resolution: string;
  actor: string;
}

export interface CompleteHandoffCommand {
  /** The fields Sales adds; merged over what arrived on closed-won. */
  handoff: Handoff;
  actor: string;
}

export interface RequestCutoverCommand {
  mode: CutoverMode;
  actor: string;
}

export interface SetCohortCommand {
  /** The cohort (a slug, src/domain/cohort.ts), or null to take the onboarding out of any. */
  cohort: string | null;
  actor: string;
}

export interface AcknowledgeEscalationCommand {
  escalationId: string;
  actor: string;
}

function requireText(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.trim().length === 0)
    refuse('InvalidCommand', `${field} must be a non-empty string`);
}

/** The playbook item named by a command, or a refusal that lists the known ones. */
function known<T extends { key: string }>(items: T[], key: string, code: RuleViolationCode, noun: string): T {
  const item = items.find((i) => i.key === key);
  if (!item) {
    refuse(
      code,
      `${noun} '${key}' is not in this onboarding's playbook (known: ${items.map((i) => i.key).join(', ') || 'none'})`,
    );
  }
  return item;
}

function requireOpen(state: OnboardingState): void {
  if (state.status === 'completed')
    refuse('OnboardingCompleted', `onboarding ${state.onboardingId} is already completed`);
}

/**
 * The journey starts with a complete handoff: before it, a milestone would congratulate a
 * customer who has had no welcome, and could move the stages on past tasks nobody can do yet.
 */
function requireHandoff(state: OnboardingState, what: string): void {
  if (state.status === 'handoff-incomplete') {
    refuse(
      'HandoffIncomplete',
      `${what} waits for the Sales-to-CS handoff; missing: ${state.handoffMissing.join(', ')}`,
    );
  }
}

/** Every accepted change: audit it, count it as progress, settle what follows, bump the revision. */
function accepted(
  state: OnboardingState,
  playbook: Playbook,
  now: Date,
  change: (draft: OnboardingState, at: string) => void,
  progress = true,
): OnboardingState {
  return produce(state, (draft) => {
    const at = now.toISOString();
    change(draft, at);
    if (progress) markProgress(draft, at);
    settle(draft, playbook, at);
    draft.revision += 1;
  });
}

/** What a milestone had to satisfy when it was accepted; `apply` checks these again. */
function checkMilestone(state: OnboardingState, command: RecordMilestoneCommand, now: Date) {
  requireText(command?.milestone, 'milestone');
  requireText(command.actor, 'actor');
  if (command.achievedAt !== undefined) {
    const at = Date.parse(command.achievedAt);
    if (Number.isNaN(at)) refuse('InvalidCommand', 'achievedAt must be an ISO 8601 timestamp');
    if (at > now.getTime()) refuse('InvalidCommand', 'achievedAt must not be in the future');
    if (at < Date.parse(state.closedWonAt)) refuse('InvalidCommand', 'achievedAt must not be before closed-won');
  }
  requireOpen(state);
  const milestone = known(state.milestones, command.milestone, 'UnknownMilestone', 'milestone');
  if (milestone.achievedAt) {
    refuse('MilestoneAlreadyRecorded', `milestone '${milestone.key}' was already recorded at ${milestone.achievedAt}`);
  }
  return milestone;
}

export const recordMilestone: Command<RecordMilestoneCommand> = {
  check(state, command, now) {
    const milestone = checkMilestone(state, command, now);
    // The validator's rule alone, not checked again in `apply`: onboardings accepted milestones
    // during the handoff before this rule existed, and replaying them runs the handler (never the
    // validator), which must not refuse what history says was accepted.
    requireHandoff(state, `milestone '${milestone.key}'`);
  },
  apply(state, playbook, command, now) {
    checkMilestone(state, command, now);
    return accepted(state, playbook, now, (draft, at) => {
      const m = draft.milestones.find((x) => x.key === command.milestone)!;
      m.achievedAt = command.achievedAt ? new Date(command.achievedAt).toISOString() : at;
      m.recordedBy = command.actor;
      m.source = command.source ?? 'api';
      m.evidence = command.evidence;
      m.withinTarget = Date.parse(m.achievedAt) <= Date.parse(m.targetDate);
      audit(
        draft,
        at,
        command.actor,
        'milestone-recorded',
        { milestone: m.key, achievedAt: m.achievedAt, withinTarget: m.withinTarget, source: m.source },
        command.evidence,
      );
      const context = { milestone: { key: m.key, name: m.name, achievedAt: m.achievedAt } };
      notify(draft, `milestone-achieved:${m.key}`, 'milestone-achieved', [], context);
      if (playbook.milestones.find((d) => d.key === m.key)?.executiveTouchpoint) {
        notify(draft, `executive-touchpoint:${m.key}`, 'executive-touchpoint', [], context);
      }
    });
  },
};

export const completeTask: Command<CompleteTaskCommand> = {
  check(state, command) {
    requireText(command?.task, 'task');
    requireText(command.actor, 'actor');
    requireOpen(state);
    const task = known(state.tasks, command.task, 'UnknownTask', 'task');
    if (task.status === 'done')
      refuse('TaskAlreadyDone', `task '${task.key}' was already completed at ${task.completedAt}`);
    requireHandoff(state, `task '${task.key}'`);
    if (task.status === 'locked') {
      const pending = task.dependsOn.filter((d) => state.tasks.find((t) => t.key === d)?.status !== 'done');
      refuse(
        'TaskLocked',
        pending.length
          ? `task '${task.key}' is locked until its prerequisites are done: ${pending.join(', ')}`
          : `task '${task.key}' is locked until the onboarding reaches stage '${task.stage}'`,
      );
    }
  },
  apply(state, playbook, command, now) {
    this.check(state, command, now, playbook);
    return accepted(state, playbook, now, (draft, at) => {
      const t = draft.tasks.find((x) => x.key === command.task)!;
      t.status = 'done';
      t.completedAt = at;
      t.completedBy = command.actor;
      t.evidence = command.evidence;
      audit(
        draft,
        at,
        command.actor,
        'task-completed',
        { task: t.key, dueAt: t.dueAt, onTime: at <= (t.dueAt ?? at) },
        command.evidence,
      );
    });
  },
};

export const approveGate: Command<ApproveGateCommand> = {
  check(state, command) {
    requireText(command?.gate, 'gate');
    requireText(command.actor, 'actor');
    requireOpen(state);
    const gate = known(state.gates, command.gate, 'UnknownGate', 'gate');
    requireHandoff(state, `gate '${gate.key}'`);
    if (gate.approvedAt)
      refuse(
        'GateAlreadyApproved',
        `gate '${gate.key}' was already approved at ${gate.approvedAt} by ${gate.approvedBy}`,
      );
    if (!(ROLES as readonly string[]).includes(command.role) || !gate.approverRoles.includes(command.role)) {
      refuse(
        'GateApproverNotAllowed',
        `gate '${gate.key}' may only be approved by: ${gate.approverRoles.join(', ')} (not '${command.role}')`,
      );
    }
    if (state.status !== 'in-progress' || !state.stageHistory.some((v) => v.key === gate.stage)) {
      refuse(
        'GateNotReady',
        `gate '${gate.key}' opens at stage '${gate.stage}'; the onboarding is at '${state.stage.key}' (${state.status})`,
      );
    }
    const results = Array.isArray(command.criteria) ? command.criteria : [];
    const unmet = gate.acceptanceCriteria.filter((c) => !results.some((r) => r.criterion === c && r.met === true));
    if (unmet.length)
      refuse('GateCriteriaNotMet', `gate '${gate.key}' has acceptance criteria not met: ${unmet.join('; ')}`);
    const hypercare = hypercareAcceptanceProblem(state, gate.key);
    if (hypercare) refuse('HypercareNotOver', `gate '${gate.key}' accepts BAU after hypercare: ${hypercare}`);
  },
  apply(state, playbook, command, now) {
    this.check(state, command, now, playbook);
    return accepted(state, playbook, now, (draft, at) => {
      const g = draft.gates.find((x) => x.key === command.gate)!;
      g.approvedAt = at;
      g.approvedBy = command.actor;
      g.approverRole = command.role;
      g.criteria = command.criteria;
      audit(draft, at, command.actor, 'gate-approved', { gate: g.key, role: command.role, criteria: command.criteria });
      const h = draft.hypercare;
      if (h && h.acceptanceGate === g.key) {
        Object.assign(h, { status: 'accepted', acceptedAt: at, acceptedBy: command.actor });
        audit(draft, at, command.actor, 'bau-accepted', {
          cutoverId: h.cutoverId,
          role: command.role,
          breaches: h.breaches.length,
        });
      }
    });
  },
};

export const recordRisk: Command<RecordRiskCommand> = {
  check(state, command) {
    requireOpen(state);
    const missing = (['owner', 'decisionDueDate', 'fallback', 'description', 'actor'] as const).filter(
      (f) => typeof command?.[f] !== 'string' || command[f].trim().length === 0,
    );
    if (missing.length) {
      refuse(
        'InvalidRisk',
        `a risk needs an owner, a decision due date and a fallback; missing: ${missing.join(', ')}`,
      );
    }
    if (!(RISK_CATEGORIES as readonly string[]).includes(command.category)) {
      refuse('InvalidRisk', `category must be one of: ${RISK_CATEGORIES.join(', ')}`);
    }
    if (Number.isNaN(Date.parse(command.decisionDueDate)))
      refuse('InvalidRisk', 'decisionDueDate must be an ISO 8601 date');
    if (typeof command.blocker !== 'boolean') refuse('InvalidRisk', 'blocker must be true or false');
  },
  apply(state, playbook, command, now) {
    this.check(state, command, now, playbook);
    return accepted(
      state,
      playbook,
      now,
      (draft, at) => {
        const id = `risk-${draft.risks.length + 1}`;
        draft.risks.push({ id, ...pickRisk(command), recordedAt: at, recordedBy: command.actor, status: 'open' });
        audit(draft, at, command.actor, 'risk-recorded', { id, ...pickRisk(command) });
      },
      false,
    );
  },
};

function pickRisk(c: RecordRiskCommand): RiskFields {
  return {
    category: c.category,
    description: c.description,
    blocker: c.blocker,
    owner: c.owner,
    decisionDueDate: c.decisionDueDate,
    fallback: c.fallback,
  };
}

export const resolveRisk: Command<ResolveRiskCommand> = {
  check(state, command) {
    requireText(command?.riskId, 'riskId');
    requireText(command.resolution, 'resolution');
    requireText(command.actor, 'actor');
    const risk = state.risks.find((r) => r.id === command.riskId);
    if (!risk) refuse('UnknownRisk', `risk '${command.riskId}' is not in this onboarding's register`);
    if (risk.status === 'resolved')
      refuse('RiskAlreadyResolved', `risk '${risk.id}' was already resolved at ${risk.resolvedAt}`);
  },
  apply(state, playbook, command, now) {
    this.check(state, command, now, playbook);
    return accepted(state, playbook, now, (draft, at) => {
      const r = draft.risks.find((x) => x.id === command.riskId)!;
      r.status = 'resolved';
      r.resolvedAt = at;
      r.resolution = command.resolution;
      audit(draft, at, command.actor, 'risk-resolved', { id: r.id, resolution: command.resolution });
    });
  },
};

export const completeHandoff: Command<CompleteHandoffCommand> = {
  check(state, command) {
    requireText(command?.actor, 'actor');
    if (typeof command.handoff !== 'object' || command.handoff === null)
      refuse('InvalidCommand', 'handoff must be an object');
    requireOpen(state);
    if (state.status !== 'handoff-incomplete')
      refuse('HandoffAlreadyComplete', `the handoff of ${state.onboardingId} is already complete`);
  },
  apply(state, playbook, command, now) {
    this.check(state, command, now, playbook);
    return accepted(state, playbook, now, (draft, at) => {
      draft.handoff = { ...draft.handoff, ...command.handoff };
      draft.handoffMissing = missingHandoffFields(draft.handoff);
      audit(draft, at, command.actor, 'handoff-updated', {
        fields: Object.keys(command.handoff),
        missing: draft.handoffMissing,
      });
      if (draft.handoffMissing.length === 0) {
        draft.status = 'in-progress';
        // The journey starts now: the stage clock starts from handoff completion.
        draft.stage.enteredAt = at;
        draft.stageHistory[0].enteredAt = at;
        audit(draft, at, command.actor, 'handoff-completed', {});
      }
    });
  },
};

export const acknowledgeEscalation: Command<AcknowledgeEscalationCommand> = {
  check(state, command) {
    requireText(command?.escalationId, 'escalationId');
    requireText(command.actor, 'actor');
    const e = state.escalations.find((x) => x.id === command.escalationId);
    if (!e) refuse('UnknownEscalation', `escalation '${command.escalationId}' is not open on this onboarding`);
    if (e.acknowledgedAt)
      refuse(
        'EscalationAlreadyAcknowledged',
        `escalation '${e.id}' was acknowledged at ${e.acknowledgedAt} by ${e.acknowledgedBy}`,
      );
  },
  apply(state, playbook, command, now) {
    this.check(state, command, now, playbook);
    return accepted(
      state,
      playbook,
      now,
      (draft, at) => {
        const e = draft.escalations.find((x) => x.id === command.escalationId)!;
        e.acknowledgedAt = at;
        e.acknowledgedBy = command.actor;
        audit(draft, at, command.actor, 'escalation-acknowledged', { id: e.id });
      },
      false,
    );
  },
};

/**
 * Puts the onboarding in a cohort (or none) after closed-won, e.g. when CS Ops picks the pilot.
 * Not progress: the stall clock does not restart. Setting the cohort it already has changes
 * nothing (no audit entry, no revision), so a repeated PUT is harmless.
 */
export const setCohort: Command<SetCohortCommand> = {
  check(state, command) {
    requireText(command?.actor, 'actor');
    if (command.cohort !== null && !isCohort(command.cohort)) refuse('InvalidCommand', `cohort ${COHORT_RULE}`);
    requireOpen(state);
  },
  apply(state, playbook, command, now) {
    this.check(state, command, now, playbook);
    if ((state.cohort ?? null) === command.cohort) return state;
    return accepted(
      state,
      playbook,
      now,
      (draft, at) => {
        const previous = draft.cohort ?? null;
        if (command.cohort === null) delete draft.cohort;
        else draft.cohort = command.cohort;
        audit(draft, at, command.actor, 'cohort-set', { cohort: command.cohort, previous });
      },
      false,
    );
  },
};

/**
 * Asks for a rehearsal or a cutover; the workflow then starts it as a child. A cutover must pass
 * the readiness gate; one attempt runs at a time; a retry after a fix is simply the next attempt.
 */
export const requestCutover: Command<RequestCutoverCommand> = {
  check(state, command, now, playbook) {
    requireText(command?.actor, 'actor');
    if (command.mode !== 'cutover' && command.mode !== 'rehearsal')
      refuse('InvalidCommand', "mode must be 'cutover' or 'rehearsal'");
    requireOpen(state);
    if (state.status !== 'in-progress') refuse('CutoverNotReady', `the onboarding is ${state.status}`);
    const plan = playbook.cutoverPlan;
    if (!plan) {
      const which = `the ${playbook.tier} playbook (version ${playbook.version})`;
      refuse(
        'NoCutoverPlan',
        `${which} has no cutover plan; onboardings started on a version with a cutoverPlan can cut over`,
      );
    }
    const done = (state.cutovers ?? []).find((c) => c.mode === 'cutover' && c.status === 'succeeded');
    if (done)
      refuse(
        'CutoverAlreadyDone',
        `cutover attempt ${done.attempt} (${done.cutoverId}) already succeeded at ${done.endedAt}`,
      );
    const open = (state.cutovers ?? []).find((c) => ['requested', 'running', 'needs-operator'].includes(c.status));
    if (open)
      refuse('CutoverInProgress', `${open.mode} attempt ${open.attempt} (${open.cutoverId}) is still ${open.status}`);
    if (command.mode === 'cutover') {
      const problems = cutoverReadinessProblems(state, plan, now);
      if (problems.length) refuse('CutoverNotReady', `not ready for cutover: ${problems.join('; ')}`);
    }
  },
  apply(state, playbook, command, now) {
    this.check(state, command, now, playbook);
    return accepted(
      state,
      playbook,
      now,
      (draft, at) => {
        const cutovers = (draft.cutovers ??= []);
        const attempt = cutovers.length + 1;
        const cutoverId = cutoverIdFor(draft.onboardingId, command.mode, attempt);
        cutovers.push({
          attempt,
          mode: command.mode,
          cutoverId,
          requestedBy: command.actor,
          requestedAt: at,
          status: 'requested',
        });
        audit(draft, at, command.actor, `${command.mode}-requested`, { cutoverId, attempt });
      },
      false,
    );
  },
};

/** The child workflow started the attempt, or started or stopped waiting for an operator. */
export function cutoverStarted(
  state: OnboardingState,
  cutoverId: string,
  status: 'running' | 'needs-operator' = 'running',
): OnboardingState {
  return produce(state, (draft) => {
    const c = draft.cutovers?.find((x) => x.cutoverId === cutoverId);
    if (c && ['requested', 'running', 'needs-operator'].includes(c.status)) c.status = status;
    draft.revision += 1;
  });
}

/**
 * The child's outcome: the facts of the attempt (dashboards read them from the read model). A
 * successful cutover starts the hypercare of the playbook's plan, if it has one.
 */
export function recordCutoverOutcome(
  state: OnboardingState,
  playbook: Playbook,
  outcome: CutoverOutcome,
  now: Date,
): OnboardingState {
  return accepted(
    state,
    playbook,
    now,
    (draft, at) => {
      const c = draft.cutovers?.find((x) => x.cutoverId === outcome.cutoverId);
      if (!c) return;
      Object.assign(c, {
        status: outcome.status,
        endedAt: at,
        failure: outcome.failure,
        reconciliation: outcome.reconciliation,
        rehearsal: outcome.rehearsal,
        rollbackInvoked: outcome.rollbackInvoked,
      });
      const { signOffs, operatorDecisions, ...facts } = outcome;
      for (const s of signOffs ?? [])
        audit(draft, at, s.actor, 'cutover-stage-signed-off', { cutoverId: outcome.cutoverId, ...s }, undefined, s);
      for (const d of operatorDecisions ?? [])
        audit(draft, at, d.actor, 'cutover-operator-decision', { cutoverId: outcome.cutoverId, ...d }, undefined, d);
      audit(draft, at, 'system', `${outcome.mode}-finished`, { ...facts });
      const plan = playbook.cutoverPlan?.hypercare;
      if (plan && outcome.mode === 'cutover' && outcome.status === 'succeeded' && !draft.hypercare) {
        startHypercare(draft, plan, outcome.cutoverId, at);
      }
    },
    outcome.status === 'succeeded',
  );
}

/** The CSM chosen by the assignment activity joins; the welcome sequence starts. */
export function assignCsm(
  state: OnboardingState,
  playbook: Playbook,
  csm: { id: string; name: string; email: string },
  now: Date,
): OnboardingState {
  return produce(state, (draft) => {
    const at = now.toISOString();
    draft.csm = { ...csm, assignedAt: at };
    const waited = draft.csmWait;
    draft.csmWait = undefined;
    delete draft.csmRosterChangedAt;
    audit(draft, at, 'system', 'csm-assigned', {
      csm: csm.id,
      ...(waited ? { waitedSince: waited.since, attempts: waited.attempts } : {}),
    });
    notify(draft, 'csm-assigned', 'csm-assigned', [], {});
    notify(draft, 'welcome', 'welcome', [], {});
    settle(draft, playbook, at);
    draft.revision += 1;
  });
}
