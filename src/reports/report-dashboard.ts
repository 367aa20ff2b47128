import type { DataSource } from 'typeorm';
import { LeadershipDashboard } from '../dashboards/leadership-dashboard';
import type { RedFlagThresholds } from '../domain/red-flags';
import { BaselineStore } from '../persistence/baseline-store';
import { DashboardStore } from '../persistence/dashboard-store';
import { PlaybookStore } from '../playbooks/playbook-store';

/** The leadership dashboard over the report's database: the report says the dashboard's figures. */
export function reportDashboard(dataSource: DataSource, thresholds: RedFlagThresholds): LeadershipDashboard {
  return new LeadershipDashboard({
    store: new DashboardStore(dataSource),
    baselines: new BaselineStore(dataSource),
    playbooks: new PlaybookStore(dataSource),
    thresholds,
  });
}
