import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { BoundedIntQuery } from '../../common/bounded-int';

export class ListReportsQuery {
  @BoundedIntQuery({ min: 1, max: 100, api: { default: 20 } }) limit = 20;
  @BoundedIntQuery({ min: 0, api: { default: 0 } }) offset = 0;
}

export const REPORT_FORMATS = ['json', 'html'] as const;

export class ShowReportQuery {
  @ApiPropertyOptional({
    enum: REPORT_FORMATS,
    default: 'json',
    description: 'html: the report as mailed, with its charts inline',
  })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: (typeof REPORT_FORMATS)[number];
}
