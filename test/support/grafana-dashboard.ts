import * as fs from 'node:fs';
import * as path from 'node:path';

export const DASHBOARD_FILE = path.resolve(__dirname, '../../deploy/grafana/onboarding-dashboard.json');

export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Array<{ refId: string; expr: string }>;
}

/** The dashboard's panels with queries (rows excluded). */
export function dashboardPanels(): Panel[] {
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD_FILE, 'utf8')) as { panels: Panel[] };
  return dashboard.panels.filter((p) => p.type !== 'row');
}

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
]);

/**
 * The metric names a panel's PromQL queries read: identifiers outside label matchers, ranges,
 * grouping clauses and strings that are not function calls or keywords.
 */
export function metricNamesOf(panel: Panel): string[] {
  const names = new Set<string>();
  for (const { expr } of panel.targets ?? []) {
    const bare = expr
      .replace(/"[^"]*"/g, '')
      .replace(/\{[^}]*\}/g, ' ')
      .replace(/\[[^\]]*\]/g, ' ')
      .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ');
    for (const [, name] of bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g))
      if (!PROMQL_WORDS.has(name) && !/^(e\d+|Inf|NaN)$/.test(name)) names.add(name);
  }
  return [...names];
}
