import { baselineSide, cohortSide, pilotChecklist } from '../domain/cohort-comparison';
import { leadershipFigures } from '../domain/dashboard-figures';
import { redFlags, type RedFlagThresholds } from '../domain/red-flags';
import type { Tier } from '../domain/segment';
import type { BaselineStore } from '../persistence/baseline-store';
import type { DashboardFilter, DashboardStore } from '../persistence/dashboard-store';
import type { PlaybookStore } from '../playbooks/playbook-store';

export interface LeadershipDashboardDeps {
  store: DashboardStore;
  baselines: BaselineStore;
  playbooks: Pick<PlaybookStore, 'latest'>;
  thresholds: RedFlagThresholds;
}

/**
 * The leadership dashboard and the cohort comparison, composed from SQL aggregates
 * (DashboardStore) and the pure rules in src/domain. Outside Nest so that the API's JSON, its
 * pages and the weekly report (a worker activity) all say the same figures.
 */
export class LeadershipDashboard {
  constructor(private readonly deps: LeadershipDashboardDeps) {}

  async figures(filter: DashboardFilter, now = new Date()) {
    const { store, baselines: baselineStore, thresholds } = this.deps;
    const [aggregates, baselines] = await Promise.all([store.leadership(filter), baselineStore.latest()]);
    const figures = leadershipFigures(aggregates);
    // The target a tier's TTV is drawn against: its current playbook's first-value milestone.
    const byTier = await Promise.all(
      figures.timeToValue.byTier.map(async (t) => ({ ...t, targetDays: await this.ttvTarget(t.tier) })),
    );
    return {
      filter,
      asOf: now.toISOString(),
      ...figures,
      timeToValue: { ...figures.timeToValue, byTier },
      baselines,
      thresholds,
      redFlags: redFlags(
        {
          completionWithinTarget: figures.completionWithinTarget.share,
          stalledShare: figures.stalled.share,
          ttvMedianByTier: byTier,
          baselines,
        },
        thresholds,
      ),
    };
  }

  /** `against` is 'baseline' or another cohort. The caller has checked that `cohort` is one. */
  async comparison(cohort: string, against = 'baseline', asOf = new Date()) {
    const { store, baselines: baselineStore } = this.deps;
    const [mine, baselines, other] = await Promise.all([
      store.cohort(cohort, asOf),
      baselineStore.latest(),
      against === 'baseline' ? undefined : store.cohort(against, asOf),
    ]);
    return {
      asOf: asOf.toISOString(),
      cohort: cohortSide(cohort, mine),
      against: other ? cohortSide(against, other) : baselineSide(mine, baselines),
      checklist: pilotChecklist(mine, baselines),
    };
  }

  private async ttvTarget(tier: Tier): Promise<number | null> {
    const playbook = await this.deps.playbooks.latest(tier);
    return playbook.milestones.find((m) => m.key === playbook.firstValueMilestone)?.targetDay ?? null;
  }
}

export type LeadershipFigures = Awaited<ReturnType<LeadershipDashboard['figures']>>;
export type CohortComparison = Awaited<ReturnType<LeadershipDashboard['comparison']>>;
