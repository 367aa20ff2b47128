import { Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { TrackerLinks } from '../../src/tracker/tracker-links';
import { Allow } from '../auth/access.decorator';
import { type Caller, CurrentCaller } from '../auth/caller';
import { ROUTE_ROLES } from '../auth/route-roles';
import { Idempotent } from '../common/idempotency.interceptor';
import { ApiProblems } from '../common/openapi-contract';
import { OnboardingAccess } from '../onboardings/onboarding-access';
import { TRACKER_LINKS } from './tracker.service';

/** The team's handle on the customer's tracker links: send a fresh one, or withdraw every one sent. */
@ApiTags('onboardings')
@Controller('onboardings/:id/tracker-link')
export class TrackerLinksController {
  constructor(
    @Inject(TRACKER_LINKS) private readonly links: TrackerLinks,
    private readonly access: OnboardingAccess,
  ) {}

  @Post()
  @Allow(...ROUTE_ROLES.manageTrackerLinks)
  @HttpCode(201)
  @Idempotent()
  @ApiOperation({
    summary: "Issue a new link to the customer's progress tracker (signed, expiring; to send to the customer)",
  })
  @ApiResponse({ status: 201, description: '{ url, expiresAt }' })
  @ApiProblems(404)
  async issue(@Param('id') id: string, @CurrentCaller() caller: Caller) {
    // assertMayTouch reads the live state: an unknown onboarding is a 404 before a link exists.
    await this.access.assertMayTouch(id, caller);
    await this.access.assertExists(id);
    return this.links.issue(id);
  }

  @Post('revoke')
  @Allow(...ROUTE_ROLES.manageTrackerLinks)
  @HttpCode(204)
  @Idempotent()
  @ApiOperation({
    summary: 'Revoke every tracker link issued so far for this onboarding; a new one may be issued after',
  })
  @ApiProblems(404)
  async revoke(@Param('id') id: string, @CurrentCaller() caller: Caller) {
    await this.access.assertMayTouch(id, caller);
    await this.access.assertExists(id);
    await this.links.revoke(id);
  }
}
