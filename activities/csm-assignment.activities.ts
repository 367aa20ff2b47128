import { ApplicationFailure, Context } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import type {
  AssignedCsm,
  CsmAssignmentActivities,
  CsmAssignmentResult,
} from '../src/contracts/csm-assignment.contract';
import type { Tier } from '../src/domain/segment';
import { signalOnboardingsWaitingForCsm } from '../src/infra/roster-changes';

/**
 * Capacity-aware CSM assignment over the `csms` roster: among active CSMs who cover the tier and
 * have room, the one with the lowest load (active onboardings / capacity) wins; ties go by id.
 * One advisory lock serialises assignments so two at once cannot overfill a CSM.
 */
/**
 * A freed seat is taken by one onboarding: the release tells the few waiting longest, not every
 * waiting one (a backlog would outlast the activity's timeout). The rest retry every 15 minutes.
 */
export const RELEASE_SIGNAL_LIMIT = 5;
/** What the release gives its signals, well inside its 30 s start-to-close timeout. */
export const RELEASE_SIGNAL_BUDGET_MS = 10_000;

export interface CsmAssignmentOptions {
  releaseSignalLimit?: number;
  releaseSignalBudgetMs?: number;
}

export function createCsmAssignmentActivities(
  dataSource: DataSource,
  {
    releaseSignalLimit = RELEASE_SIGNAL_LIMIT,
    releaseSignalBudgetMs = RELEASE_SIGNAL_BUDGET_MS,
  }: CsmAssignmentOptions = {},
): CsmAssignmentActivities {
  /** The onboarding's CSM: the one already assigned, or a new one with a free seat, or none. */
  function assign({ onboardingId, tier }: { onboardingId: string; tier: Tier }): Promise<AssignedCsm | undefined> {
    return dataSource.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('csm-assignment'))`);
      const existing: AssignedCsm[] = await tx.query(
        `SELECT c.id, c.name, c.email FROM csm_assignments a JOIN csms c ON c.id = a.csm_id WHERE a.onboarding_id = $1`,
        [onboardingId],
      );
      if (existing.length) return existing[0];
      const [chosen]: AssignedCsm[] = await tx.query(
        `SELECT c.id, c.name, c.email
           FROM csms c
           LEFT JOIN csm_assignments a ON a.csm_id = c.id AND a.released_at IS NULL
          WHERE c.active AND $1 = ANY (c.tiers)
          GROUP BY c.id
         HAVING count(a.onboarding_id) < c.capacity
          ORDER BY count(a.onboarding_id)::float / c.capacity, c.id
          LIMIT 1`,
        [tier],
      );
      if (!chosen) return undefined;
      await tx.query(`INSERT INTO csm_assignments (onboarding_id, csm_id, tier) VALUES ($1, $2, $3)`, [
        onboardingId,
        chosen.id,
        tier,
      ]);
      return chosen;
    });
  }

  return {
    async tryAssignCsm(request): Promise<CsmAssignmentResult> {
      const csm = await assign(request);
      return csm ? { outcome: 'assigned', csm } : { outcome: 'no-capacity' };
    },

    async assignCsm(request): Promise<AssignedCsm> {
      const csm = await assign(request);
      // Retryable on purpose, for runs on the code before waiting became a state.
      if (!csm)
        throw ApplicationFailure.retryable(
          `no active CSM with spare capacity covers tier '${request.tier}'`,
          'NoCsmCapacity',
        );
      return csm;
    },

    async releaseCsm(onboardingId: string): Promise<void> {
      const released: unknown[] = await dataSource.query(
        `UPDATE csm_assignments SET released_at = now() WHERE onboarding_id = $1 AND released_at IS NULL RETURNING csm_id`,
        [onboardingId],
      );
      // A seat is free: the onboardings waiting longest for one try now. A retry (the release timed
      // out after the update, say) finds the seat released already and tells them again.
      const ctx = Context.current();
      if (!released.length && ctx.info.attempt === 1) return;
      // The seat is released: telling the waiters is best effort, bounded in number and time, and
      // never fails the release (the completing onboarding would wait on it); their retry covers it.
      try {
        const { found, told, failed } = await signalOnboardingsWaitingForCsm(ctx.client, {
          limit: releaseSignalLimit,
          deadline: Date.now() + releaseSignalBudgetMs,
          progress: () => ctx.heartbeat(),
          onSignalFailed: (workflowId, err) =>
            ctx.log.warn('CSM released, but a waiting onboarding could not be told (it retries on its own)', {
              workflowId,
              error: String(err),
            }),
        });
        if (found) ctx.log.info('CSM released: onboardings waiting for a seat told', { found, told, failed });
      } catch (err) {
        ctx.log.warn(
          'CSM released, but the onboardings waiting for a seat could not be found (they retry on their own)',
          {
            error: String(err),
          },
        );
      }
    },
  };
}
