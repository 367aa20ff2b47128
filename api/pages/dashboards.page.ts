import { Controller, Get, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { COHORT_RULE, isCohort } from '../../src/domain/cohort';
import { PageAllow } from '../auth/access.decorator';
import type { RequestWithCaller } from '../auth/caller';
import { ROUTE_ROLES } from '../auth/route-roles';
import { invalidRequest } from '../common/problem-details';
import { problemOf } from '../common/problem-of';
import { DashboardsService } from '../dashboards/dashboards.service';
import { ComparisonQuery, LeadershipQuery } from '../dashboards/dto/dashboard-queries';
import { html } from './html';
import { compareForm, filterForm, type FilterValues, leadershipContent } from './leadership-view';
import { sendPage, signedInAs } from './layout';
import { PageErrorsFilter } from './page-errors.filter';
import { pageQuery } from './page-query';
import { pilotContent } from './pilot-view';

const FILTERS = ['tier', 'segment', 'cohort', 'csm', 'from', 'to'] as const;
const LEADERSHIP_TITLE = 'Leadership dashboard';

/**
 * The leadership dashboard and the pilot comparison as pages for leadership and CS Ops: the same
 * figures as GET /dashboards/leadership and /dashboards/cohorts/:cohort/comparison (one
 * composition, DashboardsService), and the same filter rules (the API's query DTOs).
 */
@Controller('pages/dashboards')
@UseFilters(PageErrorsFilter)
export class DashboardPages {
  constructor(private readonly dashboards: DashboardsService) {}

  @Get('leadership')
  @PageAllow(...ROUTE_ROLES.readDashboards)
  async leadership(@Query() raw: Record<string, unknown>, @Req() req: RequestWithCaller, @Res() res: Response) {
    const values: FilterValues = Object.fromEntries(
      FILTERS.flatMap((k) => (typeof raw[k] === 'string' ? [[k, raw[k] as string]] : [])),
    );
    let query: LeadershipQuery;
    try {
      query = await pageQuery(LeadershipQuery, raw);
    } catch (err) {
      const known = problemOf(err);
      if (known?.status !== 400) throw err;
      // The form stays, with what was typed, so the named field can be corrected.
      sendPage(
        res,
        400,
        {
          title: LEADERSHIP_TITLE,
          signedIn: signedInAs(req),
          notice: { kind: 'refused', text: `Refused: ${known.detail}` },
        },
        filterForm(values),
      );
      return;
    }
    const figures = await this.dashboards.leadership(query);
    sendPage(
      res,
      200,
      { title: LEADERSHIP_TITLE, signedIn: signedInAs(req) },
      html`${filterForm(values)}
        <p class="muted">
          From the read model as of ${figures.asOf.slice(0, 16).replace('T', ' ')} UTC (it may trail the live state by a
          moment). The period is on closed-won; every figure counts the onboardings the filters select.
        </p>
        ${leadershipContent(figures)} ${compareForm(query.cohort)}`,
    );
  }

  /** The compare form's target: a GET form cannot put the cohort in the path, so this sends it on. */
  @Get('cohorts')
  @PageAllow(...ROUTE_ROLES.readDashboards)
  async compare(@Query() raw: Record<string, unknown>, @Res() res: Response) {
    const { cohort, ...rest } = raw;
    if (!isCohort(cohort)) throw invalidRequest([{ path: 'cohort', message: `cohort ${COHORT_RULE}` }]);
    const { against } = await pageQuery(ComparisonQuery, rest);
    const query = against && against !== 'baseline' ? `?against=${against}` : '';
    res.redirect(303, `/pages/dashboards/cohorts/${cohort}${query}`);
  }

  @Get('cohorts/:cohort')
  @PageAllow(...ROUTE_ROLES.readDashboards)
  async pilot(
    @Param('cohort') cohort: string,
    @Query() raw: Record<string, unknown>,
    @Req() req: RequestWithCaller,
    @Res() res: Response,
  ) {
    const { against } = await pageQuery(ComparisonQuery, raw);
    const comparison = await this.dashboards.comparison(cohort, against);
    sendPage(res, 200, { title: `Cohort ${cohort}`, signedIn: signedInAs(req) }, pilotContent(comparison));
  }
}
