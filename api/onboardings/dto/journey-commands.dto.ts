import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { FreeText } from '../../common/free-text';
import { IsoDate } from '../../common/iso-date';
import { RISK_CATEGORIES, RiskCategory } from '../../../src/domain/onboarding';
import { ROLES, Role } from '../../../src/domain/roles';
import { CohortOrNoneField } from './cohort.dto';
import { HandoffDto } from './start-onboarding.dto';

/**
 * Bodies of the CSM commands. The API checks shapes and types; the onboarding workflow's
 * validators check the rules (task unlocked, approver's role, a risk's owner and fallback...).
 */
export class ActorDto {
  @FreeText({
    max: 200,
    nonEmpty: true,
    optional: true,
    api: {
      example: 'on behalf of Ana Lopez',
      description:
        'A display note on who acts. The audit log and the history name the authenticated principal (the key or token), never this.',
    },
  })
  actor?: string;
}

export class CompleteTaskDto extends ActorDto {
  @FreeText({ max: 2000, optional: true }) evidence?: string;
}

export class CriterionResultDto {
  @FreeText({ max: 2000, nonEmpty: true }) criterion: string;
  @ApiProperty() @IsBoolean() met: boolean;
  @FreeText({ max: 2000, optional: true }) evidence?: string;
}

export class ApproveGateDto extends ActorDto {
  @ApiProperty({
    enum: ROLES,
    required: false,
    description:
      "The role the approver acts in, among the caller's own roles; default: the first of the gate's approver roles the caller holds",
  })
  @IsOptional()
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role?: Role;

  @ApiProperty({ type: [CriterionResultDto], description: 'One result per acceptance criterion; all must be met' })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CriterionResultDto)
  criteria: CriterionResultDto[];
}

export class RecordRiskDto extends ActorDto {
  @ApiProperty({ enum: RISK_CATEGORIES })
  @IsIn(RISK_CATEGORIES, { message: `category must be one of: ${RISK_CATEGORIES.join(', ')}` })
  category: RiskCategory;

  @FreeText({ max: 2000, nonEmpty: true }) description: string;
  @ApiProperty({ description: 'A blocker stops the journey until resolved' }) @IsBoolean() blocker: boolean;

  // Optional here so that the onboarding's own rule answers, with one message naming what is missing.
  @FreeText({ max: 200, optional: true, api: { required: true } }) owner: string;
  @IsoDate({ optional: true, api: { required: true, example: '2027-01-15' } }) decisionDueDate: string;
  @FreeText({ max: 2000, optional: true, api: { required: true } }) fallback: string;
}

export class ResolveRiskDto extends ActorDto {
  @FreeText({ max: 2000, nonEmpty: true }) resolution: string;
}

export class CompleteHandoffDto extends ActorDto {
  @ApiProperty({ type: HandoffDto, description: 'Handoff fields to add; merged over those sent on closed-won' })
  @IsObject()
  @ValidateNested()
  @Type(() => HandoffDto)
  handoff: HandoffDto;
}

export class AcknowledgeEscalationDto extends ActorDto {}

/** PUT /onboardings/:id/cohort: the cohort, or null to take the onboarding out of any. */
export class SetCohortDto extends ActorDto {
  @CohortOrNoneField() cohort: string | null;
}
