import { FreeText } from '../../common/free-text';
import { IsoDate } from '../../common/iso-date';
import { ActorDto } from './journey-commands.dto';

/** Who reports it is the authenticated principal; `actor` is only a display note (see ActorDto). */
export class RecordMilestoneDto extends ActorDto {
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
