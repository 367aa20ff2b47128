import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsOptional, IsUrl, MaxLength } from 'class-validator';
import { DOMAIN_EVENT_TYPES, type DomainEventType } from '../../../src/domain/domain-events';
import { FreeText } from '../../common/free-text';

export const SUBSCRIPTION_URL_MAX_LENGTH = 2000;

/** An endpoint of the CS platform that receives signed event callbacks. */
export class CreateSubscriptionDto {
  // Loopback and private hosts are allowed (the embedded default, tests, an in-cluster receiver):
  // only admins subscribe, redirects are never followed and answers are never shown (docs/ARCHITECTURE.md).
  @ApiProperty({ example: 'https://cs.example.com/hooks/onboarding', maxLength: SUBSCRIPTION_URL_MAX_LENGTH })
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false, allow_underscores: true },
    { message: 'url must be an http:// or https:// URL' },
  )
  @MaxLength(SUBSCRIPTION_URL_MAX_LENGTH)
  url: string;

  @ApiPropertyOptional({
    enum: DOMAIN_EVENT_TYPES,
    isArray: true,
    description: 'The event types to receive; absent: every type, including types added later',
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(DOMAIN_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(DOMAIN_EVENT_TYPES, { each: true })
  eventTypes?: DomainEventType[];

  @FreeText({ max: 200, optional: true, api: { example: 'Gainsight production' } })
  description?: string;
}
