import type { FieldError } from '../common/problem-details';
import type { Playbook } from '../../src/domain/playbook';
import type { JourneyPreview } from '../../src/domain/preview';
import type { PreviewEvent, PreviewEventKind } from '../../src/domain/preview-timeline';
import { TIERS } from '../../src/domain/segment';
import type { JourneyMapDocument } from '../playbooks/playbook-preview.service';
import { type Html, html } from './html';
import { moment } from './layout';
import type { formValuesOf } from './preview-form';

/** The journey map's renderer, served by this API (script-src 'self'); the version in the path busts caches. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const MERMAID_SCRIPT = `/pages/assets/mermaid-${(require('mermaid/package.json') as { version: string }).version}.min.js`;
export const JOURNEY_MAP_SCRIPT = '/pages/assets/journey-map.js';

const KIND_WORDS: Record<PreviewEventKind, string> = {
  reminder: 'Reminder',
  escalation: 'Escalation',
  'escalation-acknowledged': 'Escalation acknowledged',
  'stall-started': 'Stall starts',
  'stall-ended': 'Stall ends',
  'milestone-missed': 'Milestone missed',
  'milestone-achieved': 'Milestone achieved',
  'stage-entered': 'Stage entered',
  'gate-waiting': 'Gate waiting',
  'gate-approved': 'Gate approved',
  'task-completed': 'Task completed',
  'handoff-completed': 'Handoff completed',
  'csm-assigned': 'CSM assigned',
  completed: 'Onboarding completed',
};
const ALARMING = new Set<PreviewEventKind>(['escalation', 'stall-started', 'milestone-missed']);

const OUTCOME_WORDS: Record<JourneyPreview['outcome'], string> = {
  completed: 'The onboarding completes',
  open: 'Still open at the horizon',
  'cut-short': 'Cut short: the scenario raised too much to preview (see the last events)',
};

/** Which playbook is previewed: a published version (GET form), or a draft definition (POST form). */
export type PreviewSubject =
  | { kind: 'published'; playbook: Playbook }
  | { kind: 'draft'; playbook?: Playbook; definitionText: string; csrfToken: string };

export interface PreviewPageInput {
  subject: PreviewSubject;
  form: ReturnType<typeof formValuesOf>;
  /** The preview, unless the request was refused. */
  preview?: JourneyPreview;
  map?: JourneyMapDocument;
  /** The refusal's fields, each with its path (`scenario.horizonDays`, `definition.tasks[2].stage`). */
  errors?: FieldError[];
}

export function previewPageContent(input: PreviewPageInput): Html {
  const { subject, preview, map, errors } = input;
  const playbook = subject.playbook;
  return html`${otherTiers(subject)} ${errors && errors.length > 0 ? refusal(errors) : ''} ${scenarioForm(input)}
  ${preview ? summary(preview) : ''} ${preview ? timeline(preview) : ''}
  ${map && playbook ? journeyMapSection(map, subject) : ''}`;
}

