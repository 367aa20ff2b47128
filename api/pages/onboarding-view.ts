import type { OnboardingView } from '../../src/contracts/onboarding.contract';
import { DAY_MS } from '../../src/domain/time';
import { milestoneTargetsChart, stageDaysChart } from './charts';
import { type Html, html } from './html';
import { day, moment } from './layout';

export interface AuditRow {
  seq: number;
  at: string | Date;
  actor: string;
  action: string;
  details: unknown;
  evidence: string | null;
  principalId: string | null;
  actingRole: string | null;
  actorNote: string | null;
}

/** One form on the page: posts to `action` with the session's CSRF token, then comes back here. */
function form(csrf: string, action: string, fields: Html, button: string): Html {
  return html`<form method="post" action="${action}" class="action">
    <input type="hidden" name="_csrf" value="${csrf}" />
    ${fields}
    <button type="submit">${button}</button>
  </form>`;
}

const daysBetween = (from: string, to: string | number) =>
  Math.max(0, Math.round(((typeof to === 'number' ? to : Date.parse(to)) - Date.parse(from)) / DAY_MS));

/**
 * An onboarding's page for the team: everything the live state knows, as tables (readable
 * without JavaScript), a chart of days per stage, and the forms of the CSM's daily work.
 * `canAct`: the caller may send journey commands (a CSM, their lead, CS Ops).
 */
