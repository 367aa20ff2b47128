/**
 * The weekly summary's red-flags and pilot-progress sections over a database of this file's own:
 * facts written by the projection's own writer, the figures the leadership dashboard computes
 * from them, and the lines (and HTML) the report makes of them.
 */
import { DataSource } from 'typeorm';
import type { DashboardFacts } from '../../src/domain/dashboard-facts';
import { DEFAULT_RED_FLAG_THRESHOLDS } from '../../src/domain/red-flags';
import { reportPeriod } from '../../src/domain/report-period';
import type { Tier } from '../../src/domain/segment';
import { BaselineStore } from '../../src/persistence/baseline-store';
import { writeDashboardFacts } from '../../src/persistence/dashboard-facts-store';
import { dataSourceOptions } from '../../src/persistence/data-source';
import { PlaybookStore } from '../../src/playbooks/playbook-store';
import { compileSummary } from '../../src/reports/compile-summary';
import { pilotProgressSection } from '../../src/reports/pilot-progress-section';
import { redFlagsSection } from '../../src/reports/red-flags-section';
import { summaryHtml, summaryText } from '../../src/reports/summary-rendering';
import { createOwnDatabase, type OwnDatabase } from '../support/own-database';

let db: OwnDatabase;
let dataSource: DataSource;

const now = new Date('2027-02-08T06:05:00Z');
const period = reportPeriod('weekly', new Date('2027-02-08T06:00:00Z'), 'Europe/Berlin');
const daysBefore = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString();
const thresholds = DEFAULT_RED_FLAG_THRESHOLDS;

interface Fact {
  id: string;
  tier?: Tier;
  cohort?: string | null;
  closedWonAt?: string;
  status?: 'in-progress' | 'completed' | 'handoff-incomplete';
  stalled?: boolean;
  /** TTV days; null: value not reached yet. */
  ttv?: number | null;
  /** Every milestone met on time, or one missed. */
  withinTarget?: boolean;
}