function otherTiers(subject: PreviewSubject): Html {
  return html`<p class="muted">
    ${
      subject.kind === 'published'
        ? html`The published playbook, version ${subject.playbook.version}. Computed by the workflow's own rules on a
          virtual clock: nothing is sent, nothing waits.`
        : html`A draft definition, not published. Computed by the workflow's own rules on a virtual clock.`
    }
    Preview: ${TIERS.map((t) => html`<a href="/pages/playbooks/${t}/preview">${t}</a> `)} ·
    <a href="/pages/playbooks/${subject.playbook?.tier ?? TIERS[0]}/draft">a draft definition</a>
  </p>`;
}

function refusal(errors: FieldError[]): Html {
  return html`<div class="notice refused" role="alert" id="preview-errors">
    <p>The preview was refused:</p>
    <ul>
      ${errors.map((e) => html`<li><code>${e.path}</code>: ${e.message}</li>`)}
    </ul>
  </div>`;
}

function checkboxes(name: string, items: Array<{ key: string; name: string }>, ticked: string[]): Html {
  if (items.length === 0) return html`<span class="muted">none in this playbook</span>`;
  return html`${items.map(
    (i) =>
      html`<label class="choice"
        ><input type="checkbox" name="${name}" value="${i.key}" ${ticked.includes(i.key) ? html`checked` : ''} />
        ${i.name} <span class="muted">(${i.key})</span></label
      >`,
  )}`;
}

function scenarioForm({ subject, form }: PreviewPageInput): Html {
  const playbook = subject.playbook;
  const fields = html`<fieldset>
    <legend>What differs from a team that does everything on time</legend>
    <p>
      <label
        >Handoff arrives
        <input
          type="number"
          name="handoffDelayDays"
          id="handoffDelayDays"
          min="0"
          step="any"
          value="${form.handoffDelayDays}"
        />
        days after closed-won</label
      >
    </p>
    <p>
      <label
        >Escalations acknowledged
        <input
          type="number"
          name="acknowledgeAfterHours"
          id="acknowledgeAfterHours"
          min="0"
          step="any"
          value="${form.acknowledgeAfterHours}"
        />
        hours after they are raised (empty: never)</label
      >
    </p>
    <p>
      <label
        >Look
        <input type="number" name="horizonDays" id="horizonDays" min="1" step="1" value="${form.horizonDays}" /> days
        ahead (empty: the last milestone's target and 30 days)</label
      >
    </p>
    ${
      playbook
        ? html`<div class="choices">
              <strong>Tasks nobody completes</strong> ${checkboxes('neverTasks', playbook.tasks, form.never.tasks)}
            </div>
            <div class="choices">
              <strong>Milestones never reached</strong>
              ${checkboxes('neverMilestones', playbook.milestones, form.never.milestones)}
            </div>
            <div class="choices">
              <strong>Gates never approved</strong> ${checkboxes('neverGates', playbook.gates, form.never.gates)}
            </div>`
        : ''
    }
  </fieldset>`;
  if (subject.kind === 'published') {
    return html`<section>
      <h2>Scenario</h2>
      <form method="get" action="/pages/playbooks/${playbook!.tier}/preview" id="scenario">
        <input type="hidden" name="version" value="${playbook!.version}" />
        ${fields}
        <button type="submit">Preview</button>
      </form>
    </section>`;
  }
  return html`<section>
    <h2>Draft and scenario</h2>
    <form method="post" action="/pages/playbooks/preview" id="scenario">
      <input type="hidden" name="_csrf" value="${subject.csrfToken}" />
      <p>
        <label for="definition"
          >The playbook definition (JSON, as <code>POST /playbooks/{tier}/versions</code> takes it)</label
        >
      </p>
      <textarea name="definition" id="definition" rows="14" spellcheck="false">${subject.definitionText}</textarea>
      ${fields}
      <button type="submit">Preview the draft</button>
    </form>
  </section>`;
}

function summary(p: JourneyPreview): Html {
  const s = p.summary;
  const levels = Object.entries(s.escalationsByLevel).sort(([a], [b]) => Number(a) - Number(b));
  return html`<section>
    <h2>What this scenario produces</h2>
    <p class="next" id="outcome">
      ${OUTCOME_WORDS[p.outcome]} <span class="muted">(${p.horizonDays} days looked at)</span>
    </p>
    <table id="preview-summary">
      <tbody>
        <tr>
          <th>Reminders</th>
          <td data-figure="reminders">${s.reminders}</td>
        </tr>
        <tr>
          <th>Escalations</th>
          <td data-figure="escalations">
            ${s.escalations}${levels.length > 0 ? html` <span class="muted">(${levels.map(([l, n], i) => html`${i > 0 ? ', ' : ''}level ${l}: ${n}`)})</span>` : ''}
          </td>
        </tr>
        <tr>
          <th>Stalls</th>
          <td data-figure="stalls">${s.stalls}</td>
        </tr>
        <tr>
          <th>Milestones missed</th>
          <td data-figure="milestones-missed">${s.milestonesMissed}</td>
        </tr>
        <tr>
          <th>Time to value</th>
          <td data-figure="ttv">
            ${s.timeToValueDays === undefined ? 'not reached' : `${Math.round(s.timeToValueDays * 10) / 10} days`}
          </td>
        </tr>
      </tbody>
    </table>
  </section>`;
}

function timeline(p: JourneyPreview): Html {
  return html`<section>
    <h2>Day by day</h2>
    <p class="muted">Closed-won at ${moment(p.startAt)}. Day 0 is its first 24 hours.</p>
    <table id="timeline">
      <thead>
        <tr>
          <th>Day</th>
          <th>When</th>
          <th>What</th>
          <th>About</th>
          <th>Who is told</th>
          <th>Detail</th>
        </tr>
      </thead>
      <tbody>
        ${p.events.map((e, i) => eventRow(e, i === 0 || p.events[i - 1].day !== e.day))}
      </tbody>
    </table>
  </section>`;
}

function eventRow(e: PreviewEvent, firstOfDay: boolean): Html {
  return html`<tr data-kind="${e.kind}" data-day="${e.day}" class="${firstOfDay ? 'day-start' : ''}">
    <td>${firstOfDay ? e.day : ''}</td>
    <td class="muted">${moment(e.at)}</td>
    <td>
      <span class="tag ${ALARMING.has(e.kind) ? 'bad' : ''}"
        >${KIND_WORDS[e.kind]}${e.level ? ` (level ${e.level})` : ''}</span
      >
    </td>
    <td><code>${e.subject}</code></td>
    <td>${(e.roles ?? []).join(', ')}</td>
    <td>${e.detail}</td>
  </tr>`;
}

function journeyMapSection(map: JourneyMapDocument, subject: PreviewSubject): Html {
  const download =
    subject.kind === 'published'
      ? html`<a
          id="download-map"
          href="/pages/playbooks/${map.tier}/versions/${map.version}/journey-map.mmd"
          download="${map.fileName}"
          >Download ${map.fileName}</a
        >`
      : html`<span class="muted">Publish the draft to download its map, or copy the source below.</span>`;
  return html`<section>
    <h2>Journey map</h2>
    <p>${download}</p>
    <pre class="mermaid" id="journey-map">${map.mermaid}</pre>
    <details>
      <summary>Mermaid source</summary>
      <pre id="journey-map-source"><code>${map.mermaid}</code></pre>
    </details>
    <script src="${MERMAID_SCRIPT}"></script>
    <script src="${JOURNEY_MAP_SCRIPT}"></script>
  </section>`;
}
