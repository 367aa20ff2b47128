import { Inject, Injectable } from '@nestjs/common';
import { isCohort, COHORT_RULE } from '../../src/domain/cohort';
import { LeadershipDashboard } from '../../src/dashboards/leadership-dashboard';
import type { RedFlagThresholds } from '../../src/domain/red-flags';
import type { Tier } from '../../src/domain/segment';
import { BaselineStore } from '../../src/persistence/baseline-store';
import { DashboardStore } from '../../src/persistence/dashboard-store';
import { PlaybookStore } from '../../src/playbooks/playbook-store';
import { invalidRequest } from '../common/problem-details';
import type { LeadershipQuery, PutBaselineDto } from './dto/dashboard-queries';

export const RED_FLAG_THRESHOLDS = Symbol('RED_FLAG_THRESHOLDS');

/**
 * The leadership dashboard and the cohort comparison (composed in src/dashboards, shared with
 * the pages and the weekly report), and the baselines.
 */
@Injectable()
export class DashboardsService {
  private readonly dashboard: LeadershipDashboard;

  constructor(
    store: DashboardStore,
    private readonly baselines: BaselineStore,
    playbooks: PlaybookStore,
    @Inject(RED_FLAG_THRESHOLDS) thresholds: RedFlagThresholds,
  ) {
    this.dashboard = new LeadershipDashboard({ store, baselines, playbooks, thresholds });
  }

  leadership(query: LeadershipQuery) {
    return this.dashboard.figures(query);
  }

  comparison(cohort: string, against = 'baseline') {
    if (!isCohort(cohort)) throw invalidRequest([{ path: 'cohort', message: `cohort ${COHORT_RULE}` }]);
    return this.dashboard.comparison(cohort, against);
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
}
