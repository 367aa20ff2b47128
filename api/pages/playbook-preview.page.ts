import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import type { JourneyPreview } from '../../src/domain/preview';
import type { Playbook } from '../../src/domain/playbook';
import { PageAllow } from '../auth/access.decorator';
import type { RequestWithCaller } from '../auth/caller';
import { ROUTE_ROLES } from '../auth/route-roles';
import { invalidRequest } from '../common/problem-details';
import { problemOf } from '../common/problem-of';
import { type JourneyMapDocument, mapOf, PlaybookPreviewService } from '../playbooks/playbook-preview.service';
import { PlaybooksService } from '../playbooks/playbooks.service';
import { sendPage, signedInAs } from './layout';
import { PageErrorsFilter } from './page-errors.filter';
import { previewPageContent, type PreviewSubject } from './playbook-preview-view';
import { formValuesOf, type PreviewFormFields, scenarioOfForm } from './preview-form';

/**
 * The playbook preview for CS Ops (issue 10 item 7): a published version's or a draft's timeline
 * under a scenario, day by day, and its journey map drawn from Mermaid. The same service, checks
 * and refusals as `POST /playbooks/preview`; a refusal comes back on the page, field by field.
 */
@Controller('pages/playbooks')
@UseFilters(PageErrorsFilter)
export class PlaybookPreviewPage {
  constructor(
    private readonly playbooks: PlaybooksService,
    private readonly preview: PlaybookPreviewService,
  ) {}

  @Get(':tier/preview')
  @PageAllow(...ROUTE_ROLES.playbookPages)
  async published(
    @Param('tier') tier: string,
    @Query() fields: PreviewFormFields & { version?: string },
    @Req() req: RequestWithCaller,
    @Res() res: Response,
  ) {
    const version = versionOf(fields.version);
    const playbook =
      version === undefined ? await this.playbooks.latest(tier) : await this.playbooks.version(tier, version);
    this.answer(req, res, { kind: 'published', playbook }, fields, playbook, mapOf(playbook));
  }

  @Get(':tier/draft')
  @PageAllow(...ROUTE_ROLES.playbookPages)
  async draft(@Param('tier') tier: string, @Req() req: RequestWithCaller, @Res() res: Response) {
    // A draft starts from the tier's published playbook, as CS Ops would edit it.
    const playbook = await this.playbooks.latest(tier);
    const subject: PreviewSubject = {
      kind: 'draft',
      playbook,
      definitionText: JSON.stringify(playbook, null, 2),
      csrfToken: req.csrfToken!,
    };
    sendPage(
      res,
      200,
      this.frame(req, 'Preview a draft playbook'),
      previewPageContent({ subject, form: formValuesOf({}) }),
    );
  }

  @Post('preview')
  @PageAllow(...ROUTE_ROLES.playbookPages)
  previewDraft(@Body() fields: PreviewFormFields, @Req() req: RequestWithCaller, @Res() res: Response) {
    const definitionText = typeof fields.definition === 'string' ? fields.definition : '';
    const subject = (playbook?: Playbook): PreviewSubject => ({
      kind: 'draft',
      playbook,
      definitionText,
      csrfToken: req.csrfToken!,
    });
    let definition: unknown;
    try {
      definition = JSON.parse(definitionText);
    } catch (err) {
      const errors = [{ path: 'definition', message: `is not JSON: ${(err as Error).message}` }];
      sendPage(
        res,
        400,
        this.frame(req, 'Preview a draft playbook'),
        previewPageContent({ subject: subject(), form: formValuesOf(fields), errors }),
      );
      return;
    }
    let draft: { playbook: Playbook; map: JourneyMapDocument };
    try {
      draft = this.preview.draft(definition);
    } catch (err) {
      return this.refused(req, res, subject(), fields, err);
    }
    this.answer(req, res, subject(draft.playbook), fields, draft.playbook, draft.map);
  }

  @Get(':tier/versions/:version/journey-map.mmd')
  @PageAllow(...ROUTE_ROLES.playbookPages)
  async download(@Param('tier') tier: string, @Param('version') version: string, @Res() res: Response) {
    const map = await this.preview.publishedMap(tier, versionOf(version) ?? 0);
    res
      .type('text/vnd.mermaid; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="${map.fileName}"`)
      .send(map.mermaid);
  }

  private answer(
    req: RequestWithCaller,
    res: Response,
    subject: PreviewSubject,
    fields: PreviewFormFields,
    playbook: Playbook,
    map: JourneyMapDocument,
  ): void {
    let preview: JourneyPreview;
    try {
      preview = this.preview.preview({ definition: playbook, scenario: scenarioOfForm(fields) }, new Date());
    } catch (err) {
      return this.refused(req, res, subject, fields, err);
    }
    const title = subject.kind === 'published' ? `Preview: ${playbook.name}` : 'Preview a draft playbook';
    sendPage(
      res,
      200,
      this.frame(req, title),
      previewPageContent({ subject, form: formValuesOf(fields), preview, map }),
    );
  }

  /** A refused preview: the form again, with each field's problem; anything else goes to the page filter. */
  private refused(
    req: RequestWithCaller,
    res: Response,
    subject: PreviewSubject,
    fields: PreviewFormFields,
    err: unknown,
  ): void {
    const problem = problemOf(err);
    if (problem?.status !== 400) throw err;
    const errors = problem.errors ?? [{ path: 'request', message: problem.detail ?? 'refused' }];
    const title = subject.kind === 'published' ? `Preview: ${subject.playbook.name}` : 'Preview a draft playbook';
    sendPage(res, 400, this.frame(req, title), previewPageContent({ subject, form: formValuesOf(fields), errors }));
  }

  private frame(req: RequestWithCaller, title: string) {
    return { title, signedIn: signedInAs(req) };
  }
}

function versionOf(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^[1-9]\d{0,8}$/.test(text))
    throw invalidRequest([{ path: 'version', message: 'version must be a positive whole number' }]);
  return Number(text);
}
