import type { LeadershipFigures } from '../dashboards/leadership-dashboard';
import type { RedFlag, RedFlagThresholds } from '../domain/red-flags';
import type { ReportSection } from '../domain/summary-report';
import type { ReportSectionSource } from './compile-summary';
import { days, percent } from './figures-text';
import { reportDashboard } from './report-dashboard';

/**
 * The program's red flags as they stand when the report is compiled, computed by the leadership
 * dashboard itself (the same figures and thresholds leadership sees there): one line per flag
 * raised, with its figure, the counts behind it and the threshold; one line when none is.
 *
 * Over the whole program, not the report's period: the dashboard's period filters on closed-won,
 * so a week would judge only the onboardings that began in it, most with nothing decided yet
 * (no TTV, no completion), and the seed's flags are about the program (its monthly review).
 */
export function redFlagsSection(opts: { thresholds: RedFlagThresholds }): ReportSectionSource {
  return async (dataSource, _period, now) => {
    const dashboard = reportDashboard(dataSource, opts.thresholds);
    return redFlagLines(await dashboard.figures({}, now));
  };
}

export function redFlagLines(figures: LeadershipFigures): ReportSection {
  const { redFlags, thresholds } = figures;
  const unjudged = figures.timeToValue.byTier
    .filter((t) => t.median !== null && !figures.baselines.some((b) => b.tier === t.tier))
    .map((t) => t.tier);
  const noBaseline = unjudged.length
    ? [`TTV not judged for ${unjudged.join(', ')}: no baseline entered (CS Ops enters it on the dashboard)`]
    : [];
  const asOf = `As of ${figures.asOf}, over the whole program (${figures.onboardings.active} active, ${figures.onboardings.completed} completed).`;
  if (redFlags.length === 0) {
    const c = figures.completionWithinTarget;
    const s = figures.stalled;
    return {
      key: 'red-flags',
      title: 'Red flags',
      lines: [
        `None raised. ${asOf} Completion within target: ${percent(c.share)} (minimum ${percent(thresholds.completionMin)}); ` +
          `stalled: ${s.share === null ? 'no data' : `${percent(s.share)} of active`} (maximum ${percent(thresholds.stalledMax)}); ` +
          `no tier's median TTV more than ${percent(thresholds.ttvOverBaseline)} above its baseline.`,
        ...noBaseline,
      ],
    };
  }
  return {
    key: 'red-flags',
    title: `Red flags (${redFlags.length} raised)`,
    alert: true,
    lines: [...redFlags.map((flag) => flagLine(flag, figures)), asOf, ...noBaseline],
  };
}

/** What is flagged, its figure with the counts behind it, and the threshold it crossed. */
function flagLine(flag: RedFlag, figures: LeadershipFigures): string {
  const t = figures.thresholds;
  switch (flag.kind) {
    case 'completion-within-target': {
      const c = figures.completionWithinTarget;
      return `Completion within target is ${percent(flag.value)} (${c.withinTarget} of ${c.decided} decided onboardings), under the ${percent(flag.threshold)} minimum`;
    }
    case 'ttv-over-baseline': {
      const tier = figures.timeToValue.byTier.find((x) => x.tier === flag.tier);
      const baseline = figures.baselines.find((b) => b.tier === flag.tier);
      return (
        `${flag.tier} median TTV is ${days(flag.value)} (${tier?.n ?? 0} reached value), over the limit of ${days(flag.threshold)}: ` +
        `more than ${percent(t.ttvOverBaseline)} above its baseline of ${days(baseline?.medianTtvDays ?? null)}`
      );
    }
    case 'stalled': {
      const s = figures.stalled;
      return `${percent(flag.value)} of active onboardings are stalled (${s.stalled} of ${s.active}), over the ${percent(flag.threshold)} maximum`;
    }
  }
}
