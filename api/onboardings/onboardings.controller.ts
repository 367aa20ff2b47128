import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  acknowledgeEscalationUpdate,
  approveGateUpdate,
  completeHandoffUpdate,
  completeTaskUpdate,
  recordMilestoneUpdate,
  recordRiskUpdate,
  resolveRiskUpdate,
  setCohortUpdate,
} from '../../src/contracts/onboarding.contract';
import {
  AcknowledgeEscalationDto,
  ApproveGateDto,
  CompleteHandoffDto,
  CompleteTaskDto,
  RecordRiskDto,
  ResolveRiskDto,
  SetCohortDto,
} from './dto/journey-commands.dto';
import { Allow } from '../auth/access.decorator';
import { attributed, type Caller, confinedCsm, CurrentCaller } from '../auth/caller';
import { ROUTE_ROLES } from '../auth/route-roles';
import { UpdateId } from '../common/idempotency-key.decorator';
import { Idempotent } from '../common/idempotency.interceptor';
import { ApiProblems } from '../common/openapi-contract';
import { ListOnboardingsQuery } from './dto/list-onboardings.query';
import { RecordMilestoneDto } from './dto/record-milestone.dto';
import { StartOnboardingDto } from './dto/start-onboarding.dto';
import { OnboardingAccess } from './onboarding-access';
import { OnboardingsService } from './onboardings.service';
import { STATE_SOURCE_HEADER } from './projected-view';

@ApiTags('onboardings')
@Controller('onboardings')
export class OnboardingsController {
  constructor(
    private readonly onboardings: OnboardingsService,
    private readonly access: OnboardingAccess,
  ) {}

  @Post()
  @Allow(...ROUTE_ROLES.startOnboardings)
  @Idempotent()
  @ApiOperation({
    summary: 'Start an onboarding for a closed-won deal (idempotent per account)',
    description:
      'Give `segment`, or `arr` and `complexity` for the latest segmentation rule to decide it; the rule maps the segment to the tier.',
  })
  @ApiResponse({
    status: 201,
    description: '{ onboardingId, accountId, segment, tier, playbookVersion, created: true }',
  })
  @ApiResponse({ status: 200, description: 'Already started with the same payload' })
  @ApiResponse({
    status: 400,
    description: 'Invalid payload; the message names the field (or "give segment, or arr and complexity")',
  })
  @ApiResponse({ status: 409, description: 'An onboarding for this account exists with a different payload' })
  async start(@Body() body: StartOnboardingDto, @Res({ passthrough: true }) res: Response) {
    const started = await this.onboardings.start(body);
    res.status(started.created ? 201 : 200).location(`/onboardings/${started.onboardingId}`);
    return started;
  }

  @Get()
  @Allow(...ROUTE_ROLES.readOnboardings)
  @ApiOperation({
    summary: 'List onboardings from the read model',
    description: "A CSM's key lists only the onboardings assigned to that CSM (their portfolio).",
  })
  list(@Query() query: ListOnboardingsQuery, @CurrentCaller() caller: Caller) {
    const csmId = confinedCsm(caller);
    // Another CSM's portfolio holds nothing of theirs for this caller.
    if (csmId && query.csm !== undefined && query.csm !== csmId) return { items: [], total: 0 };
    return this.onboardings.list(csmId ? { ...query, csm: csmId } : query);
  }

