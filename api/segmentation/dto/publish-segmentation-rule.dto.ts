import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

export class PublishSegmentationRuleDto {
  @ApiProperty({ example: 'revops:lee', description: 'Who publishes this version' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  publishedBy: string;

  @ApiPropertyOptional({ example: 'Enterprise from 200k ARR', description: 'What changed, and why' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string;

  /** Checked by validateSegmentationRule, which names every problem with its path, not by class-validator. */
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The rule: { segments: [{ segment, minArr, minComplexity }] (ordered, catch-all last), tiers: { enterprise, mid-market, smb } }; its version is assigned (highest + 1)',
    example: {
      segments: [
        { segment: 'enterprise', minArr: 250000, minComplexity: 'high' },
        { segment: 'mid-market', minArr: 50000, minComplexity: 'medium' },
        { segment: 'smb', minArr: 0, minComplexity: 'low' },
      ],
      tiers: { enterprise: 'high-touch', 'mid-market': 'tech-touch', smb: 'self-service' },
    },
  })
  @IsObject()
  rule: Record<string, unknown>;
}
