import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { FreeText } from '../../common/free-text';
import { ROLES, Role } from '../../../src/domain/roles';
import { ActorDto } from '../../onboardings/dto/journey-commands.dto';

export class RequestCutoverDto extends ActorDto {
  @ApiProperty({
    enum: ['rehearsal', 'cutover'],
    description: 'A rehearsal (dry run on staging) or the cutover itself',
  })
  @IsIn(['rehearsal', 'cutover'], { message: "mode must be 'rehearsal' or 'cutover'" })
  mode: 'rehearsal' | 'cutover';
}

export class OperatorDecisionDto extends ActorDto {
  @ApiProperty({
    enum: ['retry', 'done-by-hand'],
    description: 'retry the failing compensation, or say it was undone by hand',
  })
  @IsIn(['retry', 'done-by-hand'], { message: "decision must be 'retry' or 'done-by-hand'" })
  decision: 'retry' | 'done-by-hand';

  @FreeText({ max: 2000, optional: true }) note?: string;
}

export class StageSignOffDto extends ActorDto {
  @FreeText({
    max: 200,
    nonEmpty: true,
    api: { description: 'The rollout step that waits for sign-off', example: 'open-to-everyone' },
  })
  step: string;

  @ApiProperty({
    enum: ROLES,
    required: false,
    description: "The role the owner signs in: the step's named role, which the caller must hold (the default)",
  })
  @IsOptional()
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role?: Role;

  @ApiProperty({ description: 'true signs the stage off; false refuses it, and the cutover rolls back' })
  @IsBoolean()
  approve: boolean;

  @FreeText({ max: 2000, optional: true }) note?: string;
}
