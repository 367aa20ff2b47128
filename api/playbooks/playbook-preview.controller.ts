import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { PREVIEW_EVENT_KINDS } from '../../src/domain/preview-timeline';
import { PREVIEW_LIMITS } from '../../src/playbooks/preview-request';
import { Allow } from '../auth/access.decorator';
import { ROUTE_ROLES } from '../auth/route-roles';
import { ApiProblems } from '../common/openapi-contract';
import { type JourneyMapDocument, PlaybookPreviewService } from './playbook-preview.service';

const MERMAID = 'text/vnd.mermaid';

const itemKeys = { type: 'array', maxItems: PREVIEW_LIMITS.itemsPerList, items: { type: 'string', maxLength: 200 } };
const dayOffsets = {
  type: 'object',
  maxProperties: PREVIEW_LIMITS.itemsPerList,
  additionalProperties: { type: 'number', minimum: 0, maximum: PREVIEW_LIMITS.horizonDays },
  description: 'item key → the day after closed-won it is done',
};
const PREVIEW_BODY = {
  type: 'object',
  required: ['definition'],
  additionalProperties: false,
  properties: {
    definition: { type: 'object', additionalProperties: true, description: 'A playbook definition (as published)' },
    scenario: {
      type: 'object',
      additionalProperties: false,
      description: 'What differs from a team that does everything on time; every key is optional',
      properties: {
        handoffDelayDays: { type: 'number', minimum: 0, maximum: PREVIEW_LIMITS.handoffDelayDays },
        never: {
          type: 'object',
          additionalProperties: false,
          properties: { tasks: itemKeys, milestones: itemKeys, gates: itemKeys },
        },
        complete: {
          type: 'object',
          additionalProperties: false,
          properties: { tasks: dayOffsets, milestones: dayOffsets, gates: dayOffsets },
        },
        acknowledgeAfterHours: { type: 'number', minimum: 0, maximum: PREVIEW_LIMITS.acknowledgeAfterHours },
        horizonDays: { type: 'integer', minimum: 1, maximum: PREVIEW_LIMITS.horizonDays },
      },
    },
    startAt: { type: 'string', format: 'date-time', description: 'Closed-won (default: the current hour)' },
  },
  example: {
    definition: { '...': 'a playbook, e.g. GET /playbooks/tech-touch' },
    scenario: { handoffDelayDays: 3, never: { tasks: ['connect-data-source'] } },
  },
};
const PREVIEW_SCHEMA = {
  type: 'object',
  required: ['playbook', 'startAt', 'horizonDays', 'outcome', 'endedAt', 'events', 'actions', 'summary'],
  properties: {
    playbook: { type: 'object' },
    startAt: { type: 'string', format: 'date-time' },
    horizonDays: { type: 'integer' },
    outcome: { type: 'string', enum: ['completed', 'open', 'cut-short'] },
    endedAt: { type: 'string', format: 'date-time' },
    events: {
      type: 'array',
      items: {
        type: 'object',
        required: ['day', 'at', 'kind', 'subject', 'detail'],
        properties: {
          day: { type: 'integer' },
          at: { type: 'string', format: 'date-time' },
          kind: { type: 'string', enum: [...PREVIEW_EVENT_KINDS] },
          subject: { type: 'string', example: 'task:connect-data-source' },
          level: { type: 'integer' },
          roles: { type: 'array', items: { type: 'string' } },
          detail: { type: 'string' },
        },
      },
    },
    actions: { type: 'array', items: { type: 'object' } },
    summary: { type: 'object' },
  },
};
const MAP_SCHEMA = {
  type: 'object',
  required: ['tier', 'version', 'name', 'fileName', 'mermaid'],
  properties: {
    tier: { type: 'string' },
    version: { type: 'integer' },
    name: { type: 'string' },
    fileName: { type: 'string', example: 'tech-touch-v1-journey-map.mmd' },
    mermaid: { type: 'string', description: 'Mermaid flowchart source' },
  },
};
const MAP_CONTENT = {
  [MERMAID]: { schema: { type: 'string' } },
  'application/json': { schema: MAP_SCHEMA },
};
const MAP_DESCRIPTION = `The journey map as Mermaid flowchart source: ${MERMAID} (a download, with Content-Disposition) unless the client accepts application/json first`;

