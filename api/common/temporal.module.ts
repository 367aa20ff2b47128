import { DynamicModule, Global, Module } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { TASK_QUEUE } from './tokens';

/**
 * The Temporal client (made by src/infra/temporal-connection.ts and owned by whoever created the
 * app) and the task queue, for every feature module.
 */
@Global()
@Module({})
export class TemporalModule {
  static forRoot(opts: { client: Client; taskQueue: string }): DynamicModule {
    return {
      module: TemporalModule,
      providers: [
        { provide: Client, useValue: opts.client },
        { provide: TASK_QUEUE, useValue: opts.taskQueue },
      ],
      exports: [Client, TASK_QUEUE],
    };
  }
}
