import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Client } from '@temporalio/client';
import { dataSourceOptions } from '../src/persistence/data-source';
import { PathParamPipe } from './common/path-param';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { TemporalModule } from './common/temporal.module';
import { requestValidationPipe } from './common/validation';
import { CutoversModule } from './cutovers/cutovers.module';
import { HealthModule } from './health/health.module';
import { OnboardingsModule } from './onboardings/onboardings.module';
import { PlaybooksModule } from './playbooks/playbooks.module';
import { RosterModule } from './roster/roster.module';
import { SegmentationModule } from './segmentation/segmentation.module';

export interface AppModuleOptions {
  databaseUrl: string;
  /** Owned by the caller, who closes its connection after the app. */
  temporalClient: Client;
  taskQueue: string;
}

/**
 * Feature modules (onboardings, cutovers, playbooks, segmentation, roster, health) over two shared
 * ones: the database and Temporal. Cross-cutting concerns live in api/common and are applied
 * here to every route: the problem-details filter, the path-parameter pipe and the validation pipe.
 */
@Module({})
export class AppModule {
  static forRoot(opts: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(dataSourceOptions(opts.databaseUrl)),
        TemporalModule.forRoot({ client: opts.temporalClient, taskQueue: opts.taskQueue }),
        OnboardingsModule,
        CutoversModule,
        PlaybooksModule,
        SegmentationModule,
        RosterModule,
        HealthModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        // In this order: path parameters are checked before validation turns any into numbers.
        { provide: APP_PIPE, useClass: PathParamPipe },
        { provide: APP_PIPE, useFactory: requestValidationPipe },
      ],
    };
  }
}
