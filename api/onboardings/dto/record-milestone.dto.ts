import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class RecordMilestoneDto {
  @ApiProperty({ example: 'csm:ana.lopez', description: 'Who reports the milestone' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  actor: string;

  @ApiPropertyOptional({ example: 'crm', description: 'Where the report comes from; defaults to api' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  source?: string;

  @ApiPropertyOptional({ example: 'https://crm.example.com/notes/123' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  evidence?: string;

  @ApiPropertyOptional({ description: 'When it happened (ISO 8601), if not now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  achievedAt?: string;
}
