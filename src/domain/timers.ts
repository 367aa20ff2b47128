import { csmCapacityLadder, nextCsmAssignmentAt } from './csm-wait';
import { produce } from './draft';
import type { EscalationRecord, EscalationSubjectKind } from './escalations';
import { nextHypercareReadingAt, openHypercareBreaches } from './hypercare';
import type { OnboardingState } from './onboarding';
import { audit, notify } from './outbox';
import type { EscalationLadder, Playbook } from './playbook';
import { settle } from './progress';
import { DAY_MS, HOUR_MS } from './time';

/**
 * Every timer of an onboarding is derived from its state: reminders before due, escalation
 * ladders after a breach, stall detection, handoff reminders. Nothing is scheduled ahead, so a
 * deadline a CSM moves, or an item that gets done, simply changes what is due next. The workflow
 * sleeps until `nextTimerAt` (or a change) and then calls `fireDueTimers`.
 */

/** After an acknowledgement, the next level waits at least this long: the owner's review window. */
export const REVIEW_WINDOW_HOURS = 48;

interface Timer {
  at: number;
  fire(draft: OnboardingState, at: string): void;
}

export function nextTimerAt(state: OnboardingState, playbook: Playbook): number | undefined {
  // A hypercare reading is due too, though the workflow takes it (an activity), not a timer.
  // So is a CSM assignment retry while no seat is free.
  const at = [
    ...pendingTimers(state, playbook).map((t) => t.at),
    nextHypercareReadingAt(state),
    nextCsmAssignmentAt(state),
  ].filter((t): t is number => t !== undefined);
  return at.length ? Math.min(...at) : undefined;
}

/** Fires every timer due at `now`, earliest first (a fired timer may make the next one due). */
export function fireDueTimers(state: OnboardingState, playbook: Playbook, now: Date): OnboardingState {
  const due = (s: OnboardingState) =>
    pendingTimers(s, playbook)
      .filter((t) => t.at <= now.getTime())
      .sort((a, b) => a.at - b.at);
  if (due(state).length === 0) return state;
  return produce(state, (draft) => {
    for (let i = 0; i < 1000; i++) {
      const [first] = due(draft);
      if (!first) break;
      first.fire(draft, now.toISOString());
      settle(draft, playbook, now.toISOString());
    }
    draft.revision += 1;
  });
}

function pendingTimers(state: OnboardingState, playbook: Playbook): Timer[] {
  if (state.status === 'completed') return [];
  const timers: Timer[] = [];
  const ladder = (key: string) => playbook.escalationLadders.find((l) => l.key === key);
  const defaultLadder = ladder('standard') ?? playbook.escalationLadders[0];

  if (state.status === 'handoff-incomplete') {
    const every = playbook.handoff.remindEveryHours * HOUR_MS;
    const start = Date.parse(state.startedAt);
    const n = state.remindersSent.filter((k) => k.startsWith('handoff-reminder:')).length + 1;
    timers.push({
      at: start + n * every,
      fire: (draft) => {
        draft.remindersSent.push(`handoff-reminder:${n}`);
        notify(draft, `handoff-incomplete:${n}`, 'handoff-incomplete', [], {});
      },
    });
    const handoffLadder = ladder(playbook.handoff.escalation);
    if (handoffLadder) {
      timers.push(
        ...escalationTimers(
          state,
          handoffLadder,
          'handoff',
          'handoff',
          '',
          start + every,
          'the Sales-to-CS handoff is incomplete',
        ),
      );
    }
    return timers;
  }

  const wait = state.csmWait;
  if (wait && !state.csm) {
    const reason = `no CSM with a free seat covers ${state.tier}`;
    timers.push(
      ...escalationTimers(
        state,
        csmCapacityLadder(playbook),
        'csm-assignment',
        state.tier,
        `@${wait.since}`,
        Date.parse(wait.since),
        reason,
      ),
    );
  }

  for (const task of state.tasks) {
    if (task.status !== 'open' || !task.dueAt) continue;
    const def = playbook.tasks.find((t) => t.key === task.key)!;
    const due = Date.parse(task.dueAt);
    const reminderKey = `task-reminder:${task.key}`;
    if (!state.remindersSent.includes(reminderKey)) {
      timers.push({
        at: due - def.remindBeforeHours * HOUR_MS,
        fire: (draft) => {
          draft.remindersSent.push(reminderKey);
          notify(draft, reminderKey, 'task-reminder', [task.owner], {
            task: { key: task.key, name: task.name, dueAt: task.dueAt },
          });
        },
      });
    }
    const taskLadder = ladder(def.escalation);
    if (taskLadder)
      timers.push(...escalationTimers(state, taskLadder, 'task', task.key, '', due, `task "${task.name}" is overdue`));
  }

  for (const m of state.milestones) {
    if (m.achievedAt) continue;
    const def = playbook.milestones.find((d) => d.key === m.key)!;
    const milestoneLadder = ladder(def.escalation);
    if (milestoneLadder) {
      timers.push(
        ...escalationTimers(
          state,
          milestoneLadder,
          'milestone',
          m.key,
          '',
          Date.parse(m.targetDate),
          `milestone "${m.name}" missed its target day ${m.targetDay}`,
        ),
      );
    }
  }

  timers.push(...hypercareTimers(state, playbook));

  const stage = playbook.stages.find((s) => s.key === state.stage.key)!;
  if (!state.stalledSince) {
    timers.push({
      at: Date.parse(state.lastProgressAt) + stage.stallAfterDays * DAY_MS,
      fire: (draft, now) => {
        draft.stalledSince = now;
        audit(draft, now, 'system', 'stalled', { stage: stage.key, lastProgressAt: draft.lastProgressAt });
        notify(draft, `stalled:${stage.key}:${now}`, 'stalled', [], {
          stage: { name: stage.name, lastProgressAt: draft.lastProgressAt },
        });
      },
    });
  } else if (defaultLadder) {
    timers.push(
      ...escalationTimers(
        state,
        defaultLadder,
        'stage',
        stage.key,
        `@${state.stalledSince}`,
        Date.parse(state.stalledSince),
        `no progress at ${stage.name}`,
      ),
    );
  }
  return timers;
}

