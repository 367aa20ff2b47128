import { Module } from '@nestjs/common';
import { RosterController } from './roster.controller';
import { RosterService } from './roster.service';

/**
 * GET/PUT/DELETE /csms. Uses the shared Temporal client to tell waiting onboardings of a change;
 * the DataSource comes from the app's TypeORM root module.
 */
@Module({ controllers: [RosterController], providers: [RosterService] })
export class RosterModule {}
