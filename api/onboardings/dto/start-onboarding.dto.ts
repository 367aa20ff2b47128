import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { SEGMENTS, Segment } from '../../../src/domain/segment';

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

export class StartOnboardingDto {
  @ApiProperty({ type: AccountDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AccountDto)
  account: AccountDto;

  @ApiProperty({ enum: SEGMENTS })
  @IsIn(SEGMENTS, { message: `segment must be one of: ${SEGMENTS.join(', ')}` })
  segment: Segment;

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
