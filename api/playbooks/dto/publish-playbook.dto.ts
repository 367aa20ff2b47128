import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

export class PublishPlaybookDto {
  @ApiProperty({ example: 'cs-ops:maria', description: 'Who publishes this version' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  publishedBy: string;

  @ApiPropertyOptional({ example: 'Shorter kickoff target', description: 'What changed, and why' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string;

  /** Checked by validatePlaybook, which names every problem with its path, not by class-validator. */
  @ApiProperty({ type: 'object', additionalProperties: true, description: "The playbook; its version is assigned (the tier's highest + 1)" })
  @IsObject()
  definition: Record<string, unknown>;
}
