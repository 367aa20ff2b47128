import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { BoundedIntQuery } from '../../common/bounded-int';
import { FreeText } from '../../common/free-text';
import { TIERS, Tier } from '../../../src/domain/segment';
import { WAITING_ON_KINDS, WaitingOnKind } from '../../../src/domain/waiting-on';

const STATUSES = ['handoff-incomplete', 'in-progress', 'completed'] as const;

export class ListOnboardingsQuery {
  @ApiPropertyOptional({ enum: TIERS }) @IsOptional() @IsIn(TIERS) tier?: Tier;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: (typeof STATUSES)[number];
  @FreeText({ max: 200, optional: true }) stage?: string;
  @FreeText({ max: 200, optional: true, api: { description: "A CSM's id: that CSM's portfolio" } }) csm?: string;
  @FreeText({ max: 64, optional: true, api: { description: 'A cohort, e.g. pilot-2027q1' } }) cohort?: string;
  @ApiPropertyOptional({ enum: WAITING_ON_KINDS }) @IsOptional() @IsIn(WAITING_ON_KINDS) waitingOn?: WaitingOnKind;
  @ApiPropertyOptional({ description: 'true: only onboardings at risk; false: only those not at risk' })
  @IsOptional()
  // Query strings are text: only the words true and false are accepted.
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  atRisk?: boolean;
  @BoundedIntQuery({ min: 1, max: 500, api: { default: 50 } }) limit = 50;
  @BoundedIntQuery({ min: 0, api: { default: 0 } }) offset = 0;
}
