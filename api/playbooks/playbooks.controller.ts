import { Allow } from '../auth/access.decorator';
import { ROUTE_ROLES } from '../auth/route-roles';
import { type Caller, CurrentCaller } from '../auth/caller';
import { principalLabel } from '../../src/domain/principal';
import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Idempotent } from '../common/idempotency.interceptor';
import { PublishPlaybookDto } from './dto/publish-playbook.dto';
import { PlaybooksService } from './playbooks.service';

@ApiTags('playbooks')
@Controller('playbooks')
export class PlaybooksController {
  constructor(private readonly playbooks: PlaybooksService) {}

  @Get()
  @Allow(...ROUTE_ROLES.readConfiguration)
  @ApiOperation({ summary: 'Every published version of every tier (without definitions)' })
  list() {
    return this.playbooks.list();
  }

  @Post('validate')
  @Allow(...ROUTE_ROLES.publishConfiguration)
  @HttpCode(200)
  @ApiOperation({ summary: 'Check a playbook definition without publishing it; lists every problem with its path' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true }, description: 'A playbook definition' })
  @ApiResponse({ status: 200, description: '{ valid, errors: [{ path, message }] }' })
  // A plain object type: the global ValidationPipe passes it through untouched.
  validate(@Body() definition: Record<string, unknown>) {
    return this.playbooks.validate(definition);
  }

  @Get(':tier')
  @Allow(...ROUTE_ROLES.readConfiguration)
  @ApiOperation({ summary: "The tier's latest playbook, which new onboardings start on" })
  @ApiResponse({ status: 200, description: 'The playbook, in full' })
  @ApiResponse({ status: 404, description: 'Unknown tier' })
  latest(@Param('tier') tier: string) {
    return this.playbooks.latest(tier);
  }

  @Get(':tier/versions/:version')
  @Allow(...ROUTE_ROLES.readConfiguration)
  @ApiOperation({ summary: 'One version of a tier’s playbook' })
  @ApiResponse({ status: 200, description: 'The playbook version, in full' })
  @ApiResponse({ status: 404, description: 'Unknown tier or version' })
  version(@Param('tier') tier: string, @Param('version') version: number) {
    return this.playbooks.version(tier, version);
  }

  @Post(':tier/versions')
  @Allow(...ROUTE_ROLES.publishConfiguration)
  @Idempotent()
  @ApiOperation({ summary: 'Publish the next version of a tier’s playbook (running onboardings keep theirs)' })
  @ApiResponse({ status: 201, description: '{ tier, version }' })
  @ApiResponse({ status: 400, description: "{ message: 'invalid playbook', errors: [{ path, message }] }" })
  @ApiResponse({ status: 404, description: 'Unknown tier' })
  async publish(
    @Param('tier') tier: string,
    @Body() body: PublishPlaybookDto,
    @Res({ passthrough: true }) res: Response,
    @CurrentCaller() caller: Caller,
  ) {
    const published = await this.playbooks.publish(tier, body, principalLabel(caller.principal));
    res.location(`/playbooks/${published.tier}/versions/${published.version}`);
    return published;
  }
}
