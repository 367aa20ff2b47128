import { applyDecorators, Body, Controller, Inject, Post, type RawBodyRequest, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { mapDeliveryId } from '../../src/integrations/crm/field-mapping';
import { HUBSPOT_SIGNATURE_HEADER, HUBSPOT_TIMESTAMP_HEADER } from '../../src/integrations/crm/hubspot-signature';
import { SignedRequest } from '../auth/access.decorator';
import { notFound } from '../common/problem-details';
import {
  assertHubSpotSigned,
  assertStandardWebhookSigned,
  HUBSPOT_SCHEME,
  STANDARD_WEBHOOKS_SCHEME,
} from './crm-signatures';
import { CrmDeliveriesService, type DeliveryReceipt, unprocessable } from './crm-deliveries.service';
import { CRM_WEBHOOKS, type CrmWebhooksOptions } from './crm-webhooks.options';
import { CrmDeliveryAnswerDto } from './dto/crm-delivery-answer.dto';

const SEE = 'see README, "CRM webhooks"';

/**
 * Closed-won deals pushed by CRMs. These routes take no bearer key and no Idempotency-Key: each
 * proves itself with its CRM's signature, and CRMs name each delivery with an id of their own,
 * which is the key (crm_deliveries). Each endpoint answers 404 until its secret is configured.
 */
@ApiTags('crm-webhooks')
@Controller('webhooks/crm')
export class CrmWebhooksController {
  constructor(
    @Inject(CRM_WEBHOOKS) private readonly config: CrmWebhooksOptions,
    private readonly deliveries: CrmDeliveriesService,
  ) {}

  @Post('hubspot')
  @SignedRequest(HUBSPOT_SCHEME)
  @ApiOperation({
    summary: 'A closed-won deal from a HubSpot workflow webhook (signed with HubSpot v3)',
    description:
      "The body's deal and contact properties are mapped to the closed-won command (CRM_FIELD_MAPPING_FILE, or the default HubSpot mapping); the delivery id is read from the body (default: eventId).",
  })
  @ApiHeader({ name: HUBSPOT_SIGNATURE_HEADER, required: true, description: 'base64 HMAC-SHA256 (v3)' })
  @ApiHeader({ name: HUBSPOT_TIMESTAMP_HEADER, required: true, description: 'Milliseconds since the epoch' })
  @ApiBody({ required: true, schema: { type: 'object', description: 'The HubSpot workflow webhook body' } })
  @DeliveryResponses()
  async hubspot(@Req() req: RawBodyRequest<Request>, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const hubspot = this.config.hubspot;
    if (!hubspot) throw notFound(`the HubSpot webhook is not configured (HUBSPOT_CLIENT_SECRET enables it; ${SEE})`);
    assertHubSpotSigned(req, hubspot.clientSecret, hubspot.publicUrl);
    const id = mapDeliveryId(hubspot.mapping, body);
    if ('errors' in id) throw unprocessable('UnmappableDelivery', id.errors);
    return answer(res, await this.deliveries.receive('hubspot', id.deliveryId, body, hubspot.mapping));
  }

  @Post('generic')
  @SignedRequest(STANDARD_WEBHOOKS_SCHEME)
  @ApiOperation({
    summary: 'A closed-won deal from any CRM, signed per Standard Webhooks (Salesforce flows, other CRMs)',
    description:
      'The delivery id is the webhook-id header; the body (`{ type, timestamp, data }`) is mapped to the closed-won command (CRM_FIELD_MAPPING_FILE, or the default generic mapping).',
  })
  @ApiHeader({ name: 'webhook-id', required: true, description: 'The delivery id: the same on every retry' })
  @ApiHeader({ name: 'webhook-timestamp', required: true, description: 'Seconds since the epoch' })
  @ApiHeader({ name: 'webhook-signature', required: true, description: 'v1,<base64 HMAC-SHA256>, space-separated' })
  @ApiBody({ required: true, schema: { type: 'object', description: 'The Standard Webhooks payload' } })
  @DeliveryResponses()
  async generic(@Req() req: RawBodyRequest<Request>, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const generic = this.config.generic;
    if (!generic) throw notFound(`the generic CRM webhook is not configured (CRM_WEBHOOK_SECRET enables it; ${SEE})`);
    assertStandardWebhookSigned(req, generic.secret);
    const deliveryId = req.headers['webhook-id'] as string;
    return answer(res, await this.deliveries.receive('generic', deliveryId, body, generic.mapping));
  }
}

function answer(res: Response, receipt: DeliveryReceipt): CrmDeliveryAnswerDto {
  res.status(receipt.status);
  if (receipt.status === 201) res.location(`/onboardings/${receipt.answer.onboardingId}`);
  return receipt.answer;
}

/** What both endpoints answer. */
function DeliveryResponses() {
  return applyDecorators(
    ApiResponse({ status: 201, type: CrmDeliveryAnswerDto, description: 'This delivery started the onboarding' }),
    ApiResponse({
      status: 200,
      type: CrmDeliveryAnswerDto,
      description:
        'Nothing new started: a replayed delivery (replayed: true), or an onboarding that already exists (outcome says which)',
    }),
    ApiResponse({ status: 401, description: 'Bad or missing signature, or a timestamp more than five minutes off' }),
    ApiResponse({ status: 404, description: 'This CRM endpoint is not configured' }),
    ApiResponse({
      status: 422,
      description:
        "The field mapping cannot fill a field of the closed-won command, or what it fills breaks the command's rules; `errors` names each field",
    }),
  );
}
