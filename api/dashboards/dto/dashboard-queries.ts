import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional, Matches, Max, Min } from 'class-validator';
import { COHORT_PATTERN, COHORT_RULE } from '../../../src/domain/cohort';
import { SEGMENTS, Segment, TIERS, Tier } from '../../../src/domain/segment';
import { FreeText } from '../../common/free-text';
import { IsoDate } from '../../common/iso-date';

/** GET /dashboards/leadership: every filter optional; the period is on closed-won. */
export class LeadershipQuery {
  @ApiPropertyOptional({ enum: TIERS }) @IsOptional() @IsIn(TIERS) tier?: Tier;
  @ApiPropertyOptional({ enum: SEGMENTS }) @IsOptional() @IsIn(SEGMENTS) segment?: Segment;

  @ApiPropertyOptional({ pattern: COHORT_PATTERN.source, maxLength: 64, example: 'pilot-2027q1' })
  @IsOptional()
  @Matches(COHORT_PATTERN, { message: `cohort ${COHORT_RULE}` })
  cohort?: string;

  @FreeText({ max: 200, optional: true, api: { description: "A CSM's id: that CSM's portfolio" } }) csm?: string;

  @IsoDate({ optional: true, api: { description: 'Onboardings closed-won from this date on (inclusive)' } })
  from?: string;

  @IsoDate({ optional: true, api: { description: 'Onboardings closed-won before this date (exclusive)' } })
  to?: string;
}

/** GET /dashboards/cohorts/:cohort/comparison */
export class ComparisonQuery {
  @ApiPropertyOptional({
    default: 'baseline',
    pattern: COHORT_PATTERN.source,
    maxLength: 64,
    description: '`baseline` (the latest per tier), or another cohort',
  })
  @IsOptional()
  @Matches(COHORT_PATTERN, { message: `against must be baseline or a cohort: ${COHORT_RULE}` })
  against?: string;
}

/** PUT /dashboards/baseline/:tier: the pre-program figures of the current-state audit. */
export class PutBaselineDto {
  @ApiProperty({ example: 45, minimum: 0, maximum: 3650, description: 'Median days from closed-won to first value' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(3650)
  medianTtvDays: number;

  @ApiProperty({
    example: 0.52,
    minimum: 0,
    maximum: 1,
    description: 'Share (0 to 1) of onboardings that met every milestone within target',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  completionWithinTargetRate: number;

  @ApiPropertyOptional({ example: 38, minimum: 0, maximum: 1_000_000, description: 'Onboardings the audit measured' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  sampleSize?: number;

  @FreeText({ max: 2000, optional: true, api: { example: 'Current-state audit, closed-won deals of 2026' } })
  notes?: string;
}
