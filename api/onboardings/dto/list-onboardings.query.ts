import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { TIERS, Tier } from '../../../src/domain/segment';
import { WAITING_ON_KINDS, WaitingOnKind } from '../../../src/domain/waiting-on';

const STATUSES = ['handoff-incomplete', 'in-progress', 'completed'] as const;

export class ListOnboardingsQuery {
  @ApiPropertyOptional({ enum: TIERS }) @IsOptional() @IsIn(TIERS) tier?: Tier;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: (typeof STATUSES)[number];
  @ApiPropertyOptional() @IsOptional() @IsString() stage?: string;
  @ApiPropertyOptional({ description: "A CSM's id: that CSM's portfolio" }) @IsOptional() @IsString() csm?: string;
  @ApiPropertyOptional({ enum: WAITING_ON_KINDS }) @IsOptional() @IsIn(WAITING_ON_KINDS) waitingOn?: WaitingOnKind;
  @ApiPropertyOptional({ description: 'true: only onboardings at risk; false: only those not at risk' })
  @IsOptional()
  // Query strings are text: only the words true and false are accepted.
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  atRisk?: boolean;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit = 50;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset = 0;
}