  @Get(':id')
  @ApiOperation({
    summary: "An onboarding's live state: stage, tasks, milestones, gates, risks, escalations, what it waits on",
  })
  @ApiResponse({
    status: 200,
    description:
      "The onboarding's live state. When no worker answers within API_LIVE_STATE_TIMEOUT_MS (a busy or absent worker), the read model's projection instead: header `Onboarding-State-Source: read-model` and `stateSource: { kind: 'read-model', revision, projectedAt, reason }` in the body (live answers carry `Onboarding-State-Source: live`)",
    headers: {
      [STATE_SOURCE_HEADER]: {
        description: '`live` or `read-model`',
        schema: { type: 'string', enum: ['live', 'read-model'] },
      },
    },
  })
  @ApiResponse({ status: 404, description: 'No such onboarding' })
  @Allow(...ROUTE_ROLES.readOnboardings)
  async get(@Param('id') id: string, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) res: Response) {
    const reading = await this.onboardings.readState(id);
    this.access.assertMayRead(reading.view, caller);
    res.setHeader(STATE_SOURCE_HEADER, reading.source);
    return reading.view;
  }

  @Post(':id/milestones/:milestone')
  @Allow(...ROUTE_ROLES.journeyWork)
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a milestone; answers whether it was accepted' })
  @Idempotent()
  @ApiResponse({ status: 200, description: "Accepted: the onboarding's new state" })
  @ApiResponse({ status: 404, description: 'No such onboarding, or milestone not in its playbook' })
  @ApiResponse({ status: 409, description: 'Milestone already recorded, or onboarding already ended' })
  async recordMilestone(
    @Param('id') id: string,
    @Param('milestone') milestone: string,
    @Body() body: RecordMilestoneDto,
    @CurrentCaller() caller: Caller,
    @UpdateId() updateId?: string,
  ) {
    await this.access.assertMayTouch(id, caller);
    return this.onboardings.update(id, recordMilestoneUpdate, { ...attributed(body, caller), milestone }, updateId);
  }

  @Post(':id/tasks/:task/complete')
  @Allow(...ROUTE_ROLES.journeyWork)
  @HttpCode(200)
  @ApiOperation({ summary: 'Complete a task; refused while it is locked by its prerequisites' })
  @Idempotent()
  @ApiResponse({ status: 200, description: "Accepted: the onboarding's new state" })
  @ApiResponse({ status: 409, description: 'Task locked or already done' })
  @ApiProblems(404)
  async completeTask(
    @Param('id') id: string,
    @Param('task') task: string,
    @Body() body: CompleteTaskDto,
    @CurrentCaller() caller: Caller,
    @UpdateId() updateId?: string,
  ) {
    await this.access.assertMayTouch(id, caller);
    return this.onboardings.update(id, completeTaskUpdate, { ...attributed(body, caller), task }, updateId);
  }

  @Post(':id/gates/:gate/approve')
  @Allow(...ROUTE_ROLES.approvals)
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a gate, by one of its named roles, with every acceptance criterion met' })
  @Idempotent()
  @ApiResponse({ status: 200, description: "Accepted: the onboarding's new state" })
  @ApiResponse({ status: 403, description: 'Not an approver role of this gate' })
  @ApiResponse({ status: 422, description: 'Acceptance criteria not met' })
  @ApiProblems(404, 409)
  async approveGate(
    @Param('id') id: string,
    @Param('gate') gate: string,
    @Body() body: ApproveGateDto,
    @CurrentCaller() caller: Caller,
    @UpdateId() updateId?: string,
  ) {
    // The role comes from what the caller holds; the body may only choose among those.
    const role = await this.access.gateApproverRole(id, gate, caller, body.role);
    return this.onboardings.update(id, approveGateUpdate, { ...attributed(body, caller, role), role, gate }, updateId);
  }

  @Post(':id/risks')
  @Allow(...ROUTE_ROLES.journeyWork)
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a risk or blocker: refused without an owner, a decision due date and a fallback' })
  @Idempotent()
  @ApiProblems(404, 409)
  async recordRisk(
    @Param('id') id: string,
    @Body() body: RecordRiskDto,
    @CurrentCaller() caller: Caller,
    @UpdateId() updateId?: string,
  ) {
    await this.access.assertMayTouch(id, caller);
    return this.onboardings.update(id, recordRiskUpdate, attributed(body, caller), updateId);
  }

  @Post(':id/risks/:riskId/resolve')
  @Allow(...ROUTE_ROLES.journeyWork)
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve a risk' })
  @Idempotent()
  @ApiProblems(404, 409)
  async resolveRisk(
    @Param('id') id: string,
    @Param('riskId') riskId: string,
    @Body() body: ResolveRiskDto,
    @CurrentCaller() caller: Caller,
    @UpdateId() updateId?: string,
  ) {
    await this.access.assertMayTouch(id, caller);
    return this.onboardings.update(id, resolveRiskUpdate, { ...attributed(body, caller), riskId }, updateId);
  }

  @Post(':id/handoff')
  @Allow(...ROUTE_ROLES.completeHandoffs)
  @HttpCode(200)
  @ApiOperation({ summary: 'Add handoff fields; a complete handoff assigns a CSM and starts the journey' })
  @Idempotent()
  @ApiProblems(404, 409)
  completeHandoff(
    @Param('id') id: string,
    @Body() body: CompleteHandoffDto,
    @CurrentCaller() caller: Caller,
    @UpdateId() updateId?: string,
  ) {
    return this.onboardings.update(id, completeHandoffUpdate, attributed(body, caller), updateId);
  }

  @Post(':id/escalations/:escalationId/acknowledge')
  @Allow(...ROUTE_ROLES.journeyWork)
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge an escalation: the next level waits for the 48-hour review window' })
  @Idempotent()
  @ApiProblems(404, 409)
  async acknowledgeEscalation(
    @Param('id') id: string,
    @Param('escalationId') escalationId: string,
    @Body() body: AcknowledgeEscalationDto,
    @CurrentCaller() caller: Caller,
    @UpdateId() updateId?: string,
  ) {
    await this.access.assertMayTouch(id, caller);
    return this.onboardings.update(
      id,
      acknowledgeEscalationUpdate,
      { ...attributed(body, caller), escalationId },
      updateId,
    );
  }

  @Put(':id/cohort')
  @Allow(...ROUTE_ROLES.assignCohorts)
  @ApiOperation({
    summary: 'Put the onboarding in a cohort (e.g. the pilot), or null for none; the same cohort again changes nothing',
  })
  @ApiResponse({ status: 200, description: "The onboarding's new state" })
  @ApiResponse({ status: 400, description: 'Not a cohort slug; the message names the rule' })
  @ApiProblems(404, 409)
  // No idempotency key needed: setting the cohort it already has changes nothing.
  setCohort(@Param('id') id: string, @Body() body: SetCohortDto, @CurrentCaller() caller: Caller) {
    return this.onboardings.update(id, setCohortUpdate, attributed(body, caller));
  }

  @Get(':id/audit')
  @ApiOperation({ summary: 'The audit log: who decided what, when, on what evidence' })
  @ApiProblems(404)
  @Allow(...ROUTE_ROLES.readOnboardings)
  async audit(@Param('id') id: string, @CurrentCaller() caller: Caller) {
    await this.access.assertMayTouch(id, caller);
    return this.onboardings.audit(id);
  }
}