async function insert(facts: Fact[]): Promise<void> {
  for (const f of facts) {
    const tier = f.tier ?? 'tech-touch';
    const met = f.withinTarget === false ? 2 : 4;
    const body: DashboardFacts = {
      ttvDays: f.ttv === undefined ? 20 : f.ttv,
      ttvTargetDays: 30,
      milestonesTotal: 4,
      milestonesMet: met,
      milestonesMissed: 4 - met > 0 ? 1 : 0,
      milestonesAchieved: met,
      milestonesOverdue: 4 - met > 0 ? 1 : 0,
      escalationsByLevel: [0, 0, 0],
      atRiskKinds: f.stalled ? ['stalled'] : [],
      automationFailures: 0,
      stageDurations: [],
    };
    await writeDashboardFacts(
      dataSource.manager,
      {
        onboardingId: f.id,
        tier,
        segment: tier === 'high-touch' ? 'enterprise' : tier === 'tech-touch' ? 'mid-market' : 'smb',
        cohort: f.cohort ?? null,
        csmId: null,
        closedWonAt: f.closedWonAt ?? '2026-10-01T00:00:00Z',
        status: f.status ?? 'in-progress',
        stalled: f.stalled ?? false,
        playbookVersion: 1,
        asOf: now,
      },
      body,
    );
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

beforeAll(async () => {
  db = await createOwnDatabase('report_sections');
  dataSource = await new DataSource(dataSourceOptions(db.url)).initialize();
  // The dashboard draws TTV against each tier's playbook target: the API seeds them at start.
  await new PlaybookStore(dataSource).seedDefaults();
  await new BaselineStore(dataSource).enter(
    'tech-touch',
    { medianTtvDays: 30, completionWithinTargetRate: 0.55, sampleSize: 80, notes: null },
    'test',
  );
  await new BaselineStore(dataSource).enter(
    'high-touch',
    { medianTtvDays: 50, completionWithinTargetRate: 0.5, sampleSize: 40, notes: null },
    'test',
  );
});

afterAll(async () => {
  await dataSource?.destroy();
  await db?.drop();
});

describe('the red-flags section', () => {
  it('says none is raised, with the figures checked, for a healthy program', async () => {
    // 10 running: 1 stalled (10%), 7 of 10 within target (70%), median TTV 20 against 30.
    await insert(range(10).map((i) => ({ id: `healthy-${i}`, stalled: i === 0, withinTarget: i < 7 })));
    const section = await redFlagsSection({ thresholds })(dataSource, period, now);
    expect(section).toEqual({
      key: 'red-flags',
      title: 'Red flags',
      lines: [
        'None raised. As of 2027-02-08T06:05:00.000Z, over the whole program (10 active, 0 completed). ' +
          'Completion within target: 70% (minimum 60%); stalled: 10% of active (maximum 15%); ' +
          "no tier's median TTV more than 20% above its baseline.",
      ],
    });
  });

  it('writes one line per flag raised with its figure, the counts and the threshold, in red in the HTML', async () => {
    // 10 more, all stalled, none within target, TTV 60: 7 of 20 within (35%), 11 of 20 stalled, median 40 against 30.
    await insert(range(10).map((i) => ({ id: `troubled-${i}`, stalled: true, withinTarget: false, ttv: 60 })));
    const section = await redFlagsSection({ thresholds })(dataSource, period, now);
    expect(section.title).toBe('Red flags (3 raised)');
    expect(section.alert).toBe(true);
    expect(section.lines.slice(0, 3)).toEqual([
      'Completion within target is 35% (7 of 20 decided onboardings), under the 60% minimum',
      'tech-touch median TTV is 40 days (20 reached value), over the limit of 36 days: more than 20% above its baseline of 30 days',
      '55% of active onboardings are stalled (11 of 20), over the 15% maximum',
    ]);

    // The thresholds are the settings' (RED_FLAG_*): looser ones raise fewer flags.
    const loose = await redFlagsSection({ thresholds: { completionMin: 0.3, ttvOverBaseline: 0.5, stalledMax: 0.6 } })(
      dataSource,
      period,
      now,
    );
    expect(loose.alert).toBeUndefined();
    expect(loose.lines[0]).toMatch(/^None raised\. .*Completion within target: 35% \(minimum 30%\)/);

    const report = await compileSummary(dataSource, period, {
      now,
      sectionSources: [redFlagsSection({ thresholds })],
    });
    expect(summaryText(report)).toContain(
      'RED FLAGS (3 RAISED)\n! Completion within target is 35% (7 of 20 decided onboardings), under the 60% minimum\n',
    );
    expect(summaryHtml(report, [])).toContain(
      '<li style="color:#b00020;font-weight:bold">55% of active onboardings are stalled (11 of 20), over the 15% maximum</li>',
    );
  });
});

describe('the pilot-progress section', () => {
  it('says so when no cohort has an onboarding in flight', async () => {
    await insert(range(3).map((i) => ({ id: `done-${i}`, cohort: 'pilot-done', status: 'completed' as const })));
    const section = await pilotProgressSection({ thresholds })(dataSource, period, now);
    expect(section).toEqual({
      key: 'pilot-progress',
      title: 'Pilot progress',
      lines: ['No cohort has an onboarding in flight.'],
    });
  });

  it('lists each cohort in flight against the baseline: counts, TTV, completion, stalls, sample note, checklist', async () => {
    // Six high-touch, two completed; TTV 30-33 for four (within the 50-day baseline), two not yet
    // reached 20 days after closed-won (not past it); 3 of 6 within target; 1 of 4 running stalled.
    await insert(
      range(6).map((i) => ({
        id: `pilot-${i}`,
        tier: 'high-touch' as const,
        cohort: 'pilot-q1',
        closedWonAt: daysBefore(40 - i),
        status: i < 2 ? ('completed' as const) : ('in-progress' as const),
        stalled: i === 5,
        ttv: i < 4 ? 30 + i : null,
        withinTarget: i < 3,
      })),
    );
    // A newer self-service pilot of two, whose tier has no baseline.
    await insert(
      range(2).map((i) => ({
        id: `ss-${i}`,
        tier: 'self-service' as const,
        cohort: 'pilot-ss',
        closedWonAt: daysBefore(3),
        ttv: null,
      })),
    );

    const section = await pilotProgressSection({ thresholds })(dataSource, period, now);
    expect(section.lines).toEqual([
      '2 cohort(s) in flight, each against the latest baseline, as of 2027-02-08T06:05:00.000Z.',
    ]);
    expect(section.groups?.map((g) => g.heading)).toEqual([
      'pilot-ss: 2 onboarding(s), 2 in flight, 0 completed',
      'pilot-q1: 6 onboarding(s), 4 in flight, 2 completed',
    ]);
    expect(section.groups?.[1].lines).toEqual([
      'Small sample: 6 onboardings: indicative only (5 to 10)',
      'Median TTV: high-touch 31.5 days (4 reached value) vs baseline 50 days',
      'Completion within target: 50% (3 of 6 decided) vs baseline high-touch 50%',
      'Stalled: 1 of 4 active (25%)',
      'Met: Every pilot onboarding entered its playbook (all 6 onboardings started their journey)',
      'Met: Milestone tracking updated accurately (every onboarding with a milestone due has milestones recorded)',
      'Met: No critical automation failure (no projection, audit entry or message was refused for good)',
      'Met: Pilot TTV on track to beat baseline (high-touch: 4 within, 0 past, of 6)',
      'Unknown: CSMs report confidence in the new process (asked of CSMs at the pilot office hours; not recorded by this service)',
    ]);
    expect(section.groups?.[0].lines).toEqual(
      expect.arrayContaining([
        'Small sample: 2 onboarding(s): too few to conclude from (fewer than 5)',
        'Median TTV: self-service no data (0 reached value) vs baseline not entered',
        'Unknown: Pilot TTV on track to beat baseline (no baseline for self-service)',
      ]),
    );

    const report = await compileSummary(dataSource, period, {
      now,
      sectionSources: [pilotProgressSection({ thresholds })],
    });
    expect(summaryText(report)).toContain(
      '- pilot-q1: 6 onboarding(s), 4 in flight, 2 completed\n    Small sample: 6 onboardings: indicative only (5 to 10)\n',
    );
    expect(summaryHtml(report, [])).toContain('<h3>pilot-q1: 6 onboarding(s), 4 in flight, 2 completed</h3><ul><li>');
  });

  it('bounds the cohorts listed and says how many were left out', async () => {
    const section = await pilotProgressSection({ thresholds, limit: 1 })(dataSource, period, now);
    expect(section.groups?.map((g) => g.heading)).toEqual(['pilot-ss: 2 onboarding(s), 2 in flight, 0 completed']);
    expect(section.lines).toContain(
      "2 cohorts are in flight; the 1 most recently started are listed, the others are on the dashboard's cohort comparison.",
    );
  });
});
