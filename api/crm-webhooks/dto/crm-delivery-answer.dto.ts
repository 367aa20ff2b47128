import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CRM_SOURCES, type CrmSource } from '../../../src/integrations/crm/default-mappings';

export const DELIVERY_OUTCOMES = ['started', 'already-started', 'exists-with-other-payload'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** What a CRM webhook delivery led to. */
export class CrmDeliveryAnswerDto {
  @ApiProperty({ enum: CRM_SOURCES }) source: CrmSource;
  @ApiProperty({ description: "The CRM's delivery id (HubSpot: from the body; Standard Webhooks: webhook-id)" })
  deliveryId: string;

  @ApiProperty({
    enum: DELIVERY_OUTCOMES,
    description:
      'started: this delivery started the onboarding; already-started: it existed with the same closed-won payload; exists-with-other-payload: it existed with another one and was left as it is',
  })
  outcome: DeliveryOutcome;

  @ApiProperty({
    description: 'True when this delivery id was answered before: nothing was started, this is that answer',
  })
  replayed: boolean;

  @ApiProperty({ example: 'onboarding-0015g00000XyZab' }) onboardingId: string;
  @ApiProperty() accountId: string;
  @ApiProperty({ description: 'Whether this delivery (the first time it was answered) created the onboarding' })
  created: boolean;

  @ApiPropertyOptional() segment?: string;
  @ApiPropertyOptional() tier?: string;
  @ApiPropertyOptional() playbookVersion?: number;
}
