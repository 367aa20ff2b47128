/**
 * Test-only workflow interceptor for the time-skipping test server, which cannot register
 * custom search attributes (it has no operator service) and fails every workflow task that
 * upserts one. Dropping the upsert commands keeps the rest of the workflow as it is; search
 * attributes are tested on the dev server. Deterministic: replays drop the same commands.
 */
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  internals: [
    {
      concludeActivation(input, next) {
        return next({ ...input, commands: input.commands.filter((c) => !c.upsertWorkflowSearchAttributes) });
      },
    },
  ],
});
