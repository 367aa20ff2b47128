import type { ReportChart } from './summary-charts';
import type { ReportSection, SummaryReport } from '../domain/summary-report';

/** The report's subject line: kind, period and the count a reader acts on. */
export function summarySubject(report: SummaryReport): string {
  const kind = report.period.kind === 'weekly' ? 'Weekly' : 'Monthly';
  return `${kind} onboarding summary ${report.period.label}: ${report.blockers.length} open blocker(s)`;
}

/** The plain-text part: the same content as the HTML, for clients that show no HTML. */
export function summaryText(report: SummaryReport): string {
  const { counts } = report;
  const lines = [
    summarySubject(report),
    `Period: ${report.period.start} to ${report.period.end} (${report.period.timeZone})`,
    '',
    `Started: ${counts.started}   Completed: ${counts.completed}   Active: ${counts.active}   At risk: ${counts.atRisk}   Stalled: ${counts.stalled}`,
    '',
    `OPEN BLOCKERS (${report.blockers.length})`,
    ...list(
      report.blockers.map(
        (b) =>
          `- ${b.accountName} [${b.onboardingId}]: ${b.description}\n` +
          `  Decision owner: ${b.owner}, due ${b.decisionDueDate}${b.daysOverdue > 0 ? ` (${b.daysOverdue} day(s) overdue)` : ''}\n` +
          `  Expected customer impact: ${b.expectedImpact}`,
      ),
    ),
    '',
    `ESCALATIONS RAISED (${report.escalations.length})`,
    ...list(
      report.escalations.map(
        (e) =>
          `- ${e.accountName} [${e.onboardingId}]: ${e.subject}, level ${e.level} to ${e.notify}` +
          `${e.closed ? ', closed' : e.acknowledged ? ', acknowledged' : ', open'}`,
      ),
    ),
    '',
    `STALLS (${report.stalls.length})`,
    ...list(
      report.stalls.map(
        (s) =>
          `- ${s.accountName} [${s.onboardingId}] in ${s.stage} since ${s.stalledSince}, waiting on ${s.waitingOn}`,
      ),
    ),
    ...report.sections.flatMap(sectionText),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The HTML part. Every value from the read model is escaped (account names and descriptions are
 * typed by people); charts are `<img>` whose source `imageSrc` gives (a `cid:` in the mail).
 */
export function summaryHtml(
  report: SummaryReport,
  charts: ReportChart[],
  imageSrc: (chart: ReportChart) => string = (chart) => `cid:${chart.cid}`,
): string {
  const { counts } = report;
  const table = (headers: string[], rows: string[][]) =>
    rows.length === 0
      ? '<p>None.</p>'
      : `<table cellpadding="4" cellspacing="0" border="1" style="border-collapse:collapse">` +
        `<tr>${headers.map((h) => `<th align="left">${esc(h)}</th>`).join('')}</tr>` +
        rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('') +
        `</table>`;
  return [
    '<!doctype html><html><body style="font-family:Arial,sans-serif">',
    `<h1>${esc(summarySubject(report))}</h1>`,
    `<p>${esc(`${report.period.start} to ${report.period.end} (${report.period.timeZone})`)}</p>`,
    `<p>${esc(`Started ${counts.started} · Completed ${counts.completed} · Active ${counts.active} · At risk ${counts.atRisk} · Stalled ${counts.stalled}`)}</p>`,
    ...charts.map(
      (c) => `<h2>${esc(c.title)}</h2><img src="${esc(imageSrc(c))}" alt="${esc(c.title)}" width="640" height="280">`,
    ),
    `<h2>Open blockers (${report.blockers.length})</h2>`,
    table(
      ['Account', 'Blocker', 'Decision owner', 'Due', 'Expected customer impact'],
      report.blockers.map((b) => [
        b.accountName,
        b.description,
        b.owner,
        b.daysOverdue > 0 ? `${b.decisionDueDate} (${b.daysOverdue} d overdue)` : b.decisionDueDate,
        b.expectedImpact,
      ]),
    ),
    `<h2>Escalations raised (${report.escalations.length})</h2>`,
    table(
      ['Account', 'Subject', 'Level', 'To', 'State'],
      report.escalations.map((e) => [
        e.accountName,
        e.subject,
        String(e.level),
        e.notify,
        e.closed ? 'closed' : e.acknowledged ? 'acknowledged' : 'open',
      ]),
    ),
    `<h2>Stalls (${report.stalls.length})</h2>`,
    table(
      ['Account', 'Stage', 'Stalled since', 'Waiting on'],
      report.stalls.map((s) => [s.accountName, s.stage, s.stalledSince, s.waitingOn]),
    ),
    ...report.sections.map(sectionHtml),
    '</body></html>',
  ].join('\n');
}

/** A section's lines, then each group's heading with its lines indented under it; alerts marked `!`. */
function sectionText(s: ReportSection): string[] {
  const groups = s.groups ?? [];
  const lines = s.lines.map((l) => `${s.alert ? '!' : '-'} ${l}`);
  return [
    '',
    s.title.toUpperCase(),
    ...(groups.length > 0 ? lines : list(lines)),
    ...groups.flatMap((g) => [`- ${g.heading}`, ...g.lines.map((l) => `    ${l}`)]),
  ];
}

const ALERT_STYLE = 'color:#b00020;font-weight:bold';

/** Alerts (red flags raised) in bold red, so they stand out in the mail; each group under its own heading. */
function sectionHtml(s: ReportSection): string {
  const item = (l: string) => (s.alert ? `<li style="${ALERT_STYLE}">${esc(l)}</li>` : `<li>${esc(l)}</li>`);
  const lines = s.lines.length > 0 ? `<ul>${s.lines.map(item).join('')}</ul>` : s.groups?.length ? '' : '<p>None.</p>';
  const groups = (s.groups ?? []).map(
    (g) => `<h3>${esc(g.heading)}</h3><ul>${g.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`,
  );
  return `<h2${s.alert ? ` style="color:#b00020"` : ''}>${esc(s.title)}</h2>${lines}${groups.join('')}`;
}

function list(lines: string[]): string[] {
  return lines.length > 0 ? lines : ['(none)'];
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
