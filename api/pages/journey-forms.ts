import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import {
  AcknowledgeEscalationDto,
  CompleteTaskDto,
  RecordRiskDto,
  ResolveRiskDto,
} from '../onboardings/dto/journey-commands.dto';
import { RecordMilestoneDto } from '../onboardings/dto/record-milestone.dto';

/**
 * The daily-work forms of an onboarding's page: the JSON API's command bodies plus the session's
 * CSRF token, so a form is checked by the same rules as the API call it stands for.
 */
export class MilestoneForm extends RecordMilestoneDto {
  @IsOptional() @IsString() @MaxLength(200) _csrf?: string;
}

export class TaskForm extends CompleteTaskDto {
  @IsOptional() @IsString() @MaxLength(200) _csrf?: string;
}

export class AcknowledgeForm extends AcknowledgeEscalationDto {
  @IsOptional() @IsString() @MaxLength(200) _csrf?: string;
}

export class ResolveRiskForm extends ResolveRiskDto {
  @IsOptional() @IsString() @MaxLength(200) _csrf?: string;
}

export class RiskForm extends RecordRiskDto {
  @IsOptional() @IsString() @MaxLength(200) _csrf?: string;

  // A form sends text: "yes" / "no" from the page's select.
  @Transform(({ value }) => (value === 'yes' ? true : value === 'no' ? false : value))
  @IsBoolean()
  blocker: boolean = false;
}
