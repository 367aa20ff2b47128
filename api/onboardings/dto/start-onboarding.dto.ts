import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  Validate,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
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

  @ApiProperty({ example: 'Northwind Bank' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
}

export class StakeholderDto {
  @ApiProperty() @IsString() @IsNotEmpty() name: string;
  @ApiProperty({ example: 'CFO' }) @IsString() @IsNotEmpty() role: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() email?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() executiveSponsor?: boolean;
}

export class ComplianceScopeDto {
  @ApiPropertyOptional({ example: 'EU' }) @IsOptional() @IsString() dataResidency?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() kycRequired?: boolean;
  @ApiPropertyOptional({ example: ['SOC2', 'PCI-DSS'] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  frameworks?: string[];
}

/** Every field is optional here: a missing one makes the handoff incomplete, not the request bad. */
export class HandoffDto {
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @IsString({ each: true }) goals?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @IsString({ each: true }) successCriteria?: string[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  technicalRequirements?: string[];

  @ApiPropertyOptional({ type: [StakeholderDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => StakeholderDto)
  stakeholders?: StakeholderDto[];

  @ApiPropertyOptional({ type: [String], description: 'What Sales promised; an empty list says "nothing"' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  salesPromises?: string[];

  @ApiPropertyOptional({ example: '2027-03-01' }) @IsOptional() @IsISO8601() targetGoLive?: string;

  @ApiPropertyOptional({ type: ComplianceScopeDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ComplianceScopeDto)
  complianceScope?: ComplianceScopeDto;

  @ApiPropertyOptional({ example: 'Accounts, cards and 24 months of payment history' })
  @IsOptional()
  @IsString()
  migrationScope?: string;
}

export class PersonDto {
  @ApiProperty({ example: 'Sam Carter' }) @IsString() @IsNotEmpty() @MaxLength(200) name: string;
  @ApiProperty({ example: 'sam.carter@vendor.example' }) @IsEmail() email: string;
}

export const SEGMENT_OR_MEASURES = 'give segment, or arr and complexity';

/**
 * `segment` when given must be a known one; when absent, `arr` and `complexity` must both be
 * there for the segmentation rule to decide it. (One constraint on `segment`, because
 * `@IsOptional` would skip every check of an absent field.)
 */
@ValidatorConstraint({ name: 'segmentOrMeasures' })
class SegmentOrMeasures implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    if (value !== undefined) return isSegment(value);
    const dto = args.object as Partial<StartOnboardingDto>;
    return dto.arr !== undefined && dto.complexity !== undefined;
  }

  defaultMessage(args: ValidationArguments): string {
    if (args.value !== undefined) return `segment must be one of: ${SEGMENTS.join(', ')}`;
    return SEGMENT_OR_MEASURES;
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
    description: 'The CRM\'s segment; without it, the latest segmentation rule decides it from arr and complexity (then both are required)',
  })
  @Validate(SegmentOrMeasures)
  segment?: Segment;

  @ApiPropertyOptional({ example: 300000, minimum: 0, description: 'Annual recurring revenue of the deal; with complexity, segments the account when no segment is given' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'arr must be a number (annual recurring revenue)' })
  @Min(0)
  arr?: number;

  @ApiPropertyOptional({ enum: COMPLEXITIES, description: 'Complexity of the deal; with arr, segments the account when no segment is given' })
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

  @ApiPropertyOptional({ description: 'When the deal closed (ISO 8601); defaults to now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  closedWonAt?: string;
}
