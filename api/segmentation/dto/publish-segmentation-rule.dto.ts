import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';
import { FreeText } from '../../common/free-text';

export class PublishSegmentationRuleDto {
  @FreeText({
    max: 200,
    optional: true,
    api: {
      example: 'revops:lee',
      description:
        'A note on whom this is published for; the version records the authenticated principal as its publisher',
    },
  })
  publishedBy?: string;

  @FreeText({
    max: 2000,
    optional: true,
    api: { example: 'Enterprise from 200k ARR', description: 'What changed, and why' },
  })
  notes?: string;

  /** Checked by validateSegmentationRule, which names every problem with its path, not by class-validator. */
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The rule: { segments: [{ segment, minArr, minComplexity }] (ordered, catch-all last), tiers: { enterprise, mid-market, smb } }; its version is assigned (highest + 1)',
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
