import type { CohortComparison } from '../../src/dashboards/leadership-dashboard';
import { COHORT_PATTERN } from '../../src/domain/cohort';
import {
  type BaselineSide,
  type CohortSide,
  CRITERION_STATUS_WORDS,
  type SuccessCriterion,
} from '../../src/domain/cohort-comparison';
import { ttvComparisonChart } from './charts';
import { daysText, numberText, percentText } from './figures-text';
import { type Html, html } from './html';
import { day } from './layout';
import { table } from './table';

/**
 * The pilot comparison's markup: the sample-size note first (a small pilot is indicative at
 * most), the cohort beside the baseline or another cohort with the counts behind each figure,
 * each tier's TTV as a chart and a table, and the seed's success criteria as a checklist.
 */
export function pilotContent(c: CohortComparison): Html {
  const mine = c.cohort;
  const against = c.against;
  const againstName = against.kind === 'cohort' ? `cohort ${against.cohort}` : 'the baseline';
  return html`${sampleNotes(mine, against)}
    <section id="side-by-side">
      <h2>${mine.cohort} against ${againstName}</h2>
      ${table({
        id: 'comparison',
        head: ['', `Cohort ${mine.cohort}`, against.kind === 'cohort' ? `Cohort ${against.cohort}` : 'Baseline'],
        rows: comparisonRows(mine, against),
      })}
      <p class="muted">As of ${day(c.asOf)}. Each figure with the counts behind it.</p>
    </section>
    ${byTierSection(mine, against, againstName)} ${checklistSection(c.checklist)}
    <section id="compare-again">
      <h2>Compare with</h2>
      <form method="get" action="/pages/dashboards/cohorts/${mine.cohort}" class="filters">
        <label
          >against
          <input
            type="text"
            name="against"
            value="${against.kind === 'cohort' ? against.cohort : 'baseline'}"
            pattern="${COHORT_PATTERN.source.slice(1, -1)}"
        /></label>
        <button type="submit">Compare</button>
        <span class="muted"><code>baseline</code> (each tier's latest) or another cohort</span>
      </form>
      <p>
        <a href="/pages/dashboards/leadership?cohort=${mine.cohort}">This cohort on the leadership dashboard</a>
      </p>
    </section>`;
}

function sampleNotes(mine: CohortSide, against: CohortComparison['against']): Html {
  const notes = [
    mine.sample.note ? { id: 'sample-note', text: `Cohort ${mine.cohort}: ${mine.sample.note}.` } : undefined,
    against.kind === 'cohort' && against.sample.note
      ? { id: 'against-sample-note', text: `Cohort ${against.cohort}: ${against.sample.note}.` }
      : undefined,
  ].filter((n) => n !== undefined);
  return html`${notes.map((n) => html`<p class="notice warn" id="${n.id}">${n.text}</p>`)}`;
}

type Row = { data: string; cells: Array<Html | string> };

