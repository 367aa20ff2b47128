import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { COHORT_PATTERN } from '../../src/domain/cohort';
import { principalLabel } from '../../src/domain/principal';
import { TIERS, type Tier } from '../../src/domain/segment';
import { Allow } from '../auth/access.decorator';
import { type Caller, CurrentCaller } from '../auth/caller';
import { ROUTE_ROLES } from '../auth/route-roles';
import { Idempotent } from '../common/idempotency.interceptor';
import { invalidRequest } from '../common/problem-details';
import { ComparisonQuery, LeadershipQuery, PutBaselineDto } from './dto/dashboard-queries';
import { DashboardsService } from './dashboards.service';

/** JSON for the leadership pages (server-rendered elsewhere) and any BI tool. */
@ApiTags('dashboards')
@Controller('dashboards')
export class DashboardsController {
  constructor(private readonly dashboards: DashboardsService) {}

  @Get('leadership')
  @Allow(...ROUTE_ROLES.readDashboards)
  @ApiOperation({
    summary:
      'The leadership dashboard: counts, TTV against target, completion within target, stages, stalls, escalations, at risk, red flags',
    description:
      'From the read model (may trail the live state by a moment). The period (`from`, `to`) is on closed-won; every figure counts the onboardings the filters select.',
  })
  @ApiResponse({ status: 200, description: 'The figures, the baselines, the thresholds and the red flags raised' })
  @ApiResponse({ status: 400, description: 'A filter is invalid; the message names it' })
  leadership(@Query() query: LeadershipQuery) {
    return this.dashboards.leadership(query);
  }

  @Get('cohorts/:cohort/comparison')
  @Allow(...ROUTE_ROLES.readDashboards)
  @ApiParam({ name: 'cohort', example: 'pilot-2027q1', schema: { type: 'string', pattern: COHORT_PATTERN.source } })
  @ApiOperation({
    summary:
      "A cohort beside the baseline or another cohort, with counts, a small-sample note and the pilot's success criteria",
  })
  @ApiResponse({ status: 200, description: '{ cohort, against, checklist }' })
  @ApiResponse({ status: 400, description: 'Not a cohort slug' })
  comparison(@Param('cohort') cohort: string, @Query() query: ComparisonQuery) {
    return this.dashboards.comparison(cohort, query.against);
  }

  @Get('baseline')
  @Allow(...ROUTE_ROLES.readDashboards)
  @ApiOperation({ summary: 'The latest baseline of each tier, with who entered it and when' })
  @ApiResponse({
    status: 200,
    description: '{ items: [{ tier, version, medianTtvDays, completionWithinTargetRate, ... }] }',
  })
  baseline() {
    return this.dashboards.baseline();
  }

  @Put('baseline/:tier')
  @Allow(...ROUTE_ROLES.manageBaseline)
  @Idempotent()
  @ApiParam({ name: 'tier', enum: TIERS })
  @ApiOperation({ summary: "Enter a tier's pre-program baseline: a new version, the latest counts" })
  @ApiResponse({ status: 200, description: 'The baseline as stored, with its version, who and when' })
  @ApiResponse({ status: 400, description: 'Unknown tier or invalid figures; the message names the field' })
  enterBaseline(@Param('tier') tier: string, @Body() body: PutBaselineDto, @CurrentCaller() caller: Caller) {
    if (!(TIERS as readonly string[]).includes(tier)) {
      throw invalidRequest([{ path: 'tier', message: `tier must be one of: ${TIERS.join(', ')}` }]);
    }
    return this.dashboards.enterBaseline(tier as Tier, body, principalLabel(caller.principal));
  }
}
