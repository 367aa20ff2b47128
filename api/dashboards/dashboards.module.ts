import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RedFlagThresholds } from '../../src/domain/red-flags';
import { BaselineStore } from '../../src/persistence/baseline-store';
import { DashboardStore } from '../../src/persistence/dashboard-store';
import { PlaybooksModule } from '../playbooks/playbooks.module';
import { DashboardsController } from './dashboards.controller';
import { DashboardsService, RED_FLAG_THRESHOLDS } from './dashboards.service';

/** GET /dashboards/leadership, the cohort comparison, and the baselines; SQL over the read model only. */
@Module({})
export class DashboardsModule {
  static forRoot(redFlags: RedFlagThresholds): DynamicModule {
    return {
      module: DashboardsModule,
      imports: [PlaybooksModule],
      controllers: [DashboardsController],
      providers: [
        { provide: DashboardStore, useFactory: (ds: DataSource) => new DashboardStore(ds), inject: [DataSource] },
        { provide: BaselineStore, useFactory: (ds: DataSource) => new BaselineStore(ds), inject: [DataSource] },
        { provide: RED_FLAG_THRESHOLDS, useValue: redFlags },
        DashboardsService,
      ],
      exports: [DashboardsService],
    };
  }
}
