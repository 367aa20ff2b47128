import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type {
  DeliveryOutcome,
  EventDeliveryActivities,
  EventDeliveryInput,
} from '../src/contracts/event-delivery.contract';
import { RECEIVER_GONE } from '../src/contracts/event-delivery.contract';

/**
 * One event to one subscription: the signed POST is an activity that Temporal retries with
 * exponential backoff until the receiver answers 2xx or the attempts run out; then the delivery
 * log records the outcome. The workflow id is per delivery, so a delivery starts once; a
 * redelivery is a new delivery (and workflow) of the same event, with the same webhook-id.
 */
export async function eventDeliveryWorkflow(input: EventDeliveryInput): Promise<DeliveryOutcome> {
  const { deliverEvent } = proxyActivities<EventDeliveryActivities>({
    // One attempt: connect, send, wait for the answer (the activity bounds the HTTP call itself).
    startToCloseTimeout: '30 seconds',
    retry: {
      initialInterval: input.retry.initialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: input.retry.maximumIntervalMs,
      maximumAttempts: input.retry.maximumAttempts,
      nonRetryableErrorTypes: [RECEIVER_GONE],
    },
  });
  const log = proxyActivities<EventDeliveryActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  try {
    return await deliverEvent(input.deliveryId);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    await log.recordDeliveryGaveUp(input.deliveryId);
    return 'failed';
  }
}
