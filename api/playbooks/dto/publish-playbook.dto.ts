import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';
import { FreeText } from '../../common/free-text';

export class PublishPlaybookDto {
  @FreeText({
    max: 200,
    optional: true,
    api: {
      example: 'cs-ops:maria',
      description:
        'A note on whom this is published for; the version records the authenticated principal as its publisher',
    },
  })
  publishedBy?: string;

  @FreeText({
    max: 2000,
    optional: true,
    api: { example: 'Shorter kickoff target', description: 'What changed, and why' },
  })
  notes?: string;

  /** Checked by validatePlaybook, which names every problem with its path, not by class-validator. */
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The playbook; its version is assigned (the tier's highest + 1)",
  })
  @IsObject()
  definition: Record<string, unknown>;
}
