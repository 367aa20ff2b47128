import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import {
  type DeliveryRetry,
  EVENT_DELIVERY_WORKFLOW,
  type EventDeliveryInput,
  eventDeliveryWorkflowId,
} from '../contracts/event-delivery.contract';

/** Starts the delivery workflow of one delivery row; starting one already started is a no-op. */
export type DeliveryStarter = (deliveryId: string) => Promise<void>;

export function deliveryStarter(client: Client, taskQueue: string, retry: DeliveryRetry): DeliveryStarter {
  return async (deliveryId) => {
    const input: EventDeliveryInput = { deliveryId, retry };
    try {
      await client.workflow.start(EVENT_DELIVERY_WORKFLOW, {
        workflowId: eventDeliveryWorkflowId(deliveryId),
        taskQueue,
        // Never again once closed: the default would start a finished delivery a second time.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        args: [input],
        staticSummary: 'Delivers one domain event to one webhook subscription',
      });
    } catch (err) {
      // The id is per delivery: already started means this delivery is on its way (once).
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  };
}