/**
 * The playbook preview and journey map (issue 10 item 7): read-only views of a definition, so
 * they take the configuration readers' roles (CS Ops among them) and no Idempotency-Key.
 */
@ApiTags('playbooks')
@Controller('playbooks')
export class PlaybookPreviewController {
  constructor(private readonly preview: PlaybookPreviewService) {}

  @Post('preview')
  @Allow(...ROUTE_ROLES.readConfiguration)
  @HttpCode(200)
  @ApiOperation({
    summary: 'The timeline a scenario would produce on a playbook: reminders, escalations, stalls, missed milestones',
    description:
      'Computed by the workflow’s own pure rules on a virtual clock; changes nothing. By default everyone acts on time; the scenario says what differs.',
  })
  @ApiBody({ schema: PREVIEW_BODY as never })
  @ApiResponse({ status: 200, description: 'The timeline, day by day', schema: PREVIEW_SCHEMA as never })
  @ApiResponse({ status: 400, description: 'An invalid definition (InvalidPlaybook) or scenario, naming each path' })
  // A plain object type: the global ValidationPipe passes it through untouched; zod checks it.
  previewJourney(@Body() body: Record<string, unknown>) {
    return this.preview.preview(body, new Date());
  }

  @Post('journey-map')
  @Allow(...ROUTE_ROLES.readConfiguration)
  @HttpCode(200)
  @ApiOperation({ summary: 'The journey map of an unpublished definition, as Mermaid' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true }, description: 'A playbook definition' })
  @ApiProduces(MERMAID, 'application/json')
  @ApiResponse({ status: 200, description: MAP_DESCRIPTION, content: MAP_CONTENT })
  @ApiResponse({ status: 400, description: 'An invalid definition (InvalidPlaybook), naming each path' })
  draftMap(
    @Body() definition: Record<string, unknown>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return negotiated(this.preview.draftMap(definition), req, res);
  }

  @Get(':tier/journey-map')
  @Allow(...ROUTE_ROLES.readConfiguration)
  @ApiOperation({ summary: "The journey map of the tier's latest playbook, as Mermaid" })
  @ApiProduces(MERMAID, 'application/json')
  @ApiResponse({ status: 200, description: MAP_DESCRIPTION, content: MAP_CONTENT })
  @ApiProblems(404)
  async latestMap(@Param('tier') tier: string, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return negotiated(await this.preview.publishedMap(tier), req, res);
  }

  @Get(':tier/versions/:version/journey-map')
  @Allow(...ROUTE_ROLES.readConfiguration)
  @ApiOperation({ summary: 'The journey map of one version of a tier’s playbook, as Mermaid' })
  @ApiProduces(MERMAID, 'application/json')
  @ApiResponse({ status: 200, description: MAP_DESCRIPTION, content: MAP_CONTENT })
  @ApiProblems(404)
  async versionMap(
    @Param('tier') tier: string,
    @Param('version') version: number,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return negotiated(await this.preview.publishedMap(tier, version), req, res);
  }
}

/** JSON for a client that asks for it first (the pages); otherwise the Mermaid file, as a download. */
function negotiated(doc: JourneyMapDocument, req: Request, res: Response): JourneyMapDocument | string {
  if (req.accepts([MERMAID, 'application/json']) === 'application/json') return doc;
  res.type(`${MERMAID}; charset=utf-8`);
  res.setHeader('Content-Disposition', `attachment; filename="${doc.fileName}"`);
  return doc.mermaid;
}
