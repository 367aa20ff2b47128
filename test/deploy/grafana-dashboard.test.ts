/**
 * The Grafana dashboard and the Prometheus scrape config in deploy/: they parse, every panel has
 * a query and a place on the grid, and the queries read the jobs the scrape config defines.
 * (That each metric a query names is really exported is checked against a running stack's
 * scrapes: test/stack/metrics.test.ts.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { DASHBOARD_FILE, dashboardPanels, metricNamesOf } from '../support/grafana-dashboard';

const SCRAPE_CONFIG = path.resolve(__dirname, '../../deploy/prometheus/prometheus.yml');

it('is a Grafana dashboard whose every panel queries Prometheus through the chosen data source', () => {
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD_FILE, 'utf8'));
  expect(dashboard).toMatchObject({ uid: 'onboarding-orchestrator', schemaVersion: expect.any(Number) });
  expect(dashboard.templating.list).toContainEqual(
    expect.objectContaining({ name: 'datasource', query: 'prometheus' }),
  );
  const ids = dashboard.panels.map((p: { id: number }) => p.id);
  expect(new Set(ids).size).toBe(ids.length);
  const panels = dashboardPanels();
  expect(panels.length).toBeGreaterThanOrEqual(12);
  for (const panel of panels) {
    expect({ panel: panel.title, x: panel.gridPos.x + panel.gridPos.w <= 24 }).toEqual({ panel: panel.title, x: true });
    expect(panel.targets?.length).toBeGreaterThan(0);
    expect(metricNamesOf(panel).length).toBeGreaterThan(0);
  }
  const names = new Set(panels.flatMap(metricNamesOf));
  // The three sources: the API (prom-client), the worker (Temporal's runtime), the domain counters.
  for (const name of [
    'http_requests_total',
    'http_request_duration_seconds_bucket',
    'temporal_workflow_task_schedule_to_start_latency_seconds_bucket',
    'temporal_worker_task_slots_used',
    'onboarding_events_total',
    'onboarding_escalations_raised_total',
    'onboarding_cutover_attempts_ended_total',
  ])
    expect(names).toContain(name);
});

it('reads the metric names out of PromQL, not functions, labels or ranges', () => {
  const panel = {
    id: 1,
    type: 'timeseries',
    title: 't',
    gridPos: { h: 1, w: 1, x: 0, y: 0 },
    targets: [
      {
        refId: 'A',
        expr: 'histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{status=~"5.."}[5m]))) / 1e9 + sum(up)',
      },
    ],
  };
  expect(metricNamesOf(panel).sort()).toEqual(['http_request_duration_seconds_bucket', 'up']);
});

it('has a scrape config with the jobs the dashboard reads, the API with an operator key from a file', () => {
  const config = parse(fs.readFileSync(SCRAPE_CONFIG, 'utf8'));
  const jobs = Object.fromEntries(config.scrape_configs.map((j: { job_name: string }) => [j.job_name, j]));
  expect(Object.keys(jobs).sort()).toEqual(['onboarding-api', 'onboarding-worker']);
  expect(jobs['onboarding-api'].authorization).toMatchObject({ type: 'Bearer', credentials_file: expect.any(String) });
  const jobsQueried = dashboardPanels()
    .flatMap((p) => p.targets ?? [])
    .flatMap(({ expr }) => [...expr.matchAll(/job="([^"]+)"/g)].map((m) => m[1]));
  for (const job of jobsQueried) expect(Object.keys(jobs)).toContain(job);
});
