import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { requestCutoverUpdate } from '../../src/contracts/onboarding.contract';
import { Allow } from '../auth/access.decorator';
import { attributed, type Caller, CurrentCaller } from '../auth/caller';
import { ROUTE_ROLES } from '../auth/route-roles';
import { UpdateId } from '../common/idempotency-key.decorator';
import { Idempotent } from '../common/idempotency.interceptor';
import { ApiProblems } from '../common/openapi-contract';
import { OnboardingAccess } from '../onboardings/onboarding-access';
import { OnboardingsService } from '../onboardings/onboardings.service';
import { CutoversService } from './cutovers.service';
import { OperatorDecisionDto, RequestCutoverDto, StageSignOffDto } from './dto/cutover-commands.dto';

/** Rehearsals and cutovers of one onboarding: requested through it, run as its child workflows. */
@ApiTags('cutovers')
@Controller('onboardings/:id/cutovers')
export class CutoversController {
  constructor(
    private readonly onboardings: OnboardingsService,
    private readonly cutovers: CutoversService,
    private readonly access: OnboardingAccess,
  ) {}

  @Post()
  @Allow(...ROUTE_ROLES.cutoverOperations)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Request a rehearsal, or the cutover (only past its readiness gate); each request is a new attempt',
  })
  @Idempotent()
  @ApiResponse({ status: 200, description: "Accepted: the onboarding's new state, with the attempt" })
  @ApiResponse({
    status: 409,
    description: 'Not ready for cutover (the detail lists each condition that fails), or an attempt is still running',
  })
  @ApiProblems(404)
  requestCutover(
    @Param('id') id: string,
    @Body() body: RequestCutoverDto,
    @CurrentCaller() caller: Caller,
    @UpdateId() updateId?: string,
  ) {
    return this.onboardings.update(id, requestCutoverUpdate, attributed(body, caller), updateId);
  }

  @Get(':attempt')
  @Allow(...ROUTE_ROLES.readOnboardings)
  @ApiOperation({ summary: 'A cutover or rehearsal attempt: its steps, failure, compensations, reconciliation' })
  @ApiResponse({ status: 200, description: "The attempt's state" })
  @ApiResponse({ status: 404, description: 'No such onboarding or attempt' })
  async cutover(@Param('id') id: string, @Param('attempt') attempt: number, @CurrentCaller() caller: Caller) {
    await this.access.assertMayTouch(id, caller);
    return this.cutovers.get(id, attempt);
  }

  @Post(':attempt/decision')
  @Allow(...ROUTE_ROLES.cutoverOperations)
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: "An operator's decision for a cutover waiting in needs-operator" })
  @ApiResponse({ status: 200, description: "Accepted: the attempt's new state" })
  @ApiResponse({ status: 409, description: 'No decision pending' })
  @ApiProblems(404)
  decideCutover(
    @Param('id') id: string,
    @Param('attempt') attempt: number,
    @Body() body: OperatorDecisionDto,
    @CurrentCaller() caller: Caller,
    @UpdateId() updateId?: string,
  ) {
    return this.cutovers.decide(id, attempt, attributed(body, caller), updateId);
  }

  @Post(':attempt/sign-off')
  @Allow(...ROUTE_ROLES.approvals)
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary: "A named owner's sign-off of the rollout stage the cutover waits on; a refusal rolls the cutover back",
  })
  @ApiResponse({ status: 200, description: "Accepted: the attempt's new state" })
  @ApiResponse({ status: 403, description: "Not the step's named role" })
  @ApiResponse({ status: 409, description: 'No sign-off pending for that step' })
  @ApiProblems(404)
  signOff(
    @Param('id') id: string,
    @Param('attempt') attempt: number,
    @Body() body: StageSignOffDto,
    @CurrentCaller() caller: Caller,
    @UpdateId() updateId?: string,
  ) {
    // The role is the step's named one, which the caller must hold; never the body's say-so.
    return this.cutovers.signOff(
      id,
      attempt,
      (waitingRole) => {
        const role = this.access.signOffRole(caller, waitingRole, body.role);
        return { ...attributed(body, caller, role), role };
      },
      updateId,
    );
  }
}
