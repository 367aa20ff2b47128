import { Module } from '@nestjs/common';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/** GET /reports: the summary reports the report workflow compiled and kept (api reads, the worker writes). */
@Module({ controllers: [ReportsController], providers: [ReportsService] })
export class ReportsModule {}
