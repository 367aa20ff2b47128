import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator';
import { type Caller, confinedCsm, CurrentCaller } from '../auth/caller';
import { ROUTE_ROLES } from '../auth/route-roles';
import { PortfolioService } from './portfolio.service';

@ApiTags('portfolio')
@Controller('portfolio')
export class PortfolioController {
  constructor(private readonly portfolios: PortfolioService) {}

  @Get()
  @Allow(...ROUTE_ROLES.readOnboardings)
  @ApiOperation({
    summary: "CSM portfolios: each active onboarding sorted by what needs its CSM first (the portfolio page's figures)",
    description:
      "Order: overdue tasks or open escalations, at risk, waiting on the CSM, on track; then the earliest due date. A CSM's key gets only their own portfolio; broader roles get every CSM's with capacity and load, and the unassigned onboardings.",
  })
  @ApiResponse({
    status: 200,
    description: '{ generatedAt, csms: [{ csmId, name, capacity, load, onboardings }], unassigned }',
  })
  portfolio(@CurrentCaller() caller: Caller) {
    return this.portfolios.portfolio(confinedCsm(caller));
  }
}
