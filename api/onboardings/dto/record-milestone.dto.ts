import { FreeText } from '../../common/free-text';
import { IsoDate } from '../../common/iso-date';

export class RecordMilestoneDto {
  @FreeText({ max: 200, nonEmpty: true, api: { example: 'csm:ana.lopez', description: 'Who reports the milestone' } })
  actor: string;

  @FreeText({
    max: 100,
    optional: true,
    api: { example: 'crm', description: 'Where the report comes from; defaults to api' },
  })
  source?: string;

  @FreeText({ max: 2000, optional: true, api: { example: 'https://crm.example.com/notes/123' } })
  evidence?: string;

  @IsoDate({ optional: true, api: { description: 'When it happened (ISO 8601), if not now' } })
  achievedAt?: string;
}
