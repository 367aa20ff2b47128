import { Body, Controller, Get, Param, Post, Res, UseFilters } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Response } from 'express';
import type { CustomerTracker } from '../../src/domain/customer-tracker';
import type { SatisfactionResponse } from '../../src/persistence/satisfaction-responses';
import type { TrackerLinkRefusal } from '../../src/tracker/tracker-links';
import { PublicPage } from '../auth/access.decorator';
import { FreeText } from '../common/free-text';
import { type Html, html } from '../pages/html';
import { day, type PageFrame, sendPage } from '../pages/layout';
import { PageErrorsFilter } from '../pages/page-errors.filter';
import { TrackerService } from './tracker.service';

export class SatisfactionForm {
  @Type(() => Number) @IsInt() @Min(1) @Max(5) score: number;
  @IsOptional() @FreeText({ max: 2000, optional: true }) comment?: string;
}

/** Plain words for a refused link; none of them says which onboarding the link named. */
const REFUSALS: Record<TrackerLinkRefusal, { status: number; text: string }> = {
  malformed: { status: 404, text: 'This link does not work. Check that it was copied whole from your welcome mail.' },
  'bad-signature': {
    status: 404,
    text: 'This link does not work. Check that it was copied whole from your welcome mail.',
  },
  expired: { status: 410, text: 'This link has expired. Ask your Customer Success Manager for a new one.' },
  revoked: { status: 410, text: 'This link has been withdrawn. Ask your Customer Success Manager for a new one.' },
};

/**
 * The customer's progress tracker: no sign-in, the signed link from the welcome mail is the
 * credential (checked on every request: signature, expiry, generation). It shows only what
 * `customerTracker` copies out of the live state.
 */
@Controller('tracker')
@UseFilters(PageErrorsFilter)
export class TrackerPage {
  constructor(private readonly tracker: TrackerService) {}

  @Get(':token')
  @PublicPage()
  async show(@Param('token') token: string, @Res() res: Response) {
    const found = await this.tracker.open(token);
    if (!found.ok) return this.refuse(res, found.reason);
    this.send(
      res,
      200,
      { title: `${found.tracker.accountName}: your onboarding` },
      trackerContent(found.tracker, found.satisfaction, token),
    );
  }

  @Post(':token/satisfaction')
  @PublicPage()
  async answer(@Param('token') token: string, @Body() body: SatisfactionForm, @Res() res: Response) {
    const outcome = await this.tracker.answer(token, body);
    if (!outcome.ok && 'reason' in outcome) return this.refuse(res, outcome.reason);
    const found = await this.tracker.open(token);
    if (!found.ok) return this.refuse(res, found.reason);
    const notice: PageFrame['notice'] = outcome.ok
      ? { kind: 'ok', text: 'Thank you: your answer is recorded.' }
      : { kind: 'refused', text: outcome.refusal };
    this.send(
      res,
      outcome.ok ? 200 : 409,
      { title: `${found.tracker.accountName}: your onboarding`, notice },
      trackerContent(found.tracker, found.satisfaction, token),
    );
  }

  private refuse(res: Response, reason: TrackerLinkRefusal) {
    const { status, text } = REFUSALS[reason];
    this.send(res, status, { title: 'Your onboarding', notice: { kind: 'refused', text } }, html``);
  }

  private send(res: Response, status: number, frame: PageFrame, content: Html) {
    // The page is personal: never indexed (the link is a credential); sendPage keeps it out of caches.
    res.setHeader('X-Robots-Tag', 'noindex, nofollow');
    sendPage(res, status, frame, content);
  }
}

function trackerContent(t: CustomerTracker, answer: SatisfactionResponse | undefined, token: string): Html {
  return html`<section>
      <p class="next" id="next-step"><strong>Next step:</strong> ${t.nextStep}</p>
      ${
        t.csm
          ? html`<p id="csm">
              Your Customer Success Manager: <strong>${t.csm.name}</strong>,
              <a href="mailto:${t.csm.email}">${t.csm.email}</a>
            </p>`
          : ''
      }
    </section>
    <section>
      <h2>Your plan</h2>
      <ol class="stages" id="stages">
        ${t.stages.map(
          (s) =>
            html`<li class="${s.state}">
              <strong>${s.name}</strong>
              <div class="muted">
                ${s.state === 'upcoming' ? 'upcoming' : s.state === 'current' ? `since ${day(s.enteredAt)}` : `${day(s.enteredAt)} to ${day(s.exitedAt ?? s.enteredAt)}`}
              </div>
            </li>`,
        )}
      </ol>
    </section>
    <section>
      <h2>Milestones</h2>
      <table id="milestones">
        <thead>
          <tr>
            <th>Milestone</th>
            <th>Target</th>
            <th>Done</th>
          </tr>
        </thead>
        <tbody>
          ${t.milestones.map(
            (m) =>
              html`<tr>
                <td>${m.name}</td>
                <td>${day(m.targetDate)}</td>
                <td>${m.achievedAt ? html`<span class="tag done">done ${day(m.achievedAt)}</span>` : 'not yet'}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <section>
      <h2>Open tasks</h2>
      ${
        t.openTasks.length > 0
          ? html`<table id="tasks">
              <thead>
                <tr>
                  <th>Task</th>
                  <th>Who</th>
                  <th>Due</th>
                </tr>
              </thead>
              <tbody>
                ${t.openTasks.map(
                  (o) =>
                    html`<tr>
                      <td>${o.name}</td>
                      <td>${o.owner}</td>
                      <td>${day(o.dueAt)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
          : html`<p class="muted">No open tasks.</p>`
      }
    </section>
    ${
      t.satisfactionOpen
        ? html`<section id="satisfaction">
            <h2>How did your onboarding go?</h2>
            ${answer ? html`<p>Your answer: ${answer.score} of 5${answer.comment ? html`, “${answer.comment}”` : ''}. You may change it.</p>` : ''}
            <form method="post" action="/tracker/${token}/satisfaction" class="action">
              <label for="score">From 1 (poor) to 5 (excellent)</label>
              <select id="score" name="score">
                ${[5, 4, 3, 2, 1].map((n) => html`<option value="${n}">${n}</option>`)}
              </select>
              <input type="text" name="comment" placeholder="a comment (optional)" aria-label="comment" size="50" />
              <button type="submit">Send</button>
            </form>
          </section>`
        : ''
    }`;
}