function comparisonRows(mine: CohortSide, against: CohortSide | BaselineSide): Row[] {
  const side = (s: CohortSide): Record<string, string> => ({
    onboardings: String(s.onboardings),
    ttvMedian: `${daysText(s.timeToValue.medianDays)} (${s.timeToValue.onboardings} reached value)`,
    ttvP75: daysText(s.timeToValue.p75Days),
    completion: `${percentText(s.completionWithinTarget.share)} (${s.completionWithinTarget.withinTarget} of ${s.completionWithinTarget.decided} decided)`,
    stalled: `${percentText(s.stalled.share)} (${s.stalled.stalled} of ${s.stalled.active} active)`,
    escalations: `${s.escalations.raised} (${numberText(s.escalations.perOnboarding)} per onboarding)`,
    satisfaction:
      s.satisfaction.responses > 0
        ? `${numberText(s.satisfaction.averageScore)} of 5 (${s.satisfaction.responses} responses)`
        : 'no response yet',
  });
  const notAudited = 'not in the audit';
  // The baselines of the cohort's own tiers (every tier's while it has none): what it is measured against.
  const baselines =
    against.kind === 'baseline'
      ? against.byTier.filter((b) => mine.byTier.length === 0 || mine.byTier.some((t) => t.tier === b.tier))
      : [];
  const perTier = (f: (b: BaselineSide['byTier'][number]) => string) =>
    baselines.length > 0 ? html`${baselines.map((b) => html`<div>${b.tier}: ${f(b)}</div>`)}` : 'no baseline entered';
  const other: Record<string, Html | string> =
    against.kind === 'cohort'
      ? side(against)
      : {
          onboardings: perTier((b) => (b.sampleSize === null ? 'sample not given' : `${b.sampleSize} measured`)),
          ttvMedian: perTier((b) => daysText(b.medianTtvDays)),
          ttvP75: notAudited,
          completion: perTier((b) => percentText(b.completionWithinTargetRate)),
          stalled: notAudited,
          escalations: notAudited,
          satisfaction: notAudited,
        };
  const mineText = side(mine);
  const labels: Array<[string, string]> = [
    ['onboardings', 'Onboardings'],
    ['ttvMedian', 'Median time to value'],
    ['ttvP75', 'TTV, 75th percentile'],
    ['completion', 'Completion within target'],
    ['stalled', 'Stalled'],
    ['escalations', 'Escalations raised'],
    ['satisfaction', 'Satisfaction'],
  ];
  return labels.map(([key, label]) => ({
    data: key,
    cells: [html`<strong>${label}</strong>`, mineText[key], other[key]],
  }));
}

function byTierSection(mine: CohortSide, against: CohortSide | BaselineSide, againstName: string): Html {
  const tiers = [
    ...new Set([
      ...mine.byTier.map((t) => t.tier),
      ...(against.kind === 'cohort' ? against.byTier.map((t) => t.tier) : []),
    ]),
  ];
  const rows = tiers.map((tier) => {
    const m = mine.byTier.find((t) => t.tier === tier);
    const o =
      against.kind === 'cohort'
        ? against.byTier.find((t) => t.tier === tier)
        : against.byTier.find((b) => b.tier === tier);
    const ttvAgainst = !o ? null : 'medianTtvDays' in o ? o.medianTtvDays : o.ttvMedianDays;
    const completionAgainst = !o
      ? null
      : 'completionWithinTargetRate' in o
        ? o.completionWithinTargetRate
        : o.completionWithinTargetShare;
    const source = !o
      ? against.kind === 'baseline'
        ? 'no baseline for this tier'
        : 'none in that cohort'
      : 'enteredBy' in o
        ? `entered by ${o.enteredBy} on ${day(o.enteredAt)}`
        : `${o.onboardings} onboardings`;
    return { tier, mine: m?.ttvMedianDays ?? null, against: ttvAgainst, m, completionAgainst, source };
  });
  const short = against.kind === 'cohort' ? against.cohort : 'baseline';
  return html`<section id="by-tier">
    <h2>By tier</h2>
    ${table({
      id: 'by-tier-table',
      head: [
        'Tier',
        'Onboardings',
        'Median TTV',
        `Median TTV, ${short}`,
        'Completion within target',
        `Completion, ${short}`,
        'Compared with',
      ],
      rows: rows.map((r) => ({
        data: r.tier,
        cells: [
          r.tier,
          String(r.m?.onboardings ?? 0),
          `${daysText(r.mine)} (${r.m?.ttvOnboardings ?? 0} reached value)`,
          daysText(r.against),
          percentText(r.m?.completionWithinTargetShare),
          percentText(r.completionAgainst),
          r.source,
        ],
      })),
      empty: 'No onboarding in this cohort yet.',
    })}
    ${
      rows.length > 0
        ? html`<div class="chart" id="tier-chart">
            ${ttvComparisonChart(rows, { mine: mine.cohort, against: againstName })}
          </div>`
        : ''
    }
  </section>`;
}

function checklistSection(checklist: SuccessCriterion[]): Html {
  return html`<section id="checklist">
    <h2>Pilot success criteria</h2>
    <ul class="checklist">
      ${checklist.map(
        (c) =>
          html`<li data-status="${c.status}">
            <span class="tag ${c.status}">${CRITERION_STATUS_WORDS[c.status]}</span>
            <strong>${c.criterion}</strong>
            <div class="muted">${c.why}</div>
          </li>`,
      )}
    </ul>
  </section>`;
}
