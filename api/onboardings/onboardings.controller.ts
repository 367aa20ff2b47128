import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ListOnboardingsQuery } from './dto/list-onboardings.query';
import { RecordMilestoneDto } from './dto/record-milestone.dto';
import { StartOnboardingDto } from './dto/start-onboarding.dto';
import { OnboardingsService } from './onboardings.service';

@ApiTags('onboardings')
@Controller('onboardings')
export class OnboardingsController {
  constructor(private readonly onboardings: OnboardingsService) {}

  @Post()
  @ApiOperation({ summary: 'Start an onboarding for a closed-won deal (idempotent per account)' })
  @ApiResponse({ status: 201, description: 'Started' })
  @ApiResponse({ status: 200, description: 'Already started with the same payload' })
  @ApiResponse({ status: 400, description: 'Invalid payload; the message names the field' })
  @ApiResponse({ status: 409, description: 'An onboarding for this account exists with a different payload' })
  async start(@Body() body: StartOnboardingDto, @Res({ passthrough: true }) res: Response) {
    const started = await this.onboardings.start(body);
    res.status(started.created ? 201 : 200).location(`/onboardings/${started.onboardingId}`);
    return started;
  }

  @Get()
  @ApiOperation({ summary: 'List onboardings from the read model' })
  list(@Query() query: ListOnboardingsQuery) {
    return this.onboardings.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: "An onboarding's live state: stage, milestones, status" })
  @ApiResponse({ status: 404, description: 'No such onboarding' })
  get(@Param('id') id: string) {
    return this.onboardings.getState(id);
  }

  @Post(':id/milestones/:milestone')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a milestone; answers whether it was accepted' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried call with the same key is applied once' })
  @ApiResponse({ status: 404, description: 'No such onboarding, or milestone not in its playbook' })
  @ApiResponse({ status: 409, description: 'Milestone already recorded, or onboarding already ended' })
  recordMilestone(
    @Param('id') id: string,
    @Param('milestone') milestone: string,
    @Body() body: RecordMilestoneDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.onboardings.recordMilestone(id, milestone, body, idempotencyKey);
  }
}
