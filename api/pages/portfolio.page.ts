import { Controller, Get, Req, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import type { PortfolioEntry } from '../../src/domain/portfolio';
import { PageAllow } from '../auth/access.decorator';
import { confinedCsm, type RequestWithCaller } from '../auth/caller';
import { ROUTE_ROLES } from '../auth/route-roles';
import { type CsmPortfolio, PortfolioService } from '../portfolio/portfolio.service';
import { loadChart } from './charts';
import { type Html, html } from './html';
import { day, sendPage, signedInAs } from './layout';
import { PageErrorsFilter } from './page-errors.filter';

const NEED_WORDS: Record<PortfolioEntry['need'], string> = {
  'overdue-or-escalated': 'Overdue or escalated',
  'at-risk': 'At risk',
  'waiting-on-csm': 'Waiting on the CSM',
  'on-track': 'On track',
};

/**
 * The CSM's portfolio page (seed 004): their onboardings, what needs them first at the top. A CS
 * lead (any broader role) sees every CSM's, with capacity and load, and the unassigned ones.
 * Figures from PortfolioService, the same as GET /portfolio.
 */
@Controller('pages/portfolio')
@UseFilters(PageErrorsFilter)
export class PortfolioPage {
  constructor(private readonly portfolios: PortfolioService) {}

  @Get()
  @PageAllow(...ROUTE_ROLES.teamPages)
  async show(@Req() req: RequestWithCaller, @Res() res: Response) {
    const caller = req.caller!;
    const csmId = confinedCsm(caller);
    const portfolio = await this.portfolios.portfolio(csmId);
    const content = csmId
      ? html`${portfolio.csms.map((c) => csmSection(c, false))}`
      : html`<section>
            <h2>Capacity and load</h2>
            <div class="grid">
              <table id="capacity">
                <caption>
                  Every CSM's assigned onboardings against their capacity
                </caption>
                <thead>
                  <tr>
                    <th>CSM</th>
                    <th>Load</th>
                    <th>Capacity</th>
                    <th>Free seats</th>
                    <th>Needs them first</th>
                  </tr>
                </thead>
                <tbody>
                  ${portfolio.csms.map(
                    (c) =>
                      html`<tr data-csm="${c.csmId}">
                        <td>${c.name}${c.active ? '' : html` <span class="tag">inactive</span>`}</td>
                        <td>${c.load}</td>
                        <td>${c.capacity}</td>
                        <td>${Math.max(0, c.capacity - c.load)}</td>
                        <td>${c.onboardings.filter((o) => o.need !== 'on-track').length}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
              <div class="chart" id="load-chart">${loadChart(portfolio.csms)}</div>
            </div>
          </section>
          ${portfolio.csms.filter((c) => c.onboardings.length > 0).map((c) => csmSection(c, true))}
          ${
            portfolio.unassigned.length > 0
              ? html`<section>
                  <h2>Without a CSM yet</h2>
                  ${entriesTable(portfolio.unassigned, 'unassigned')}
                </section>`
              : ''
          }`;
    sendPage(
      res,
      200,
      {
        title: csmId ? 'My portfolio' : "CSMs' portfolios",
        signedIn: signedInAs(req),
      },
      html`<p class="muted">
          Sorted by what needs the CSM first: overdue tasks or open escalations, at risk, waiting on the CSM, on track;
          then the earliest due date. As of ${day(portfolio.generatedAt)}.
        </p>
        ${content}`,
    );
  }
}

function csmSection(c: CsmPortfolio, showLoad: boolean): Html {
  return html`<section data-csm="${c.csmId}">
    <h2>${c.name}${showLoad ? html` <span class="muted">(${c.load} of ${c.capacity})</span>` : ''}</h2>
    ${c.onboardings.length > 0 ? entriesTable(c.onboardings, c.csmId) : html`<p class="muted">No active onboardings.</p>`}
  </section>`;
}

function entriesTable(entries: PortfolioEntry[], id: string): Html {
  return html`<table class="portfolio" id="portfolio-${id}">
    <thead>
      <tr>
        <th>Customer</th>
        <th>Needs</th>
        <th>Stage</th>
        <th>Days in stage</th>
        <th>Next due</th>
        <th>Waiting on</th>
      </tr>
    </thead>
    <tbody>
      ${entries.map(
        (e) =>
          html`<tr data-onboarding="${e.onboardingId}">
            <td>
              <a href="/pages/onboardings/${encodeURIComponent(e.onboardingId)}">${e.accountName}</a>
              <div class="muted">${e.tier}</div>
            </td>
            <td>
              <span class="tag ${e.need}">${NEED_WORDS[e.need]}</span>
              <div class="muted">${e.needDetail}</div>
            </td>
            <td>${e.stageName}</td>
            <td>${e.daysInStage}</td>
            <td>${day(e.nextDueAt)}</td>
            <td>
              ${e.waitingOn}${e.waitingSince ? html` <span class="muted">since ${day(e.waitingSince)}</span>` : ''}
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
