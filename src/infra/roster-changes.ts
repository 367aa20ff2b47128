import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { rosterChangedSignal, WAITING_FOR_CSM_QUERY } from '../contracts/onboarding.contract';

/**
 * Tells every onboarding waiting for a CSM with a free seat that the roster changed, so it tries
 * again now rather than at its next retry. Visibility may trail by a moment: an onboarding that
 * starts waiting just now is missed, and its own retry timer (15 min) covers it. Returns how many
 * were told.
 */
export async function signalOnboardingsWaitingForCsm(client: Client): Promise<number> {
  let signalled = 0;
  for await (const run of client.workflow.list({ query: WAITING_FOR_CSM_QUERY })) {
    try {
      await client.workflow.getHandle(run.workflowId).signal(rosterChangedSignal);
      signalled += 1;
    } catch (err) {
      // Completed or continued meanwhile: nothing to tell.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  return signalled;
}
