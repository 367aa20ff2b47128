import type { LeadershipFigures } from '../../src/dashboards/leadership-dashboard';
import type { TtvBucket } from '../../src/domain/dashboard-figures';
import type { RedFlagThresholds } from '../../src/domain/red-flags';
import { SEGMENTS, TIERS } from '../../src/domain/segment';
import { stageMediansChart, ttvHistogramChart } from './charts';
import { changeText, daysText, numberText, percentText } from './figures-text';
import { type Html, html } from './html';
import { moment } from './layout';
import { table } from './table';

/** What the filter form shows: the values as given (also when refused, to correct them). */
export type FilterValues = Partial<Record<'tier' | 'segment' | 'cohort' | 'csm' | 'from' | 'to', string>>;

/**
 * The leadership dashboard's markup: the filter form, the red flags, the headline figures, then
 * each figure's chart and table. Every chart's figures are in a table beside it.
 */
export function leadershipContent(f: LeadershipFigures): Html {
  return html`${redFlagsSection(f.redFlags, f.thresholds)}
    <section id="headline">
      <h2>Onboardings selected</h2>
      <div class="figures">
        ${figure('started', 'Started', String(f.onboardings.started), 'closed-won in the period')}
        ${figure('active', 'Active', String(f.onboardings.active), 'not yet completed')}
        ${figure('completed', 'Completed', String(f.onboardings.completed), 'journey finished')}
        ${figure('ttv-median', 'Median time to value', daysText(f.timeToValue.medianDays), `${f.timeToValue.onboardings} reached first value`)}
        ${figure('ttv-p75', 'TTV, 75th percentile', daysText(f.timeToValue.p75Days), 'three in four reached it by then')}
        ${figure(
          'completion',
          'Completion within target',
          percentText(f.completionWithinTarget.share),
          `${f.completionWithinTarget.withinTarget} of ${f.completionWithinTarget.decided} met every milestone on time`,
        )}
        ${figure(
          'milestones',
          'Milestones within target',
          percentText(f.milestoneCompletionWithinTarget.share),
          `${f.milestoneCompletionWithinTarget.met} met, ${f.milestoneCompletionWithinTarget.missed} missed`,
        )}
        ${figure('stalled', 'Stalled', percentText(f.stalled.share), `${f.stalled.stalled} of ${f.stalled.active} active`)}
        ${figure('at-risk', 'At risk', String(f.atRisk.count), 'active onboardings with a risk signal')}
      </div>
    </section>
    ${ttvSection(f)} ${stagesSection(f)}
    <div class="grid">
      <section id="escalations">
        <h2>Escalations by level</h2>
        ${table({
          id: 'escalations-table',
          head: ['Level', 'Escalations'],
          rows: [
            { data: 'level1', cells: ['1', f.escalationsByLevel.level1] },
            { data: 'level2', cells: ['2', f.escalationsByLevel.level2] },
            { data: 'level3Plus', cells: ['3 and above', f.escalationsByLevel.level3Plus] },
          ],
        })}
      </section>
      <section id="at-risk-reasons">
        <h2>At risk: top reasons</h2>
        ${table({
          id: 'at-risk-table',
          head: ['Reason', 'Active onboardings'],
          rows: f.atRisk.topReasons.map((r) => ({ data: r.reason, cells: [r.reason, r.count] })),
          empty: 'No active onboarding is at risk.',
        })}
      </section>
    </div>
    ${baselinesSection(f)}`;
}

function figure(id: string, label: string, value: string, note: string): Html {
  return html`<div class="figure" id="fig-${id}">
    <span class="label">${label}</span>
    <span class="value">${value}</span>
    <span class="note muted">${note}</span>
  </div>`;
}

function redFlagsSection(flags: LeadershipFigures['redFlags'], t: RedFlagThresholds): Html {
  const rules = `completion within target under ${percentText(t.completionMin)}; a tier's median TTV more than ${percentText(
    t.ttvOverBaseline,
  )} above its baseline; more than ${percentText(t.stalledMax)} of active onboardings stalled`;
  return html`<section id="red-flags">
    <h2>Red flags</h2>
    ${
      flags.length === 0
        ? html`<p class="no-flag">No red flag for this selection.</p>`
        : flags.map(
            (flag) =>
              html`<p class="flag" role="alert" data-kind="${flag.kind}">
                <strong>Red flag:</strong> ${flag.message}
                <span class="muted"
                  >(threshold
                  ${flag.kind === 'ttv-over-baseline' ? daysText(flag.threshold) : percentText(flag.threshold)})</span
                >
              </p>`,
          )
    }
    <p class="muted">Raised when: ${rules}.</p>
  </section>`;
}

function bucketLabel(b: TtvBucket): string {
  return b.toDay === null ? `${b.fromDay}+` : `${b.fromDay}–${b.toDay - 1}`;
}

