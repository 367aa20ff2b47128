import type { OnboardingState } from './onboarding';
import { audit, notify } from './outbox';
import type { Playbook } from './playbook';
import { DAY_MS } from './time';

/**
 * What follows from an accepted change: tasks unlock, stages advance, finished items close
 * their escalations. Called on a draft after every change and every timer.
 */
export function settle(draft: OnboardingState, playbook: Playbook, at: string): void {
  closeFinishedEscalations(draft, at);
  if (draft.status !== 'in-progress') return;
  advanceStages(draft, playbook, at);
  if (draft.status === 'in-progress') unlockTasks(draft, playbook, at);
}

/** Progress resets the stall clock and ends a stall: its escalations stop. */
export function markProgress(draft: OnboardingState, at: string): void {
  draft.lastProgressAt = at;
  if (draft.stalledSince) {
    audit(draft, at, 'system', 'stall-recovered', { stage: draft.stage.key, stalledSince: draft.stalledSince });
    draft.stalledSince = undefined;
  }
  for (const e of draft.escalations) if (e.subject.kind === 'stage' && !e.closedAt) e.closedAt = at;
}

function stageIndex(playbook: Playbook, key: string): number {
  return playbook.stages.findIndex((s) => s.key === key);
}

function unlockTasks(draft: OnboardingState, playbook: Playbook, at: string): void {
  const current = stageIndex(playbook, draft.stage.key);
  const done = new Set(draft.tasks.filter((t) => t.status === 'done').map((t) => t.key));
  for (const task of draft.tasks) {
    if (task.status !== 'locked') continue;
    if (stageIndex(playbook, task.stage) > current) continue;
    if (!task.dependsOn.every((d) => done.has(d))) continue;
    const def = playbook.tasks.find((t) => t.key === task.key)!;
    task.status = 'open';
    task.unlockedAt = at;
    task.dueAt = new Date(Date.parse(at) + def.dueAfterDays * DAY_MS).toISOString();
  }
}

function exitMet(draft: OnboardingState, stage: Playbook['stages'][number]): boolean {
  const achieved = (key: string) => draft.milestones.some((m) => m.key === key && m.achievedAt);
  const approved = (key: string) => draft.gates.some((g) => g.key === key && g.approvedAt);
  return stage.exitMilestones.every(achieved) && stage.exitGates.every(approved);
}

function advanceStages(draft: OnboardingState, playbook: Playbook, at: string): void {
  const next = playbook.stages.findIndex((s) => !exitMet(draft, s));
  const close = () => {
    for (const v of draft.stageHistory) if (v.key === draft.stage.key && !v.exitedAt) v.exitedAt = at;
  };
  if (next === -1) {
    close();
    draft.stage = draft.stageHistory[draft.stageHistory.length - 1];
    draft.status = 'completed';
    draft.completedAt = at;
    for (const e of draft.escalations) if (!e.closedAt) e.closedAt = at;
    audit(draft, at, 'system', 'onboarding-completed', {});
    notify(draft, 'completed', 'completed', [], {});
    return;
  }
  const stage = playbook.stages[next];
  if (stage.key === draft.stage.key) return;
  close();
  draft.stage = { key: stage.key, name: stage.name, enteredAt: at };
  draft.stageHistory.push(draft.stage);
  audit(draft, at, 'system', 'stage-entered', { stage: stage.key });
}

function closeFinishedEscalations(draft: OnboardingState, at: string): void {
  for (const e of draft.escalations) {
    if (e.closedAt) continue;
    const { kind, key } = e.subject;
    const finished =
      (kind === 'task' && draft.tasks.some((t) => t.key === key && t.status === 'done')) ||
      (kind === 'milestone' && draft.milestones.some((m) => m.key === key && m.achievedAt)) ||
      (kind === 'handoff' && draft.status !== 'handoff-incomplete') ||
      (kind === 'csm-assignment' && !!draft.csm);
    if (finished) e.closedAt = at;
  }
}
