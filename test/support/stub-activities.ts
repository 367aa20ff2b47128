import { ApplicationFailure } from '@temporalio/common';
import type { CsmAssignmentActivities } from '../../src/contracts/csm-assignment.contract';
import type { NotificationActivities } from '../../src/contracts/notification.contract';
import type { ReadModelActivities } from '../../src/contracts/read-model.contract';
import { PERMANENT_WRITE_FAILURE } from '../../src/contracts/side-effect-failures';

/**
 * The onboarding workflow's activities doing nothing, for tests about the workflow's own
 * history (replays, recordings): the read model, mail and the CSM roster are not their subject.
 */
export interface StubOptions {
  noSeatFor?: Set<string>;
  /** Once per onboarding: the assignment's answer (already decided) waits for this to resolve. */
  holdAnswer?: Map<string, () => Promise<void>>;
}

export function silentOnboardingActivities(
  options: StubOptions = {},
): ReadModelActivities & NotificationActivities & CsmAssignmentActivities {
  const ana = { id: 'csm-ana', name: 'Ana Lopez', email: 'ana@vendor.example' };
  return {
    // No seat for the onboardings in `noSeatFor` (while they are in it when asked).
    async tryAssignCsm({ onboardingId }) {
      const answer = options.noSeatFor?.has(onboardingId)
        ? ({ outcome: 'no-capacity' } as const)
        : ({ outcome: 'assigned', csm: ana } as const);
      const hold = options.holdAnswer?.get(onboardingId);
      if (hold) {
        options.holdAnswer!.delete(onboardingId);
        await hold();
      }
      return answer;
    },
    async projectOnboarding() {},
    async appendAudit() {},
    async recordOnboardingPass() {},
    async deliverMessage() {
      return { delivered: true };
    },
    async assignCsm() {
      return ana;
    },
    async releaseCsm() {},
  };
}

/**
 * As PostgreSQL does: a pass, projection, audit batch or message carrying a NUL character is refused
 * for good (a non-retryable PermanentWriteFailure, SQLSTATE 22021), everything else succeeds.
 */
export function nulRefusingOnboardingActivities(
  options: StubOptions = {},
): ReadModelActivities & NotificationActivities & CsmAssignmentActivities {
  const silent = silentOnboardingActivities(options);
  const refuseNul = (value: unknown) => {
    if (JSON.stringify(value).includes('\\u0000')) {
      throw ApplicationFailure.create({
        type: PERMANENT_WRITE_FAILURE,
        message: 'PostgreSQL refused the write: SQLSTATE 22021, invalid byte sequence (e.g. a NUL character)',
        nonRetryable: true,
        details: [{ system: 'postgresql', code: '22021' }],
      });
    }
  };
  return {
    ...silent,
    async projectOnboarding(p) {
      refuseNul(p);
    },
    async appendAudit(_id, entries) {
      refuseNul(entries);
    },
    async recordOnboardingPass(pass) {
      refuseNul(pass);
    },
    async deliverMessage(m) {
      refuseNul(m);
      return { delivered: true };
    },
  };
}
