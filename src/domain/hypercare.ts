import { HypercareMetric, HypercarePlan, hypercareBreaches, PlatformHealth } from './cutover';
import { audit, HOUR_MS, DAY_MS, OnboardingState, produce } from './onboarding';

/**
 * Hypercare: the watched period after a successful cutover (seed 002). The workflow reads the
 * platform's health when `hypercareReadingDue`, and hands the reading to `recordHypercareReading`.
 * A breach stays open until a healthy reading clears it; while open it walks the playbook's
 * escalation ladder (timers.ts). When the watch ends, the acceptance gate opens: a named owner
 * accepts BAU (commands.ts refuses it earlier, or while a breach is open; readings go on until
 * it clears).
 */

export interface HypercareBreach {
  metric: HypercareMetric;
  since: string;
  detail: string;
  clearedAt?: string;
}

export interface HypercareReading extends PlatformHealth {
  at: string;
  breaches: HypercareMetric[];
}

export interface HypercareRecord {
  /** The cutover attempt it watches after. */
  cutoverId: string;
  startedAt: string;
  endsAt: string;
  /** watching: readings go on; watch-ended: waiting on BAU acceptance; accepted: BAU owns it. */
  status: 'watching' | 'watch-ended' | 'accepted';
  acceptanceGate: string;
  nextReadingAt: string;
  readings: number;
  /** Readings the platform did not answer (after the activity's retries): a gap, not a breach. */
  missedReadings: number;
  lastReading?: HypercareReading;
  /** Every breach, oldest first: one per metric and occurrence. */
  breaches: HypercareBreach[];
  acceptedAt?: string;
  acceptedBy?: string;
}

/** Starts the watch after a successful cutover (called on a draft). */
export function startHypercare(draft: OnboardingState, plan: HypercarePlan, cutoverId: string, at: string): void {
  const start = Date.parse(at);
  draft.hypercare = {
    cutoverId,
    startedAt: at,
    endsAt: new Date(start + plan.days * DAY_MS).toISOString(),
    status: 'watching',
    acceptanceGate: plan.acceptanceGate,
    nextReadingAt: new Date(start + plan.readEveryHours * HOUR_MS).toISOString(),
    readings: 0,
    missedReadings: 0,
    breaches: [],
  };
  audit(draft, at, 'system', 'hypercare-started', { cutoverId, endsAt: draft.hypercare.endsAt, days: plan.days });
}

export function openHypercareBreaches(state: OnboardingState): HypercareBreach[] {
  return state.hypercare?.breaches.filter((b) => !b.clearedAt) ?? [];
}

/**
 * When the platform's health is to be read next; undefined once nothing is watched. Readings go
 * on past the end of the watch while a breach is open: only a healthy reading can clear it.
 */
export function nextHypercareReadingAt(state: OnboardingState): number | undefined {
  const h = state.hypercare;
  if (!h || state.status === 'completed') return undefined;
  const watched = h.status === 'watching' || (h.status === 'watch-ended' && openHypercareBreaches(state).length > 0);
  return watched ? Date.parse(h.nextReadingAt) : undefined;
}

export function hypercareReadingDue(state: OnboardingState, now: Date): boolean {
  const at = nextHypercareReadingAt(state);
  return at !== undefined && at <= now.getTime();
}

/** A reading: new breaches open (and start their ladder), breaches no longer seen clear. */
export function recordHypercareReading(state: OnboardingState, plan: HypercarePlan, health: PlatformHealth, now: Date): OnboardingState {
  return produce(state, (draft) => {
    const at = now.toISOString();
    const h = draft.hypercare!;
    const found = hypercareBreaches(plan.thresholds, health);
    h.readings += 1;
    h.lastReading = { at, ...health, breaches: found.map((f) => f.metric) };
    h.nextReadingAt = new Date(now.getTime() + plan.readEveryHours * HOUR_MS).toISOString();
    for (const f of found) {
      if (h.breaches.some((b) => b.metric === f.metric && !b.clearedAt)) continue;
      h.breaches.push({ metric: f.metric, since: at, detail: f.detail });
      audit(draft, at, 'system', 'hypercare-breach', { metric: f.metric, detail: f.detail, reading: health });
    }
    for (const b of h.breaches) {
      if (b.clearedAt || found.some((f) => f.metric === b.metric)) continue;
      b.clearedAt = at;
      audit(draft, at, 'system', 'hypercare-breach-cleared', { metric: b.metric, since: b.since });
      // The breach is over: its ladder stops.
      for (const e of draft.escalations) {
        if (e.subject.kind === 'hypercare' && e.subject.key === b.metric && !e.closedAt) e.closedAt = at;
      }
    }
    draft.revision += 1;
  });
}

/** The platform did not answer: the next reading is still taken on time. */
export function recordMissedHypercareReading(state: OnboardingState, plan: HypercarePlan, error: string, now: Date): OnboardingState {
  return produce(state, (draft) => {
    const at = now.toISOString();
    const h = draft.hypercare!;
    h.missedReadings += 1;
    h.nextReadingAt = new Date(now.getTime() + plan.readEveryHours * HOUR_MS).toISOString();
    audit(draft, at, 'system', 'hypercare-reading-missed', { error });
    draft.revision += 1;
  });
}

/** Why the acceptance gate cannot be approved yet; undefined when it can (or is not hypercare's). */
export function hypercareAcceptanceProblem(state: OnboardingState, gate: string): string | undefined {
  const h = state.hypercare;
  if (!h || h.acceptanceGate !== gate) return undefined;
  if (h.status === 'watching') return `hypercare watches until ${h.endsAt}; BAU acceptance opens then`;
  const open = openHypercareBreaches(state);
  if (open.length) return `hypercare breaches still open: ${open.map((b) => `${b.detail} (since ${b.since})`).join('; ')}`;
  return undefined;
}
