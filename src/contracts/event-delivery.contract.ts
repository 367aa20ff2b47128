/**
 * Delivery of one domain event to one subscription, as its own small workflow: Temporal retries
 * the HTTP attempt with backoff, and the workflow id (`event-delivery-<deliveryId>`) makes each
 * delivery start once. Declared here so the workflow, the activities and the API share it.
 */
export const EVENT_DELIVERY_WORKFLOW = 'eventDeliveryWorkflow';

export function eventDeliveryWorkflowId(deliveryId: string): string {
  return `event-delivery-${deliveryId}`;
}

/** The backoff of the attempts; production defaults in DEFAULT_DELIVERY_RETRY, tests shorten it. */
export interface DeliveryRetry {
  initialIntervalMs: number;
  maximumIntervalMs: number;
  maximumAttempts: number;
}

/** About 10 s, 20 s, 40 s … capped at an hour: 12 attempts span roughly half a day. */
export const DEFAULT_DELIVERY_RETRY: DeliveryRetry = {
  initialIntervalMs: 10_000,
  maximumIntervalMs: 3_600_000,
  maximumAttempts: 12,
};

export interface EventDeliveryInput {
  deliveryId: string;
  retry: DeliveryRetry;
}

/** What a delivery ended as: sent (2xx), given up after the attempts, or not sent at all. */
export type DeliveryOutcome = 'succeeded' | 'failed' | 'cancelled';

/** Failure types of `deliverEvent` (ApplicationFailure.type). */
export const RECEIVER_REFUSED = 'ReceiverRefused';
export const RECEIVER_UNREACHABLE = 'ReceiverUnreachable';
/** 410 Gone: the receiver says the endpoint is no more; the subscription is disabled, no retry. */
export const RECEIVER_GONE = 'ReceiverGone';

export interface EventDeliveryActivities {
  /** One signed POST; throws on a non-2xx answer or no answer, so that Temporal retries it. */
  deliverEvent(deliveryId: string): Promise<DeliveryOutcome>;
  /** After the last attempt failed: the delivery log says so. */
  recordDeliveryGaveUp(deliveryId: string): Promise<void>;
}