/** The end of the watch (the acceptance gate opens), and the ladder of each open breach. */
function hypercareTimers(state: OnboardingState, playbook: Playbook): Timer[] {
  const h = state.hypercare;
  const plan = playbook.cutoverPlan?.hypercare;
  if (!h || !plan || h.status === 'accepted') return [];
  const timers: Timer[] = [];
  if (h.status === 'watching') {
    timers.push({
      at: Date.parse(h.endsAt),
      fire: (draft, now) => {
        draft.hypercare!.status = 'watch-ended';
        const open = openHypercareBreaches(draft);
        audit(draft, now, 'system', 'hypercare-watch-ended', {
          readings: draft.hypercare!.readings,
          openBreaches: open.map((b) => b.metric),
        });
        const gate = draft.gates.find((g) => g.key === h.acceptanceGate);
        notify(draft, `hypercare-ended:${h.cutoverId}`, 'hypercare-ended', gate?.approverRoles ?? [], {
          hypercare: {
            endsAt: h.endsAt,
            readings: draft.hypercare!.readings,
            openBreaches: open.map((b) => b.detail).join('; ') || 'none',
          },
          gate: { name: gate?.name ?? h.acceptanceGate, approvers: gate?.approverRoles.join(' or ') ?? '' },
        });
      },
    });
  }
  const ladder = playbook.escalationLadders.find((l) => l.key === plan.escalation);
  if (!ladder) return timers;
  for (const b of openHypercareBreaches(state)) {
    timers.push(
      ...escalationTimers(
        state,
        ladder,
        'hypercare',
        b.metric,
        `@${b.since}`,
        Date.parse(b.since),
        `hypercare: ${b.detail}`,
      ),
    );
  }
  return timers;
}

/** The next level of `ladder` not yet raised for this item: one open escalation per item and level. */
function escalationTimers(
  state: OnboardingState,
  ladder: EscalationLadder,
  kind: EscalationSubjectKind,
  key: string,
  occurrence: string,
  breachedAt: number,
  reason: string,
): Timer[] {
  const idOf = (level: number) => `${kind}:${key}${occurrence}:L${level}`;
  for (let i = 0; i < ladder.levels.length; i++) {
    const id = idOf(i + 1);
    if (state.escalations.some((e) => e.id === id)) continue;
    const previous = i > 0 ? state.escalations.find((e) => e.id === idOf(i)) : undefined;
    let at = breachedAt + ladder.levels[i].afterHours * HOUR_MS;
    if (previous?.acknowledgedAt)
      at = Math.max(at, Date.parse(previous.acknowledgedAt) + REVIEW_WINDOW_HOURS * HOUR_MS);
    const level = ladder.levels[i];
    return [
      {
        at,
        fire: (draft, now) => {
          const record: EscalationRecord = {
            id,
            subject: { kind, key },
            level: i + 1,
            notify: level.notify,
            breachedAt: new Date(breachedAt).toISOString(),
            raisedAt: now,
          };
          draft.escalations.push(record);
          audit(draft, now, 'system', 'escalation-raised', { id, level: i + 1, notify: level.notify, reason });
          notify(draft, `escalation:${id}`, 'escalation', [level.notify], {
            escalation: { id, level: i + 1, subject: `${kind} ${key}`, reason, breachedAt: record.breachedAt },
          });
        },
      },
    ];
  }
  return [];
}
