import { Allow } from '../auth/access.decorator';
import { ROUTE_ROLES } from '../auth/route-roles';
import { type Caller, CurrentCaller } from '../auth/caller';
import { principalLabel } from '../../src/domain/principal';
import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Idempotent } from '../common/idempotency.interceptor';
import { ApiProblems } from '../common/openapi-contract';
import { PublishSegmentationRuleDto } from './dto/publish-segmentation-rule.dto';
import { SegmentationService } from './segmentation.service';

@ApiTags('segmentation')
@Controller('segmentation')
export class SegmentationController {
  constructor(private readonly segmentation: SegmentationService) {}

  @Get()
  @Allow(...ROUTE_ROLES.readConfiguration)
  @ApiOperation({
    summary: 'The latest segmentation rule, which segments new closed-won deals and maps segments to tiers',
  })
  @ApiResponse({ status: 200, description: '{ version, segments: [{ segment, minArr, minComplexity }], tiers }' })
  @ApiProblems(404)
  latest() {
    return this.segmentation.latest();
  }

  @Get('versions')
  @Allow(...ROUTE_ROLES.readConfiguration)
  @ApiOperation({ summary: 'Every published version of the segmentation rule (without the rules)' })
  @ApiResponse({ status: 200, description: '[{ version, publishedAt, publishedBy, notes }]' })
  list() {
    return this.segmentation.list();
  }

  @Get('versions/:version')
  @Allow(...ROUTE_ROLES.readConfiguration)
  @ApiOperation({ summary: 'One version of the segmentation rule' })
  @ApiResponse({ status: 200, description: 'The rule version, in full' })
  @ApiResponse({ status: 404, description: 'No such version' })
  version(@Param('version') version: number) {
    return this.segmentation.version(version);
  }

  @Post('versions')
  @Allow(...ROUTE_ROLES.publishConfiguration)
  @Idempotent()
  @ApiOperation({
    summary:
      'Publish the next version of the segmentation rule (onboardings already started keep their segment and tier)',
  })
  @ApiResponse({ status: 201, description: '{ version }' })
  @ApiResponse({ status: 400, description: "{ message: 'invalid segmentation rule', errors: [{ path, message }] }" })
  async publish(
    @Body() body: PublishSegmentationRuleDto,
    @Res({ passthrough: true }) res: Response,
    @CurrentCaller() caller: Caller,
  ) {
    const published = await this.segmentation.publish(body, principalLabel(caller.principal));
    res.location(`/segmentation/versions/${published.version}`);
    return published;
  }
}
