import { messageFor } from './messages';
import type { OnboardingState } from './onboarding';
import type { Effect } from './outbox';
import type { Playbook } from './playbook';
import type { Role } from './roles';
import { DAY_MS } from './time';

/**
 * A previewed journey's timeline: what the rules decided, read from the effects they queued (the
 * same outbox the workflow carries out), so a reminder in the preview is a message the workflow
 * would send and an escalation one it would raise.
 */
export const PREVIEW_EVENT_KINDS = [
  'reminder',
  'escalation',
  'escalation-acknowledged',
  'stall-started',
  'stall-ended',
  'milestone-missed',
  'milestone-achieved',
  'stage-entered',
  'gate-waiting',
  'gate-approved',
  'task-completed',
  'handoff-completed',
  'csm-assigned',
  'completed',
] as const;
export type PreviewEventKind = (typeof PREVIEW_EVENT_KINDS)[number];

export interface PreviewEvent {
  /** Whole days after closed-won (day 0 is closed-won's first 24 hours). */
  day: number;
  at: string;
  kind: PreviewEventKind;
  /** What it is about: `task:<key>`, `milestone:<key>`, `stage:<key>`, `gate:<key>`, `handoff`, `csm-assignment:<tier>`. */
  subject: string;
  /** An escalation's level (1 = first rung of the ladder). */
  level?: number;
  /** Who is told: roles, never addresses (the template's roles and the level's or task owner's). */
  roles?: Role[];
  detail: string;
}

export function dayOf(at: number, startMs: number): number {
  return Math.floor((at - startMs) / DAY_MS);
}

/** The events of the effects carried out at `at`, in the order the rules queued them. */
export function eventsOfEffects(effects: Effect[], playbook: Playbook, at: number, startMs: number): PreviewEvent[] {
  const base = { day: dayOf(at, startMs), at: new Date(at).toISOString() };
  const events: PreviewEvent[] = [];
  const push = (e: Omit<PreviewEvent, 'day' | 'at'>) => events.push({ ...base, ...e });
  for (const effect of effects) {
    if (effect.kind === 'notice') {
      const { event, extraRoles, context } = effect.notice;
      const roles = [...new Set([...(messageFor(playbook.messages, event)?.to ?? []), ...extraRoles])];
      if (event === 'task-reminder') {
        const task = context.task as { key: string; name: string; dueAt: string };
        push({ kind: 'reminder', subject: `task:${task.key}`, roles, detail: `"${task.name}" is due ${task.dueAt}` });
      } else if (event === 'handoff-incomplete') {
        push({ kind: 'reminder', subject: 'handoff', roles, detail: 'the Sales-to-CS handoff is incomplete' });
      } else if (event === 'escalation') {
        const e = context.escalation as { id: string; level: number; reason: string };
        const subject = e.id.slice(0, e.id.lastIndexOf(':L')).replace(/@.*$/, '');
        push({ kind: 'escalation', subject, level: e.level, roles, detail: e.reason });
      }
      continue;
    }
    const { action, details } = effect.entry;
    const d = details as Record<string, string | boolean | undefined>;
    if (action === 'stalled') {
      push({
        kind: 'stall-started',
        subject: `stage:${d.stage}`,
        roles: messageFor(playbook.messages, 'stalled')?.to ?? [],
        detail: `no progress at ${stageName(playbook, String(d.stage))} since ${d.lastProgressAt}`,
      });
    } else if (action === 'stall-recovered') {
      push({
        kind: 'stall-ended',
        subject: `stage:${d.stage}`,
        detail: `progress after a stall since ${d.stalledSince}`,
      });
    } else if (action === 'stage-entered') {
      push({ kind: 'stage-entered', subject: `stage:${d.stage}`, detail: stageName(playbook, String(d.stage)) });
    } else if (action === 'milestone-recorded') {
      push({
        kind: 'milestone-achieved',
        subject: `milestone:${d.milestone}`,
        detail: d.withinTarget ? 'within target' : 'after its target',
      });
    } else if (action === 'task-completed') {
      push({ kind: 'task-completed', subject: `task:${d.task}`, detail: d.onTime ? 'on time' : 'late' });
    } else if (action === 'gate-approved') {
      push({
        kind: 'gate-approved',
        subject: `gate:${d.gate}`,
        roles: [d.role as Role],
        detail: `approved as ${d.role}`,
      });
    } else if (action === 'escalation-acknowledged') {
      push({ kind: 'escalation-acknowledged', subject: String(d.id), detail: 'someone owns it' });
    } else if (action === 'handoff-completed') {
      push({ kind: 'handoff-completed', subject: 'handoff', detail: 'the journey starts' });
    } else if (action === 'csm-assigned') {
      push({ kind: 'csm-assigned', subject: 'csm', roles: ['csm'], detail: 'a CSM joins; the welcome goes out' });
    } else if (action === 'onboarding-completed') {
      push({ kind: 'completed', subject: 'onboarding', detail: 'every stage exited' });
    }
  }
  return events;
}

/**
 * Facts no effect records, read from the final state: a milestone that passed its target day
 * unreached (at the target), and a gate its stage waited on (from the stage's entry until approved).
 */
export function derivedEvents(state: OnboardingState, startMs: number, untilMs: number): PreviewEvent[] {
  const events: PreviewEvent[] = [];
  const at = (ms: number) => ({ day: dayOf(ms, startMs), at: new Date(ms).toISOString() });
  for (const m of state.milestones) {
    const target = Date.parse(m.targetDate);
    if (target > untilMs) continue;
    if (m.achievedAt && Date.parse(m.achievedAt) <= target) continue;
    events.push({
      ...at(target),
      kind: 'milestone-missed',
      subject: `milestone:${m.key}`,
      detail: `"${m.name}" missed its target day ${m.targetDay}${m.achievedAt ? ` (reached ${m.achievedAt})` : ''}`,
    });
  }
  for (const g of state.gates) {
    const visit = state.stageHistory.find((v) => v.key === g.stage);
    if (!visit || (g.approvedAt && g.approvedAt <= visit.enteredAt)) continue;
    events.push({
      ...at(Date.parse(visit.enteredAt)),
      kind: 'gate-waiting',
      subject: `gate:${g.key}`,
      roles: g.approverRoles,
      detail: `${g.name} waits for ${g.approverRoles.join(' or ')}${g.approvedAt ? ` (approved ${g.approvedAt})` : ''}`,
    });
  }
  return events;
}

function stageName(playbook: Playbook, key: string): string {
  return playbook.stages.find((s) => s.key === key)?.name ?? key;
}
