import type { WorkflowHandle } from '@temporalio/client';
import {
  approveGateUpdate,
  completeTaskUpdate,
  getStateQuery,
  type OnboardingView,
  recordMilestoneUpdate,
} from '../../src/contracts/onboarding.contract';
import type { OnboardingInput } from '../../src/domain/onboarding';

/** Polls the state query until `predicate` holds (activities complete asynchronously). */
export async function until(
  handle: WorkflowHandle,
  predicate: (s: OnboardingView) => boolean,
): Promise<OnboardingView> {
  let state: OnboardingView | undefined;
  for (let i = 0; i < 200; i++) {
    state = await handle.query(getStateQuery);
    if (predicate(state)) return state;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `state never reached the expected condition; last: ${JSON.stringify({ status: state?.status, waitingOn: state?.waitingOn, revision: state?.revision })}`,
  );
}

/**
 * Drives a journey the way a diligent team would: at each step, complete the open tasks,
 * record the current stage's milestones, approve its gates as their named role, then let time
 * pass (`pause`: skipped time on the test server, nothing on the dev server).
 */
export async function walkJourney(
  handle: WorkflowHandle,
  input: OnboardingInput,
  pause: () => Promise<void>,
): Promise<void> {
  for (let step = 0; step < 40; step++) {
    const state = await handle.query(getStateQuery);
    if (state.status === 'completed') return;
    if (!state.csm) {
      await until(handle, (s) => !!s.csm);
      continue;
    }
    for (const task of state.tasks.filter((t) => t.status === 'open')) {
      await handle.executeUpdate(completeTaskUpdate, { args: [{ task: task.key, actor: `${task.owner}:walker` }] });
    }
    const stage = input.playbook.stages.find((s) => s.key === state.stage.key)!;
    for (const key of stage.exitMilestones) {
      if (!state.milestones.find((m) => m.key === key)!.achievedAt) {
        await handle.executeUpdate(recordMilestoneUpdate, {
          args: [{ milestone: key, actor: 'csm:ana', evidence: `evidence for ${key}` }],
        });
      }
    }
    for (const gate of state.gates.filter((g) => g.stage === stage.key && !g.approvedAt)) {
      const role = gate.approverRoles[0];
      const criteria = gate.acceptanceCriteria.map((criterion) => ({ criterion, met: true }));
      await handle.executeUpdate(approveGateUpdate, {
        args: [{ gate: gate.key, actor: `${role}:walker`, role, criteria }],
      });
    }
    await pause();
  }
  throw new Error('journey did not complete');
}
