import { DynamicModule, Global, Module } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { DEPENDENCY_TIMEOUT_MS, LIVE_STATE_TIMEOUT_MS, TASK_QUEUE } from './tokens';

/**
 * The Temporal client (made by src/infra/temporal-connection.ts and owned by whoever created the
 * app), the task queue, and the deadline of calls to the API's dependencies, for every feature
 * module.
 */
@Global()
@Module({})
export class TemporalModule {
  static forRoot(opts: {
    client: Client;
    taskQueue: string;
    dependencyTimeoutMs: number;
    liveStateTimeoutMs: number;
  }): DynamicModule {
    return {
      module: TemporalModule,
      providers: [
        { provide: Client, useValue: opts.client },
        { provide: TASK_QUEUE, useValue: opts.taskQueue },
        { provide: DEPENDENCY_TIMEOUT_MS, useValue: opts.dependencyTimeoutMs },
        { provide: LIVE_STATE_TIMEOUT_MS, useValue: opts.liveStateTimeoutMs },
      ],
      exports: [Client, TASK_QUEUE, DEPENDENCY_TIMEOUT_MS, LIVE_STATE_TIMEOUT_MS],
    };
  }
}
