import type { CsmAssignmentActivities } from '../../src/contracts/csm-assignment.contract';
import type { NotificationActivities } from '../../src/contracts/notification.contract';
import type { ReadModelActivities } from '../../src/contracts/read-model.contract';

/**
 * The onboarding workflow's activities doing nothing, for tests about the workflow's own
 * history (replays, recordings): the read model, mail and the CSM roster are not their subject.
 */
export function silentOnboardingActivities(): ReadModelActivities & NotificationActivities & CsmAssignmentActivities {
  return {
    async projectOnboarding() {},
    async appendAudit() {},
    async deliverMessage() {
      return { delivered: true };
    },
    async assignCsm() {
      return { id: 'csm-ana', name: 'Ana Lopez', email: 'ana@vendor.example' };
    },
    async releaseCsm() {},
  };
}
