import type { MetricMeter } from '@temporalio/common';
import type { DomainEvent } from '../domain/domain-events';

/** Counts domain events as they are first recorded. */
export type CountDomainEvents = (events: readonly DomainEvent[]) => void;

/**
 * The domain counters, exported with the worker's metrics (the Temporal runtime's meter, so
 * WORKER_METRICS_ADDRESS serves them beside the task latencies). Counted where the event store
 * first records an event (src/persistence/event-store.ts keeps each id once, in the projection's
 * transaction), after that transaction commits: a retried activity, a replayed workflow or the
 * same state projected again counts nothing twice. A crash between the commit and the count loses
 * that count; nothing is ever counted twice. Labels are bounded enumerations (event type,
 * escalation level, cutover mode and outcome), never ids or names.
 */
export function domainCounters(meter: MetricMeter): CountDomainEvents {
  const events = meter.createCounter(
    'onboarding_events',
    undefined,
    'Domain events recorded, by type: onboardings started and completed, stalls started and ended, escalations raised, cutover attempts ended, ...',
  );
  const escalations = meter.createCounter('onboarding_escalations_raised', undefined, 'Escalations raised, by level');
  const cutovers = meter.createCounter(
    'onboarding_cutover_attempts_ended',
    undefined,
    'Cutover attempts (rehearsals and cutovers) ended, by mode and outcome',
  );
  return (recorded) => {
    for (const e of recorded) {
      events.add(1, { type: e.type });
      if (e.type === 'onboarding.escalation_raised') escalations.add(1, { level: label(e.data.level) });
      if (e.type === 'onboarding.cutover_attempt_ended')
        cutovers.add(1, { mode: label(e.data.mode), outcome: label(e.data.outcome) });
    }
  };
}

/** Only short words and numbers become label values: anything else (never expected) is 'other'. */
function label(value: unknown): string {
  const text = String(value);
  return /^[a-z0-9_-]{1,32}$/i.test(text) ? text : 'other';
}