function ttvSection(f: LeadershipFigures): Html {
  const ttv = f.timeToValue;
  return html`<section id="ttv">
    <h2>Time to value</h2>
    <p class="muted">
      Days from closed-won to the first-value milestone. ${ttv.withinTarget} of ${ttv.onboardings}
      (${percentText(ttv.withinTargetShare)}) reached it within their playbook's target.
    </p>
    ${table({
      id: 'ttv-by-tier',
      caption: "Each tier against its playbook's target and its pre-program baseline",
      head: ['Tier', 'Reached value', 'Median', '75th percentile', 'Target', 'Baseline median', 'Against baseline'],
      rows: ttv.byTier.map((t) => {
        const baseline = f.baselines.find((b) => b.tier === t.tier);
        const against =
          baseline && t.median !== null
            ? changeText((t.median - baseline.medianTtvDays) / baseline.medianTtvDays)
            : '—';
        return {
          data: t.tier,
          cells: [
            t.tier,
            t.n,
            daysText(t.median),
            daysText(t.p75),
            daysText(t.targetDays),
            baseline ? daysText(baseline.medianTtvDays) : 'not entered',
            against,
          ],
        };
      }),
      empty: 'No onboarding selected.',
    })}
    <div class="grid">
      <div class="chart" id="ttv-chart">
        ${ttvHistogramChart(ttv.histogram.map((b) => ({ label: bucketLabel(b), count: b.count })))}
      </div>
      ${table({
        id: 'ttv-distribution',
        caption: 'Onboardings by days to first value',
        head: ['Days', 'Onboardings'],
        rows: ttv.histogram.map((b) => ({ data: String(b.fromDay), cells: [bucketLabel(b), b.count] })),
        className: 'compact',
      })}
    </div>
  </section>`;
}

function stagesSection(f: LeadershipFigures): Html {
  return html`<section id="stages">
    <h2>Median duration of each stage</h2>
    <div class="grid">
      ${
        f.stageDurations.length > 0
          ? html`<div class="chart" id="stage-chart">${stageMediansChart(f.stageDurations)}</div>`
          : ''
      }
      ${table({
        id: 'stage-table',
        head: ['Stage', 'Onboardings through it', 'Median days'],
        rows: f.stageDurations.map((s) => ({ data: s.stage, cells: [s.stage, s.visits, numberText(s.medianDays)] })),
        empty: 'No stage finished yet.',
      })}
    </div>
  </section>`;
}

function baselinesSection(f: LeadershipFigures): Html {
  return html`<section id="baselines">
    <h2>Baselines</h2>
    <p class="muted">
      The pre-program figures of the current-state audit, entered by CS Ops; the latest version counts.
    </p>
    ${table({
      id: 'baselines-table',
      head: [
        'Tier',
        'Median TTV',
        'Completion within target',
        'Sample',
        'Version',
        'Entered by',
        'Entered at',
        'Notes',
      ],
      rows: f.baselines.map((b) => ({
        data: b.tier,
        cells: [
          b.tier,
          daysText(b.medianTtvDays),
          percentText(b.completionWithinTargetRate),
          b.sampleSize ?? '—',
          b.version,
          b.enteredBy,
          moment(b.enteredAt),
          b.notes ?? '',
        ],
      })),
      empty: 'No baseline entered yet (PUT /dashboards/baseline/:tier, CS Ops).',
    })}
  </section>`;
}

/** GET, so a filtered dashboard is a link to share; no script needed. */
export function filterForm(values: FilterValues): Html {
  const option = (value: string, selected: string | undefined, label = value) =>
    html`<option value="${value}" ${value === (selected ?? '') ? html`selected` : ''}>${label}</option>`;
  return html`<form method="get" action="/pages/dashboards/leadership" class="filters" id="filters">
    <label
      >Tier
      <select name="tier">
        ${option('', values.tier, 'any')} ${TIERS.map((t) => option(t, values.tier))}
      </select></label
    >
    <label
      >Segment
      <select name="segment">
        ${option('', values.segment, 'any')} ${SEGMENTS.map((s) => option(s, values.segment))}
      </select></label
    >
    <label>Cohort <input type="text" name="cohort" value="${values.cohort ?? ''}" placeholder="pilot-2027q1" /></label>
    <label>CSM id <input type="text" name="csm" value="${values.csm ?? ''}" /></label>
    <label>Closed-won from (UTC) <input type="date" name="from" value="${values.from ?? ''}" /></label>
    <label>to (exclusive) <input type="date" name="to" value="${values.to ?? ''}" /></label>
    <button type="submit">Apply</button>
    <a href="/pages/dashboards/leadership">Clear</a>
  </form>`;
}

/** To the pilot comparison: a GET form, sent on to /pages/dashboards/cohorts/<cohort>. */
export function compareForm(cohort: string | undefined): Html {
  return html`<section id="compare">
    <h2>Compare a cohort</h2>
    <form method="get" action="/pages/dashboards/cohorts" class="filters">
      <label
        >Cohort <input type="text" name="cohort" value="${cohort ?? ''}" placeholder="pilot-2027q1" required
      /></label>
      <label
        >against
        <input type="text" name="against" value="baseline" />
      </label>
      <button type="submit">Compare</button>
      <span class="muted">against: <code>baseline</code> (each tier's latest) or another cohort</span>
    </form>
  </section>`;
}
