import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Client } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/persistence/data-source';
import { OnboardingRecord } from '../src/persistence/entities/onboarding-record.entity';
import { PlaybookStore } from '../src/playbooks/playbook-store';
import { SegmentationStore } from '../src/playbooks/segmentation-store';
import { HealthController } from './health/health.controller';
import { OnboardingsController } from './onboardings/onboardings.controller';
import { OnboardingsService } from './onboardings/onboardings.service';
import { PlaybooksController } from './playbooks/playbooks.controller';
import { PlaybooksService } from './playbooks/playbooks.service';
import { RosterModule } from './roster/roster.module';
import { SegmentationController } from './segmentation/segmentation.controller';
import { SegmentationService } from './segmentation/segmentation.service';
import { TASK_QUEUE } from './tokens';

export interface AppModuleOptions {
  databaseUrl: string;
  /** Owned by the caller, who closes its connection after the app. */
  temporalClient: Client;
  taskQueue: string;
}

@Module({})
export class AppModule {
  static forRoot(opts: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(dataSourceOptions(opts.databaseUrl)),
        TypeOrmModule.forFeature([OnboardingRecord]),
        TerminusModule,
        RosterModule.forClient(opts.temporalClient),
      ],
      controllers: [OnboardingsController, PlaybooksController, SegmentationController, HealthController],
      providers: [
        { provide: Client, useValue: opts.temporalClient },
        { provide: TASK_QUEUE, useValue: opts.taskQueue },
        OnboardingsService,
        { provide: PlaybookStore, useFactory: (ds: DataSource) => new PlaybookStore(ds), inject: [DataSource] },
        PlaybooksService,
        { provide: SegmentationStore, useFactory: (ds: DataSource) => new SegmentationStore(ds), inject: [DataSource] },
        SegmentationService,
      ],
    };
  }
}
