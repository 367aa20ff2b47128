import { ApplicationFailure } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import type { AssignedCsm, CsmAssignmentActivities } from '../src/contracts/csm-assignment.contract';

/**
 * Capacity-aware CSM assignment over the `csms` roster: among active CSMs who cover the tier and
 * have room, the one with the lowest load (active onboardings / capacity) wins; ties go by id.
 * One advisory lock serialises assignments so two at once cannot overfill a CSM.
 */
export function createCsmAssignmentActivities(dataSource: DataSource): CsmAssignmentActivities {
  return {
    async assignCsm({ onboardingId, tier }): Promise<AssignedCsm> {
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
        if (!chosen) {
          // Retryable on purpose: the workflow waits (visible as waiting on csm-assignment) until
          // someone adds a CSM or frees capacity.
          throw ApplicationFailure.retryable(`no active CSM with spare capacity covers tier '${tier}'`, 'NoCsmCapacity');
        }
        await tx.query(`INSERT INTO csm_assignments (onboarding_id, csm_id, tier) VALUES ($1, $2, $3)`, [onboardingId, chosen.id, tier]);
        return chosen;
      });
    },

    async releaseCsm(onboardingId: string): Promise<void> {
      await dataSource.query(`UPDATE csm_assignments SET released_at = now() WHERE onboarding_id = $1 AND released_at IS NULL`, [
        onboardingId,
      ]);
    },
  };
}
