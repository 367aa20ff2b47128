import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { TIERS, Tier } from '../../../src/domain/segment';
import { FreeText } from '../../common/free-text';

/** A CSM as the roster keeps it: PUT creates or replaces the whole entry. */
export class PutCsmDto {
  // Goes into mails and the read model: the same safe characters as every free text.
  @FreeText({ max: 200, nonEmpty: true, api: { example: 'Ana Lopez' } })
  name: string;

  @ApiProperty({ example: 'ana.lopez@example.com' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ enum: TIERS, isArray: true, description: 'The tiers this CSM takes onboardings of' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(TIERS.length)
  @ArrayUnique()
  @IsIn(TIERS, { each: true })
  tiers: Tier[];

  @ApiProperty({ example: 12, description: 'How many active onboardings this CSM takes at once' })
  @IsInt()
  @Min(0)
  @Max(10_000)
  capacity: number;

  @ApiPropertyOptional({ default: true, description: 'false: no new onboardings (those held stay)' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
