import type { ReportChart } from './summary-charts';
import type { SummaryReport } from '../domain/summary-report';

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
    ...report.sections.flatMap((s) => ['', s.title.toUpperCase(), ...list(s.lines.map((l) => `- ${l}`))]),
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
    ...report.sections.map(
      (s) => `<h2>${esc(s.title)}</h2><ul>${s.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`,
    ),
    '</body></html>',
  ].join('\n');
}

function list(lines: string[]): string[] {
  return lines.length > 0 ? lines : ['(none)'];
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
