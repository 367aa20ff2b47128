import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { UpdateDefinition } from '@temporalio/client';
import type { Response } from 'express';
import {
  acknowledgeEscalationUpdate,
  completeTaskUpdate,
  type OnboardingView,
  recordMilestoneUpdate,
  recordRiskUpdate,
  resolveRiskUpdate,
} from '../../src/contracts/onboarding.contract';
import { PageAllow } from '../auth/access.decorator';
import { attributed, type Caller, type RequestWithCaller } from '../auth/caller';
import { ROUTE_ROLES } from '../auth/route-roles';
import { problemOf } from '../common/problem-of';
import { OnboardingAccess } from '../onboardings/onboarding-access';
import { OnboardingsService } from '../onboardings/onboardings.service';
import { html } from './html';
import { AcknowledgeForm, MilestoneForm, ResolveRiskForm, RiskForm, TaskForm } from './journey-forms';
import { sendPage, signedInAs, type PageFrame } from './layout';
import { type AuditRow, onboardingPageContent } from './onboarding-view';
import { PageErrorsFilter } from './page-errors.filter';

/** What a successful action says when the page comes back (post, redirect, get). */
const DONE: Record<string, string> = {
  milestone: 'Milestone recorded.',
  task: 'Task completed.',
  risk: 'Risk recorded.',
  resolved: 'Risk resolved.',
  acknowledged: 'Escalation acknowledged.',
};

type FormBody = { _csrf?: string; actor?: string };

/**
 * An onboarding's page for the team, and its daily-work actions. Each action is the JSON API's
 * command through the same service, access check (a CSM on their own onboardings only) and
 * workflow validators; a refusal comes back on the page in the API's own words, with its status.
 */
@Controller('pages/onboardings')
@UseFilters(PageErrorsFilter)
export class OnboardingPage {
  constructor(
    private readonly onboardings: OnboardingsService,
    private readonly access: OnboardingAccess,
  ) {}

  @Get(':id')
  @PageAllow(...ROUTE_ROLES.teamPages)
  async show(
    @Param('id') id: string,
    @Query('done') done: string | undefined,
    @Req() req: RequestWithCaller,
    @Res() res: Response,
  ) {
    await this.access.assertMayTouch(id, req.caller!);
    const notice = done && DONE[done] ? { kind: 'ok' as const, text: DONE[done] } : undefined;
    await this.render(res, req, id, 200, notice);
  }

  @Post(':id/milestones/:milestone')
  @PageAllow(...ROUTE_ROLES.journeyWork)
  recordMilestone(
    @Param('id') id: string,
    @Param('milestone') milestone: string,
    @Body() body: MilestoneForm,
    @Req() req: RequestWithCaller,
    @Res() res: Response,
  ) {
    return this.act(req, res, id, 'milestone', recordMilestoneUpdate, (c) => ({
      ...attributed(command(body), c),
      milestone,
    }));
  }

  @Post(':id/tasks/:task/complete')
  @PageAllow(...ROUTE_ROLES.journeyWork)
  completeTask(
    @Param('id') id: string,
    @Param('task') task: string,
    @Body() body: TaskForm,
    @Req() req: RequestWithCaller,
    @Res() res: Response,
  ) {
    return this.act(req, res, id, 'task', completeTaskUpdate, (c) => ({ ...attributed(command(body), c), task }));
  }

  @Post(':id/risks')
  @PageAllow(...ROUTE_ROLES.journeyWork)
  recordRisk(@Param('id') id: string, @Body() body: RiskForm, @Req() req: RequestWithCaller, @Res() res: Response) {
    return this.act(req, res, id, 'risk', recordRiskUpdate, (c) => attributed(command(body), c));
  }

  @Post(':id/risks/:riskId/resolve')
  @PageAllow(...ROUTE_ROLES.journeyWork)
  resolveRisk(
    @Param('id') id: string,
    @Param('riskId') riskId: string,
    @Body() body: ResolveRiskForm,
    @Req() req: RequestWithCaller,
    @Res() res: Response,
  ) {
    return this.act(req, res, id, 'resolved', resolveRiskUpdate, (c) => ({ ...attributed(command(body), c), riskId }));
  }

  @Post(':id/escalations/:escalationId/acknowledge')
  @PageAllow(...ROUTE_ROLES.journeyWork)
  acknowledge(
    @Param('id') id: string,
    @Param('escalationId') escalationId: string,
    @Body() body: AcknowledgeForm,
    @Req() req: RequestWithCaller,
    @Res() res: Response,
  ) {
    return this.act(req, res, id, 'acknowledged', acknowledgeEscalationUpdate, (c) => ({
      ...attributed(command(body), c),
      escalationId,
    }));
  }

  /** Post, redirect, get: a reload never sends the command twice. A refusal renders the page with it. */
  private async act<C>(
    req: RequestWithCaller,
    res: Response,
    id: string,
    done: keyof typeof DONE,
    update: UpdateDefinition<OnboardingView, [C]>,
    build: (caller: Caller) => C,
  ): Promise<void> {
    const caller = req.caller!;
    let view: OnboardingView;
    try {
      await this.access.assertMayTouch(id, caller);
      view = await this.onboardings.update(id, update, build(caller));
    } catch (err) {
      const known = problemOf(err);
      // Not a refusal (a dependency down, a bug): the page filter answers it.
      if (!known || known.status === 404 || known.status === 403) throw err;
      await this.render(res, req, id, known.status, { kind: 'refused', text: `Refused: ${known.detail}` });
      return;
    }
    // The page shows the audit log: its entry for this command first (else the page shows it on the next load).
    await this.onboardings.untilAudited(id, view.auditSeq).catch(() => false);
    res.redirect(303, `/pages/onboardings/${encodeURIComponent(id)}?done=${done}`);
  }

  private async render(res: Response, req: RequestWithCaller, id: string, status: number, notice: PageFrame['notice']) {
    const caller = req.caller!;
    const [state, audit] = await Promise.all([this.onboardings.getState(id), this.onboardings.audit(id)]);
    const canAct = caller.principal.roles.some((r) => (ROUTE_ROLES.journeyWork as readonly string[]).includes(r));
    sendPage(
      res,
      status,
      {
        title: state.account.name,
        signedIn: signedInAs(req),
        notice,
      },
      html`${onboardingPageContent(state, audit.entries as AuditRow[], { csrf: req.csrfToken!, canAct, now: new Date() })}`,
    );
  }
}

/** The command's body: the form minus its CSRF token. */
function command<B extends FormBody>(body: B): Omit<B, '_csrf'> {
  const { _csrf, ...rest } = body;
  void _csrf;
  return rest;
}
