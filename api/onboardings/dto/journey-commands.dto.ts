import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { RISK_CATEGORIES, RiskCategory } from '../../../src/domain/onboarding';
import { ROLES, Role } from '../../../src/domain/roles';
import { HandoffDto } from './start-onboarding.dto';

/**
 * Bodies of the CSM commands. The API checks shapes and types; the onboarding workflow's
 * validators check the rules (task unlocked, approver's role, a risk's owner and fallback...).
 */
export class ActorDto {
  @ApiProperty({ example: 'csm:ana.lopez', description: 'Who acts' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  actor: string;
}

export class CompleteTaskDto extends ActorDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) evidence?: string;
}

export class CriterionResultDto {
  @ApiProperty() @IsString() @IsNotEmpty() criterion: string;
  @ApiProperty() @IsBoolean() met: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) evidence?: string;
}

export class ApproveGateDto extends ActorDto {
  @ApiProperty({ enum: ROLES, description: "The role the approver acts in; must be one of the gate's approvers" })
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role: Role;

  @ApiProperty({ type: [CriterionResultDto], description: 'One result per acceptance criterion; all must be met' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CriterionResultDto)
  criteria: CriterionResultDto[];
}

export class RecordRiskDto extends ActorDto {
  @ApiProperty({ enum: RISK_CATEGORIES })
  @IsIn(RISK_CATEGORIES, { message: `category must be one of: ${RISK_CATEGORIES.join(', ')}` })
  category: RiskCategory;

  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(2000) description: string;
  @ApiProperty({ description: 'A blocker stops the journey until resolved' }) @IsBoolean() blocker: boolean;

  // Optional here so that the onboarding's own rule answers, with one message naming what is missing.
  @ApiProperty() @IsOptional() @IsString() owner: string;
  @ApiProperty({ example: '2027-01-15' }) @IsOptional() @IsString() decisionDueDate: string;
  @ApiProperty() @IsOptional() @IsString() fallback: string;
}

export class ResolveRiskDto extends ActorDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(2000) resolution: string;
}

export class CompleteHandoffDto extends ActorDto {
  @ApiProperty({ type: HandoffDto, description: 'Handoff fields to add; merged over those sent on closed-won' })
  @IsObject()
  @ValidateNested()
  @Type(() => HandoffDto)
  handoff: HandoffDto;
}

export class AcknowledgeEscalationDto extends ActorDto {}
