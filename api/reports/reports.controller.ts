import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/access.decorator';
import { ROUTE_ROLES } from '../auth/route-roles';
import { ApiProblems } from '../common/openapi-contract';
import { ListReportsQuery, ShowReportQuery } from './dto/report-queries';
import { ReportsService } from './reports.service';

const SUMMARY_PROPERTIES = {
  id: { type: 'string', example: 'weekly-2027-W05' },
  kind: { type: 'string', enum: ['weekly', 'monthly'] },
  period: { type: 'string', example: '2027-W05' },
  periodStart: { type: 'string', format: 'date-time' },
  periodEnd: { type: 'string', format: 'date-time' },
  timeZone: { type: 'string', example: 'UTC' },
  generatedAt: { type: 'string', format: 'date-time' },
  sentAt: { type: 'string', format: 'date-time', nullable: true, description: 'null: not mailed (no recipients)' },
  recipientsCount: { type: 'integer' },
};
const REPORT_SUMMARY_SCHEMA = { type: 'object', properties: SUMMARY_PROPERTIES };
const REPORT_LIST_SCHEMA = {
  type: 'object',
  properties: { reports: { type: 'array', items: REPORT_SUMMARY_SCHEMA }, total: { type: 'integer' } },
};
const REPORT_SCHEMA = {
  type: 'object',
  properties: {
    ...SUMMARY_PROPERTIES,
    content: {
      type: 'object',
      description:
        'What was compiled: period, counts, daily starts and completions, open blockers (owner, decisionDueDate, expectedImpact), escalations, stalls, sections',
      additionalProperties: true,
    },
    text: { type: 'string', description: 'The plain-text part as mailed' },
    html: { type: 'string', description: 'The HTML part as mailed (charts referenced as cid: attachments)' },
  },
};

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  @Allow(...ROUTE_ROLES.readReports)
  @ApiOperation({ summary: 'Past weekly and monthly summary reports, newest period first' })
  @ApiResponse({ status: 200, description: 'One page of reports and the total', schema: REPORT_LIST_SCHEMA })
  list(@Query() query: ListReportsQuery) {
    return this.reports.list(query);
  }

  @Get(':id')
  @Allow(...ROUTE_ROLES.readReports)
  @ApiParam({ name: 'id', example: 'weekly-2027-W05', description: '`weekly-<ISO week>` or `monthly-<YYYY-MM>`' })
  @ApiOperation({ summary: 'One summary report: JSON, or ?format=html as mailed with its charts' })
  @ApiProduces('application/json', 'text/html')
  @ApiResponse({
    status: 200,
    description: 'The report',
    content: {
      'application/json': { schema: REPORT_SCHEMA as never },
      'text/html': { schema: { type: 'string' } },
    },
  })
  @ApiProblems(404)
  async get(@Param('id') id: string, @Query() query: ShowReportQuery, @Res({ passthrough: true }) res: Response) {
    if (query.format !== 'html') return this.reports.get(id);
    const html = await this.reports.html(id);
    // Stored content is escaped when rendered; this also keeps any script or remote resource out.
    res.setHeader('Content-Security-Policy', "default-src 'none'; img-src data:; style-src 'unsafe-inline'");
    res.type('text/html; charset=utf-8');
    return html;
  }
}
