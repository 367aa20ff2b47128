import { assignCsm } from './commands';
import { csmAssignmentDue } from './csm-wait';
import { changedSince, csmAssignmentWanted, journeyOver } from './journey-pass';
import { type OnboardingInput, type OnboardingState, startOnboarding, timeToValueDays } from './onboarding';
import type { Playbook } from './playbook';
import {
  commandFor,
  defaultHorizonDays,
  nextPlannedAction,
  PREVIEW_HANDOFF,
  type PreviewAction,
  type PreviewScenario,
} from './preview-scenario';
import { dayOf, derivedEvents, eventsOfEffects, type PreviewEvent } from './preview-timeline';
import type { Segment, Tier } from './segment';
import { DAY_MS } from './time';
import { fireDueTimers, nextTimerAt } from './timers';

/**
 * The playbook preview: one onboarding run on a virtual clock through the same pure rules, in
 * the same order, as the workflow's main loop (workflows/onboarding.workflow.ts): fire due
 * timers, assign a CSM, carry out the outbox, go round while something changed, otherwise sleep
 * until the next timer, or until the scenario's people next act (an update, applied by the
 * command's own check and apply). What the workflow gets from activities, the preview assumes:
 * a CSM seat is free, and nobody requests a cutover (so there is no hypercare).
 */

export interface PreviewOptions {
  /** Closed-won, when the onboarding starts (ISO). */
  startAt: string;
  /**
   * Passes of the main loop before the preview stops and says it was cut short: a playbook that
   * reminds every few seconds cannot make a request run long. Far above any real playbook's need.
   */
  maxPasses?: number;
  /**
   * Escalations raised before the preview stops and says it was cut short: each pass of the rules
   * walks every open item's ladder against every raised escalation, so their number is what makes
   * a hostile playbook slow. A real playbook's worst scenario raises far fewer.
   */
  maxEscalations?: number;
}

export const DEFAULT_MAX_PASSES = 3_000;
export const DEFAULT_MAX_ESCALATIONS = 250;

export interface PreviewActionTaken {
  day: number;
  at: string;
  action: PreviewAction;
}

export interface JourneyPreview {
  playbook: { tier: Tier; version: number; name: string };
  startAt: string;
  horizonDays: number;
  /** completed: every stage exited; open: still running at the horizon; cut-short: maxPasses or maxEscalations reached. */
  outcome: 'completed' | 'open' | 'cut-short';
  endedAt: string;
  /** Earliest first. */
  events: PreviewEvent[];
  /** What the scenario's people did, as commands: how to play the same scenario against a real onboarding. */
  actions: PreviewActionTaken[];
  summary: {
    reminders: number;
    escalations: number;
    escalationsByLevel: Record<string, number>;
    stalls: number;
    milestonesMissed: number;
    timeToValueDays?: number;
  };
}

/** Any segment of the tier: the rules read the tier (through the playbook), never the segment. */
const SEGMENT_OF: Record<Tier, Segment> = {
  'high-touch': 'enterprise',
  'tech-touch': 'mid-market',
  'self-service': 'smb',
};
const PREVIEW_CSM = { id: 'preview-csm', name: 'The CSM', email: 'csm@preview.invalid' };

export function previewJourney(playbook: Playbook, scenario: PreviewScenario, options: PreviewOptions): JourneyPreview {
  const startMs = Date.parse(options.startAt);
  const horizonDays = scenario.horizonDays ?? defaultHorizonDays(playbook, scenario);
  const untilMs = startMs + horizonDays * DAY_MS;
  const maxPasses = options.maxPasses ?? DEFAULT_MAX_PASSES;
  const maxEscalations = options.maxEscalations ?? DEFAULT_MAX_ESCALATIONS;
  const events: PreviewEvent[] = [];
  const actions: PreviewActionTaken[] = [];

  let now = new Date(startMs);
  let state = startOnboarding(previewInput(playbook, scenario, options.startAt), now);
  let outcome: JourneyPreview['outcome'] = 'open';
  for (let pass = 0; ; pass++) {
    if (pass >= maxPasses || state.escalations.length > maxEscalations) {
      outcome = 'cut-short';
      break;
    }
    // One pass of the workflow's loop, with the activities' answers assumed.
    const seen = state.revision;
    state = fireDueTimers(state, playbook, now);
    if (csmAssignmentWanted(state) && csmAssignmentDue(state, now))
      state = assignCsm(state, playbook, PREVIEW_CSM, now);
    events.push(...eventsOfEffects(state.outbox, playbook, now.getTime(), startMs));
    state = { ...state, outbox: [] };
    if (journeyOver(state, state.revision)) {
      outcome = 'completed';
      break;
    }
    if (changedSince(state, seen)) continue;
    // The workflow would sleep here: updates sent meanwhile arrive first, then the next timer.
    const planned = nextPlannedAction(state, playbook, scenario, startMs, now);
    if (planned && planned.at <= now.getTime()) {
      state = act(state, playbook, planned.action, now);
      actions.push({ day: dayOf(now.getTime(), startMs), at: now.toISOString(), action: planned.action });
      continue;
    }
    const next = Math.min(nextTimerAt(state, playbook) ?? Infinity, planned?.at ?? Infinity);
    if (next > untilMs) break;
    // As the workflow, which sleeps at least a millisecond (fireDueTimers fires at most 1000 at once).
    now = new Date(Math.max(next, now.getTime() + 1));
  }

  const timeline = [...events, ...derivedEvents(state, startMs, Math.min(untilMs, now.getTime()))];
  // Stable: events of one instant keep the order the rules queued them in.
  timeline.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return {
    playbook: { tier: playbook.tier, version: playbook.version, name: playbook.name },
    startAt: new Date(startMs).toISOString(),
    horizonDays,
    outcome,
    endedAt: (outcome === 'open' ? new Date(untilMs) : now).toISOString(),
    events: timeline,
    actions,
    summary: summarise(timeline, state),
  };
}

function previewInput(playbook: Playbook, scenario: PreviewScenario, startAt: string): OnboardingInput {
  return {
    onboardingId: 'preview',
    account: { id: 'preview', name: 'Preview customer' },
    segment: SEGMENT_OF[playbook.tier],
    tier: playbook.tier,
    // A late handoff starts incomplete; completeHandoff then brings the placeholder facts.
    handoff: (scenario.handoffDelayDays ?? 0) > 0 ? {} : PREVIEW_HANDOFF,
    salesOwner: { name: 'Sales owner', email: 'sales@preview.invalid' },
    closedWonAt: startAt,
    playbook,
  };
}

/** An update as the workflow handles it: the validator, then the handler, at the same instant. */
function act(state: OnboardingState, playbook: Playbook, action: PreviewAction, now: Date): OnboardingState {
  const { command, body } = commandFor(state, playbook, action);
  command.check(state, body, now, playbook);
  return command.apply(state, playbook, body, now);
}

function summarise(events: PreviewEvent[], state: OnboardingState): JourneyPreview['summary'] {
  const count = (kind: PreviewEvent['kind']) => events.filter((e) => e.kind === kind).length;
  const escalationsByLevel: Record<string, number> = {};
  for (const e of events)
    if (e.kind === 'escalation') escalationsByLevel[`L${e.level}`] = (escalationsByLevel[`L${e.level}`] ?? 0) + 1;
  const ttv = timeToValueDays(state);
  return {
    reminders: count('reminder'),
    escalations: count('escalation'),
    escalationsByLevel,
    stalls: count('stall-started'),
    milestonesMissed: count('milestone-missed'),
    ...(ttv !== undefined ? { timeToValueDays: ttv } : {}),
  };
}
