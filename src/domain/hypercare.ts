import { produce } from './draft';
import type { EscalationRecord } from './escalations';
import type { OutboxState } from './outbox';
import { audit } from './outbox';
import { DAY_MS, HOUR_MS } from './time';

/**
 * Hypercare: the watched period after a successful cutover (seed 002). The workflow reads the
 * platform's health when `hypercareReadingDue`, and hands the reading to `recordHypercareReading`.
 * A breach stays open until a healthy reading clears it; while open it walks the playbook's
 * escalation ladder (timers.ts). When the watch ends, the acceptance gate opens: a named owner
 * accepts BAU (commands.ts refuses it earlier, or while a breach is open; readings go on until
 * it clears).
 */

/** A reading of the customer's platform: what hypercare watches and a rollout stage's health check reads. */
export interface PlatformHealth {
  errorRate: number;
  authSuccessRate: number;
  transactionSuccessRate: number;
  ticketVolume: number;
}

/**
 * A cutover plan's watch: the platform's health is read every `readEveryHours` for `days`; a
 * breach of a threshold escalates on the playbook's ladder until it clears; at the end a named
 * owner accepts BAU through the acceptance gate.
 */
export interface HypercarePlan {
  /** How long the watch lasts (tier default: 4 weeks). */
  days: number;
  readEveryHours: number;
  thresholds: HypercareThresholds;
  /** The escalation ladder (a key of the playbook's ladders) a breach walks. */
  escalation: string;
  /** The playbook gate by which a named owner accepts BAU; refused while the watch goes on. */
  acceptanceGate: string;
}

export interface HypercareThresholds {
  maxErrorRate: number;
  minAuthSuccessRate: number;
  minTransactionSuccessRate: number;
  /** Support tickets per reading above which the customer is struggling. */
  maxTicketVolume: number;
}

export const HYPERCARE_METRICS = ['error-rate', 'auth-success', 'transaction-success', 'ticket-volume'] as const;
export type HypercareMetric = (typeof HYPERCARE_METRICS)[number];

/** Every threshold a reading breaches, in words; empty when healthy. */
export function hypercareBreaches(
  t: HypercareThresholds,
  h: PlatformHealth,
): Array<{ metric: HypercareMetric; detail: string }> {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const found: Array<{ metric: HypercareMetric; detail: string }> = [];
  if (h.errorRate > t.maxErrorRate)
    found.push({ metric: 'error-rate', detail: `error rate ${pct(h.errorRate)} above ${pct(t.maxErrorRate)}` });
  if (h.authSuccessRate < t.minAuthSuccessRate) {
    found.push({
      metric: 'auth-success',
      detail: `authorization success ${pct(h.authSuccessRate)} below ${pct(t.minAuthSuccessRate)}`,
    });
  }
  if (h.transactionSuccessRate < t.minTransactionSuccessRate) {
    found.push({
      metric: 'transaction-success',
      detail: `transaction success ${pct(h.transactionSuccessRate)} below ${pct(t.minTransactionSuccessRate)}`,
    });
  }
  if (h.ticketVolume > t.maxTicketVolume)
    found.push({ metric: 'ticket-volume', detail: `${h.ticketVolume} tickets, above ${t.maxTicketVolume}` });
  return found;
}

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

/** The part of an onboarding's state hypercare reads and changes (OnboardingState has it). */
export interface WatchedOnboarding extends OutboxState {
  status: string;
  hypercare?: HypercareRecord;
  escalations: EscalationRecord[];
  revision: number;
}

/** Starts the watch after a successful cutover (called on a draft). */
export function startHypercare(draft: WatchedOnboarding, plan: HypercarePlan, cutoverId: string, at: string): void {
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

export function openHypercareBreaches(state: WatchedOnboarding): HypercareBreach[] {
  return state.hypercare?.breaches.filter((b) => !b.clearedAt) ?? [];
}

/**
 * When the platform's health is to be read next; undefined once nothing is watched. Readings go
 * on past the end of the watch while a breach is open: only a healthy reading can clear it.
 */
export function nextHypercareReadingAt(state: WatchedOnboarding): number | undefined {
  const h = state.hypercare;
  if (!h || state.status === 'completed') return undefined;
  const watched = h.status === 'watching' || (h.status === 'watch-ended' && openHypercareBreaches(state).length > 0);
  return watched ? Date.parse(h.nextReadingAt) : undefined;
}

export function hypercareReadingDue(state: WatchedOnboarding, now: Date): boolean {
  const at = nextHypercareReadingAt(state);
  return at !== undefined && at <= now.getTime();
}

/** A reading: new breaches open (and start their ladder), breaches no longer seen clear. */
export function recordHypercareReading<S extends WatchedOnboarding>(
  state: S,
  plan: HypercarePlan,
  health: PlatformHealth,
  now: Date,
): S {
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
export function recordMissedHypercareReading<S extends WatchedOnboarding>(
  state: S,
  plan: HypercarePlan,
  error: string,
  now: Date,
): S {
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
export function hypercareAcceptanceProblem(state: WatchedOnboarding, gate: string): string | undefined {
  const h = state.hypercare;
  if (!h || h.acceptanceGate !== gate) return undefined;
  if (h.status === 'watching') return `hypercare watches until ${h.endsAt}; BAU acceptance opens then`;
  const open = openHypercareBreaches(state);
  if (open.length)
    return `hypercare breaches still open: ${open.map((b) => `${b.detail} (since ${b.since})`).join('; ')}`;
  return undefined;
}
