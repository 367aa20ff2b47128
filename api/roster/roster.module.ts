import { DynamicModule, Module } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { RosterController } from './roster.controller';
import { RosterService } from './roster.service';

/**
 * GET/PUT/DELETE /csms. Takes the Temporal client (owned by the caller) to tell waiting
 * onboardings of a change; the DataSource comes from the app's TypeORM root module.
 */
@Module({})
export class RosterModule {
  static forClient(client: Client): DynamicModule {
    return {
      module: RosterModule,
      controllers: [RosterController],
      providers: [{ provide: Client, useValue: client }, RosterService],
    };
  }
}
