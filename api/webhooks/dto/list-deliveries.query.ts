import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { DOMAIN_EVENT_TYPES, type DomainEventType } from '../../../src/domain/domain-events';
import { BoundedIntQuery } from '../../common/bounded-int';
import { FreeText } from '../../common/free-text';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../../src/persistence/webhook-log';

export class ListDeliveriesQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() subscriptionId?: string;
  @ApiPropertyOptional({ enum: DOMAIN_EVENT_TYPES })
  @IsOptional()
  @IsIn(DOMAIN_EVENT_TYPES)
  eventType?: DomainEventType;
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES }) @IsOptional() @IsIn(DELIVERY_STATUSES) status?: DeliveryStatus;
  @FreeText({ max: 200, optional: true }) onboardingId?: string;
  @BoundedIntQuery({ min: 1, max: 500, api: { default: 50 } }) limit = 50;
  @BoundedIntQuery({ min: 0, api: { default: 0 } }) offset = 0;
}