export function onboardingPageContent(
  s: OnboardingView,
  audit: AuditRow[],
  opts: { csrf: string; canAct: boolean; now: Date },
): Html {
  const base = `/pages/onboardings/${encodeURIComponent(s.onboardingId)}`;
  const act = (fragment: Html) => (opts.canAct ? fragment : '');
  const now = opts.now.getTime();
  const stages = s.stageHistory.map((v) => ({
    name: v.name,
    days: daysBetween(v.enteredAt, v.exitedAt ?? now),
    current: !v.exitedAt && s.status !== 'completed',
  }));
  return html`<section id="summary">
      <div class="grid">
        <table>
          <tbody>
            <tr>
              <th>Customer</th>
              <td>${s.account.name} <span class="muted">(${s.account.id})</span></td>
            </tr>
            <tr>
              <th>Tier / segment</th>
              <td>${s.tier} / ${s.segment}, playbook v${s.playbookVersion}</td>
            </tr>
            <tr>
              <th>Status</th>
              <td>${s.status}</td>
            </tr>
            <tr>
              <th>CSM</th>
              <td>${s.csm ? html`${s.csm.name} &lt;${s.csm.email}&gt;` : 'not assigned yet'}</td>
            </tr>
            <tr>
              <th>Stage</th>
              <td>${s.stage.name}, since ${day(s.stage.enteredAt)}</td>
            </tr>
            <tr id="waiting-on">
              <th>Waiting on</th>
              <td>
                ${s.waitingOn.kind}: ${s.waitingOn.detail} <span class="muted">since ${moment(s.waitingOn.since)}</span>
              </td>
            </tr>
            <tr id="at-risk">
              <th>At risk</th>
              <td>${s.atRisk ? html`<span class="tag bad">yes</span> ${s.atRiskReasons.join('; ')}` : 'no'}</td>
            </tr>
            <tr>
              <th>Time to value</th>
              <td>${s.timeToValueDays === null ? 'first value not reached yet' : `${s.timeToValueDays} days`}</td>
            </tr>
          </tbody>
        </table>
        <div class="chart" id="stage-chart">${stageDaysChart(stages)}</div>
      </div>
    </section>

    <section>
      <h2>Timeline</h2>
      <table id="timeline">
        <thead>
          <tr>
            <th>Stage</th>
            <th>Entered</th>
            <th>Exited</th>
            <th>Days</th>
          </tr>
        </thead>
        <tbody>
          ${s.stageHistory.map(
            (v, i) =>
              html`<tr>
                <td>${v.name}</td>
                <td>${moment(v.enteredAt)}</td>
                <td>${v.exitedAt ? moment(v.exitedAt) : 'current'}</td>
                <td>${stages[i].days}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>

    <section>
      <h2>Milestones</h2>
      <div class="chart" id="milestone-chart">
        ${milestoneTargetsChart(
          s.milestones.map((m) => ({
            name: m.name,
            targetDay: m.targetDay,
            ...(m.achievedAt ? { achievedDay: daysBetween(s.closedWonAt, m.achievedAt) } : {}),
          })),
        )}
      </div>
      <table id="milestones">
        <thead>
          <tr>
            <th>Milestone</th>
            <th>Target</th>
            <th>Achieved</th>
            <th>Within target</th>
            <th>Evidence</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${s.milestones.map(
            (m) =>
              html`<tr data-milestone="${m.key}">
                <td>${m.name}</td>
                <td>${day(m.targetDate)} <span class="muted">(day ${m.targetDay})</span></td>
                <td>
                  ${m.achievedAt ? html`${day(m.achievedAt)} <span class="muted">by ${m.recordedBy ?? ''}</span>` : '—'}
                </td>
                <td>
                  ${m.withinTarget === undefined ? '—' : m.withinTarget ? 'yes' : html`<span class="tag bad">no</span>`}
                </td>
                <td>${m.evidence ?? ''}</td>
                <td>
                  ${
                    m.achievedAt
                      ? ''
                      : act(
                          form(
                            opts.csrf,
                            `${base}/milestones/${encodeURIComponent(m.key)}`,
                            html`<input
                              type="text"
                              name="evidence"
                              placeholder="evidence (link or note)"
                              aria-label="evidence for ${m.name}"
                            />`,
                            'Record',
                          ),
                        )
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>

    <section>
      <h2>Tasks</h2>
      <table id="tasks">
        <thead>
          <tr>
            <th>Task</th>
            <th>Stage</th>
            <th>Owner</th>
            <th>Status</th>
            <th>Due</th>
            <th>Done</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${s.tasks.map(
            (t) =>
              html`<tr data-task="${t.key}">
                <td>${t.name}</td>
                <td>${t.stage}</td>
                <td>${t.owner}</td>
                <td>
                  ${t.status}${t.status === 'open' && t.dueAt && Date.parse(t.dueAt) < now ? html` <span class="tag bad">overdue</span>` : ''}
                </td>
                <td>${day(t.dueAt)}</td>
                <td>
                  ${t.completedAt ? html`${day(t.completedAt)} <span class="muted">by ${t.completedBy ?? ''}</span>` : ''}
                </td>
                <td>
                  ${
                    t.status === 'done'
                      ? ''
                      : act(
                          form(
                            opts.csrf,
                            `${base}/tasks/${encodeURIComponent(t.key)}/complete`,
                            html`<input
                              type="text"
                              name="evidence"
                              placeholder="evidence"
                              aria-label="evidence for ${t.name}"
                            />`,
                            'Complete',
                          ),
                        )
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
      <h2>Gates</h2>
      <table id="gates">
        <thead>
          <tr>
            <th>Gate</th>
            <th>Stage</th>
            <th>Approvers</th>
            <th>Acceptance criteria</th>
            <th>Approved</th>
          </tr>
        </thead>
        <tbody>
          ${s.gates.map(
            (g) =>
              html`<tr>
                <td>${g.name}</td>
                <td>${g.stage}</td>
                <td>${g.approverRoles.join(', ')}</td>
                <td>${g.acceptanceCriteria.join('; ')}</td>
                <td>
                  ${g.approvedAt ? `${day(g.approvedAt)} by ${g.approvedBy ?? ''} (${g.approverRole ?? ''})` : 'not yet'}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>

    <section>
      <h2>Risks and blockers</h2>
      <table id="risks">
        <thead>
          <tr>
            <th>Risk</th>
            <th>Category</th>
            <th>Blocker</th>
            <th>Owner</th>
            <th>Decision due</th>
            <th>Fallback</th>
            <th>Status</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${s.risks.map(
            (r) =>
              html`<tr data-risk="${r.id}">
                <td>${r.description}</td>
                <td>${r.category}</td>
                <td>${r.blocker ? 'yes' : 'no'}</td>
                <td>${r.owner}</td>
                <td>${day(r.decisionDueDate)}</td>
                <td>${r.fallback}</td>
                <td>${r.status}${r.resolution ? html`: ${r.resolution}` : ''}</td>
                <td>
                  ${
                    r.status === 'open'
                      ? act(
                          form(
                            opts.csrf,
                            `${base}/risks/${encodeURIComponent(r.id)}/resolve`,
                            html`<input
                              type="text"
                              name="resolution"
                              placeholder="resolution"
                              aria-label="resolution"
                              required
                            />`,
                            'Resolve',
                          ),
                        )
                      : ''
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${act(
        html`<h2>Record a risk</h2>
          ${form(
            opts.csrf,
            `${base}/risks`,
            html`<select name="category" aria-label="category">
                ${['data', 'auth', 'cutover', 'comms', 'compliance'].map((c) => html`<option>${c}</option>`)}
              </select>
              <input type="text" name="description" placeholder="description" aria-label="description" />
              <select name="blocker" aria-label="blocker">
                <option value="no">not a blocker</option>
                <option value="yes">blocker</option>
              </select>
              <input type="text" name="owner" placeholder="owner" aria-label="owner" />
              <input type="date" name="decisionDueDate" aria-label="decision due date" />
              <input type="text" name="fallback" placeholder="fallback" aria-label="fallback" />`,
            'Record risk',
          )}`,
      )}
    </section>

    <section>
      <h2>Escalations</h2>
      <table id="escalations">
        <thead>
          <tr>
            <th>About</th>
            <th>Level</th>
            <th>Told</th>
            <th>Raised</th>
            <th>Acknowledged</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${s.escalations.map(
            (e) =>
              html`<tr data-escalation="${e.id}">
                <td>${e.subject.kind} ${e.subject.key}</td>
                <td>${e.level}</td>
                <td>${e.notify}</td>
                <td>${moment(e.raisedAt)}</td>
                <td>
                  ${e.acknowledgedAt ? `${moment(e.acknowledgedAt)} by ${e.acknowledgedBy ?? ''}` : e.closedAt ? `closed ${day(e.closedAt)}` : 'no'}
                </td>
                <td>
                  ${
                    !e.acknowledgedAt && !e.closedAt
                      ? act(
                          form(
                            opts.csrf,
                            `${base}/escalations/${encodeURIComponent(e.id)}/acknowledge`,
                            html``,
                            'Acknowledge',
                          ),
                        )
                      : ''
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>

    <section>
      <h2>Cutover attempts</h2>
      <table id="cutovers">
        <thead>
          <tr>
            <th>#</th>
            <th>Mode</th>
            <th>Requested</th>
            <th>Status</th>
            <th>Ended</th>
            <th>Reconciliation</th>
            <th>Failure</th>
          </tr>
        </thead>
        <tbody>
          ${(s.cutovers ?? []).map(
            (c) =>
              html`<tr>
                <td>${c.attempt}</td>
                <td>${c.mode}</td>
                <td>${moment(c.requestedAt)} by ${c.requestedBy}</td>
                <td>${c.status}</td>
                <td>${moment(c.endedAt)}</td>
                <td>
                  ${c.reconciliation ? `${(c.reconciliation.accuracy * 100).toFixed(1)}% of ${c.reconciliation.sourceCount}` : ''}
                </td>
                <td>${c.failure ? `${c.failure.step}: ${c.failure.error}` : ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>

    <section>
      <h2>Audit trail</h2>
      <table id="audit">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>Role</th>
            <th>What</th>
            <th>Details</th>
            <th>Evidence</th>
          </tr>
        </thead>
        <tbody>
          ${audit.map(
            (a) =>
              html`<tr>
                <td>${moment(a.at)}</td>
                <td>${a.actor}${a.actorNote ? html` <span class="muted">(${a.actorNote})</span>` : ''}</td>
                <td>${a.actingRole ?? ''}</td>
                <td>${a.action}</td>
                <td><code>${typeof a.details === 'string' ? a.details : JSON.stringify(a.details)}</code></td>
                <td>${a.evidence ?? ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
}
