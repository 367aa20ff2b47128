import { Inject, Injectable } from '@nestjs/common';
import { isCohort, COHORT_RULE } from '../../src/domain/cohort';
import { baselineSide, cohortSide, pilotChecklist } from '../../src/domain/cohort-comparison';
import { leadershipFigures } from '../../src/domain/dashboard-figures';
import { redFlags, type RedFlagThresholds } from '../../src/domain/red-flags';
import type { Tier } from '../../src/domain/segment';
import { BaselineStore } from '../../src/persistence/baseline-store';
import { DashboardStore } from '../../src/persistence/dashboard-store';
import { PlaybookStore } from '../../src/playbooks/playbook-store';
import { invalidRequest } from '../common/problem-details';
import type { LeadershipQuery, PutBaselineDto } from './dto/dashboard-queries';

export const RED_FLAG_THRESHOLDS = Symbol('RED_FLAG_THRESHOLDS');

/**
 * The leadership dashboard and the cohort comparison as JSON: SQL aggregates from the
 * DashboardStore, figures, red flags and the pilot checklist from the pure rules in src/domain.
 */
@Injectable()
export class DashboardsService {
  constructor(
    private readonly store: DashboardStore,
    private readonly baselines: BaselineStore,
    private readonly playbooks: PlaybookStore,
    @Inject(RED_FLAG_THRESHOLDS) private readonly thresholds: RedFlagThresholds,
  ) {}

  async leadership(query: LeadershipQuery) {
    const [aggregates, baselines] = await Promise.all([this.store.leadership(query), this.baselines.latest()]);
    const figures = leadershipFigures(aggregates);
    // The target a tier's TTV is drawn against: its current playbook's first-value milestone.
    const byTier = await Promise.all(
      figures.timeToValue.byTier.map(async (t) => ({ ...t, targetDays: await this.ttvTarget(t.tier) })),
    );
    return {
      filter: query,
      asOf: new Date().toISOString(),
      ...figures,
      timeToValue: { ...figures.timeToValue, byTier },
      baselines,
      thresholds: this.thresholds,
      redFlags: redFlags(
        {
          completionWithinTarget: figures.completionWithinTarget.share,
          stalledShare: figures.stalled.share,
          ttvMedianByTier: byTier,
          baselines,
        },
        this.thresholds,
      ),
    };
  }

  async comparison(cohort: string, against = 'baseline') {
    if (!isCohort(cohort)) throw invalidRequest([{ path: 'cohort', message: `cohort ${COHORT_RULE}` }]);
    const asOf = new Date();
    const [mine, baselines, other] = await Promise.all([
      this.store.cohort(cohort, asOf),
      this.baselines.latest(),
      against === 'baseline' ? undefined : this.store.cohort(against, asOf),
    ]);
    return {
      asOf: asOf.toISOString(),
      cohort: cohortSide(cohort, mine),
      against: other ? cohortSide(against, other) : baselineSide(mine, baselines),
      checklist: pilotChecklist(mine, baselines),
    };
  }

  async baseline() {
    return { items: await this.baselines.latest() };
  }

  async enterBaseline(tier: Tier, body: PutBaselineDto, enteredBy: string) {
    return this.baselines.enter(
      tier,
      {
        medianTtvDays: body.medianTtvDays,
        completionWithinTargetRate: body.completionWithinTargetRate,
        sampleSize: body.sampleSize ?? null,
        notes: body.notes ?? null,
      },
      enteredBy,
    );
  }

  private async ttvTarget(tier: Tier): Promise<number | null> {
    const playbook = await this.playbooks.latest(tier);
    return playbook.milestones.find((m) => m.key === playbook.firstValueMilestone)?.targetDay ?? null;
  }
}
