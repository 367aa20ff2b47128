import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Min,
  Validate,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { FreeText } from '../../common/free-text';
import { CohortField } from './cohort.dto';
import { IsoDate } from '../../common/iso-date';
import { isSegment, SEGMENTS, Segment } from '../../../src/domain/segment';
import { COMPLEXITIES, Complexity } from '../../../src/domain/segmentation';

/** The closed-won payload the CS platform or CRM sends. Handoff fields may arrive incomplete. */
export class AccountDto {
  @ApiProperty({ example: '0015g00000XyZab', description: 'CRM account id; the onboarding id is derived from it' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, {
    message: 'account.id must be 1-100 letters, digits, or . _ : - and start with a letter or digit',
  })
  id: string;

  @FreeText({ max: 200, nonEmpty: true, api: { example: 'Northwind Bank' } })
  name: string;
}

export class StakeholderDto {
  @FreeText({ max: 200, nonEmpty: true }) name: string;
  @FreeText({ max: 200, nonEmpty: true, api: { example: 'CFO' } }) role: string;
  @ApiPropertyOptional({ format: 'email' }) @IsOptional() @IsEmail() email?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() executiveSponsor?: boolean;
}

export class ComplianceScopeDto {
  @FreeText({ max: 200, optional: true, api: { example: 'EU' } }) dataResidency?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() kycRequired?: boolean;
  @FreeText({ max: 200, each: true, optional: true, api: { example: ['SOC2', 'PCI-DSS'] } })
  frameworks?: string[];
}

/** Every field is optional here: a missing one makes the handoff incomplete, not the request bad. */
export class HandoffDto {
  @FreeText({ max: 2000, each: true, optional: true }) goals?: string[];
  @FreeText({ max: 2000, each: true, optional: true }) successCriteria?: string[];
  @FreeText({ max: 2000, each: true, optional: true }) technicalRequirements?: string[];

  @ApiPropertyOptional({ type: [StakeholderDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => StakeholderDto)
  stakeholders?: StakeholderDto[];

  @FreeText({
    max: 2000,
    each: true,
    optional: true,
    api: { description: 'What Sales promised; an empty list says "nothing"' },
  })
  salesPromises?: string[];

  @IsoDate({ optional: true, api: { example: '2027-03-01' } }) targetGoLive?: string;

  @ApiPropertyOptional({ type: ComplianceScopeDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ComplianceScopeDto)
  complianceScope?: ComplianceScopeDto;

  @FreeText({ max: 2000, optional: true, api: { example: 'Accounts, cards and 24 months of payment history' } })
  migrationScope?: string;
}

export class PersonDto {
  @FreeText({ max: 200, nonEmpty: true, api: { example: 'Sam Carter' } }) name: string;
  @ApiProperty({ format: 'email', example: 'sam.carter@vendor.example' }) @IsEmail() email: string;
}

export const SEGMENT_OR_MEASURES = 'give segment, or arr and complexity';
export const SEGMENT_AND_MEASURES = 'give segment, or arr and complexity, not both';

/**
 * Either `segment` (a known one) or both `arr` and `complexity` for the segmentation rule to
 * decide it; not both, since one would silently win over the other. (One constraint on
 * `segment`, because `@IsOptional` would skip every check of an absent field.)
 */
@ValidatorConstraint({ name: 'segmentOrMeasures' })
class SegmentOrMeasures implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const dto = args.object as Partial<StartOnboardingDto>;
    if (value !== undefined) return isSegment(value) && dto.arr === undefined && dto.complexity === undefined;
    return dto.arr !== undefined && dto.complexity !== undefined;
  }

  defaultMessage(args: ValidationArguments): string {
    if (args.value === undefined) return SEGMENT_OR_MEASURES;
    if (!isSegment(args.value)) return `segment must be one of: ${SEGMENTS.join(', ')}`;
    const dto = args.object as Partial<StartOnboardingDto>;
    const given = ['arr', 'complexity'].filter((k) => dto[k as 'arr' | 'complexity'] !== undefined).join(' and ');
    return `${SEGMENT_AND_MEASURES}: segment and ${given} were given`;
  }
}

export class StartOnboardingDto {
  @ApiProperty({ type: AccountDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AccountDto)
  account: AccountDto;

  @ApiPropertyOptional({
    enum: SEGMENTS,
    description:
      "The CRM's segment; without it, the latest segmentation rule decides it from arr and complexity (then both are required). Not together with arr or complexity.",
  })
  @Validate(SegmentOrMeasures)
  segment?: Segment;

  @ApiPropertyOptional({
    example: 300000,
    minimum: 0,
    description: 'Annual recurring revenue of the deal; with complexity, segments the account when no segment is given',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'arr must be a number (annual recurring revenue)' })
  @Min(0)
  arr?: number;

  @ApiPropertyOptional({
    enum: COMPLEXITIES,
    description: 'Complexity of the deal; with arr, segments the account when no segment is given',
  })
  @IsOptional()
  @IsIn(COMPLEXITIES, { message: `complexity must be one of: ${COMPLEXITIES.join(', ')}` })
  complexity?: Complexity;

  @ApiProperty({ type: HandoffDto })
  @IsObject()
  @ValidateNested()
  @Type(() => HandoffDto)
  handoff: HandoffDto;

  @ApiProperty({ type: PersonDto, description: 'Sales owner of the deal: reminded while the handoff is incomplete' })
  @IsObject()
  @ValidateNested()
  @Type(() => PersonDto)
  salesOwner: PersonDto;

  @IsoDate({ optional: true, api: { description: 'When the deal closed (ISO 8601); defaults to now' } })
  closedWonAt?: string;

  @CohortField()
  cohort?: string;
}
