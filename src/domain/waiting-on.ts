import { CSM_ASSIGNMENT_RETRY_MINUTES } from './csm-wait';
import { openHypercareBreaches } from './hypercare';
import type { OnboardingState } from './onboarding';
import type { Playbook } from './playbook';

/**
 * What the onboarding is blocked on right now, and since when: the first question an operator
 * or CSM asks. Also a search attribute, so runs can be filtered by it.
 */
export const WAITING_ON_KINDS = [
  'handoff',
  'csm-assignment',
  'gate-approval',
  'customer-task',
  'internal-task',
  'milestone',
  'hypercare',
  'nothing',
] as const;
export type WaitingOnKind = (typeof WAITING_ON_KINDS)[number];

export interface WaitingOn {
  kind: WaitingOnKind;
  items: string[];
  since: string;
  detail: string;
}

export function waitingOn(state: OnboardingState, playbook: Playbook): WaitingOn {
  if (state.status === 'completed') {
    return { kind: 'nothing', items: [], since: state.completedAt!, detail: 'onboarding completed' };
  }
  if (state.status === 'handoff-incomplete') {
    return {
      kind: 'handoff',
      items: state.handoffMissing,
      since: state.startedAt,
      detail: `Sales (${state.salesOwner.name}) to complete the handoff: ${state.handoffMissing.join(', ')}`,
    };
  }
  if (!state.csm) {
    const w = state.csmWait;
    if (!w)
      return {
        kind: 'csm-assignment',
        items: [],
        since: state.lastProgressAt,
        detail: 'a CSM with capacity to be assigned',
      };
    return {
      kind: 'csm-assignment',
      items: [state.tier],
      since: w.since,
      detail:
        `no active CSM covering ${state.tier} has a free seat (${w.attempts} attempt(s), last at ${w.lastAttemptAt}); ` +
        `tried again every ${CSM_ASSIGNMENT_RETRY_MINUTES} min and whenever the roster changes`,
    };
  }
  const h = state.hypercare;
  if (h?.status === 'watching') {
    const open = openHypercareBreaches(state);
    return {
      kind: 'hypercare',
      items: open.map((b) => b.metric),
      since: h.startedAt,
      detail:
        `hypercare watch until ${h.endsAt}` +
        (open.length ? `; open breaches: ${open.map((b) => b.detail).join('; ')}` : ''),
    };
  }
  const stage = playbook.stages.find((s) => s.key === state.stage.key)!;
  const milestonesDone = stage.exitMilestones.every((k) => state.milestones.some((m) => m.key === k && m.achievedAt));
  const gates = state.gates.filter((g) => g.stage === stage.key && !g.approvedAt);
  if (gates.length && milestonesDone) {
    return {
      kind: 'gate-approval',
      items: gates.map((g) => g.key),
      since: state.lastProgressAt,
      detail: gates.map((g) => `${g.name} (approver: ${g.approverRoles.join(' or ')})`).join('; '),
    };
  }
  const open = state.tasks.filter((t) => t.status === 'open');
  const customer = open.filter((t) => t.owner === 'customer');
  const internal = open.filter((t) => t.owner !== 'customer');
  const oldest = (ts: typeof open) => ts.map((t) => t.unlockedAt!).sort()[0];
  if (internal.length) {
    return {
      kind: 'internal-task',
      items: internal.map((t) => t.key),
      since: oldest(internal),
      detail: internal.map((t) => `${t.name} (${t.owner}, due ${t.dueAt})`).join('; '),
    };
  }
  if (customer.length) {
    return {
      kind: 'customer-task',
      items: customer.map((t) => t.key),
      since: oldest(customer),
      detail: customer.map((t) => `${t.name} (due ${t.dueAt})`).join('; '),
    };
  }
  const pending = stage.exitMilestones.filter((k) => !state.milestones.some((m) => m.key === k && m.achievedAt));
  return {
    kind: pending.length ? 'milestone' : 'gate-approval',
    items: pending.length ? pending : gates.map((g) => g.key),
    since: state.stage.enteredAt,
    detail: pending.length ? `milestones to exit ${stage.name}: ${pending.join(', ')}` : 'gate approval',
  };
}
