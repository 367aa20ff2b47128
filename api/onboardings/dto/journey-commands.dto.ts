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
import { ROLES, Role } from '../../../src/domain/playbook';
import { HandoffDto } from './start-onboarding.dto';

/**
 * Bodies of the CSM commands. The API checks shapes and types; the onboarding workflow's
 * validators check the rules (task unlocked, approver's role, a risk's owner and fallback...).
 */
class ActorDto {
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

export class RequestCutoverDto extends ActorDto {
  @ApiProperty({ enum: ['rehearsal', 'cutover'], description: 'A rehearsal (dry run on staging) or the cutover itself' })
  @IsIn(['rehearsal', 'cutover'], { message: "mode must be 'rehearsal' or 'cutover'" })
  mode: 'rehearsal' | 'cutover';
}

export class OperatorDecisionDto extends ActorDto {
  @ApiProperty({ enum: ['retry', 'done-by-hand'], description: 'retry the failing compensation, or say it was undone by hand' })
  @IsIn(['retry', 'done-by-hand'], { message: "decision must be 'retry' or 'done-by-hand'" })
  decision: 'retry' | 'done-by-hand';

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) note?: string;
}

export class StageSignOffDto extends ActorDto {
  @ApiProperty({ description: 'The rollout step that waits for sign-off', example: 'open-to-everyone' })
  @IsString()
  @IsNotEmpty()
  step: string;

  @ApiProperty({ enum: ROLES, description: "The role the owner signs in; must be the step's named role" })
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role: Role;

  @ApiProperty({ description: 'true signs the stage off; false refuses it, and the cutover rolls back' })
  @IsBoolean()
  approve: boolean;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) note?: string;
}
