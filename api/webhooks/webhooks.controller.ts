import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/access.decorator';
import { ROUTE_ROLES } from '../auth/route-roles';
import { Idempotent } from '../common/idempotency.interceptor';
import { ApiProblems } from '../common/openapi-contract';
import { CreateSubscriptionDto } from './dto/create-subscription.dto';
import { ListDeliveriesQuery } from './dto/list-deliveries.query';
import { WebhooksService } from './webhooks.service';

const ID = { name: 'id', format: 'uuid', example: '7b0a3a52-9a43-4c4e-8f5e-1d2f3c4b5a69' };

/** Admins manage where events go; operators read what was sent and send it again. */
@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('subscriptions')
  @Allow(...ROUTE_ROLES.manageWebhooks)
  @Idempotent()
  @ApiOperation({
    summary: 'Subscribe an endpoint to domain events',
    description:
      'The answer carries the signing secret (`whsec_…`, Standard Webhooks) once: it is never shown again. ' +
      'A retry with the same Idempotency-Key gets the same answer (kept 24 hours).',
  })
  @ApiResponse({
    status: 201,
    description: '{ id, url, description, eventTypes, status, createdAt, secret }',
  })
  @ApiResponse({ status: 400, description: 'Invalid url, eventTypes or description; the message names the field' })
  async subscribe(@Body() body: CreateSubscriptionDto, @Res({ passthrough: true }) res: Response) {
    const subscription = await this.webhooks.subscribe(body);
    res.location(`/webhooks/subscriptions/${subscription.id}`);
    return subscription;
  }

  @Get('subscriptions')
  @Allow(...ROUTE_ROLES.manageWebhooks)
  @ApiOperation({ summary: 'Every subscription, without secrets' })
  @ApiResponse({ status: 200, description: '[{ id, url, description, eventTypes, status, createdAt, disabledAt }]' })
  subscriptions() {
    return this.webhooks.subscriptions();
  }

  @Get('subscriptions/:id')
  @Allow(...ROUTE_ROLES.manageWebhooks)
  @ApiParam(ID)
  @ApiOperation({ summary: 'One subscription, without its secret' })
  @ApiResponse({ status: 200, description: 'The subscription' })
  @ApiResponse({ status: 404, description: 'Unknown subscription' })
  subscription(@Param('id') id: string) {
    return this.webhooks.subscription(id);
  }

  @Delete('subscriptions/:id')
  @Allow(...ROUTE_ROLES.manageWebhooks)
  @ApiParam(ID)
  @ApiOperation({ summary: 'Disable a subscription: nothing more is sent to it; its log stays' })
  @ApiResponse({ status: 200, description: 'The subscription, disabled' })
  @ApiResponse({ status: 404, description: 'Unknown subscription' })
  disable(@Param('id') id: string) {
    return this.webhooks.disable(id);
  }

  @Get('deliveries')
  @Allow(...ROUTE_ROLES.operateWebhooks)
  @ApiOperation({ summary: 'The delivery log, newest first' })
  @ApiResponse({
    status: 200,
    description:
      '[{ id, eventId, eventType, onboardingId, subscriptionId, redeliveryOf, status, attempts, lastStatusCode, lastError, createdAt, deliveredAt, endedAt }]',
  })
  deliveries(@Query() query: ListDeliveriesQuery) {
    return this.webhooks.deliveries(query);
  }

  @Get('deliveries/:id')
  @Allow(...ROUTE_ROLES.operateWebhooks)
  @ApiParam(ID)
  @ApiOperation({ summary: 'One delivery with each of its attempts (status code or error class, time)' })
  @ApiResponse({
    status: 200,
    description: 'The delivery, with attemptLog: [{ attempt, at, statusCode, errorClass, durationMs }]',
  })
  @ApiResponse({ status: 404, description: 'Unknown delivery' })
  delivery(@Param('id') id: string) {
    return this.webhooks.delivery(id);
  }

  @Post('deliveries/:id/redeliver')
  @Allow(...ROUTE_ROLES.operateWebhooks)
  @Idempotent()
  @HttpCode(202)
  @ApiParam(ID)
  @ApiOperation({
    summary: 'Send the event of a delivery again (same webhook-id), as a new delivery with its own attempts',
  })
  @ApiResponse({ status: 202, description: 'The new delivery, on its way' })
  @ApiResponse({ status: 404, description: 'Unknown delivery' })
  @ApiProblems(409)
  redeliver(@Param('id') id: string) {
    return this.webhooks.redeliver(id);
  }
}
