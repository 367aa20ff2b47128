import { type DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TrackerLinks, type TrackerLinkOptions } from '../../src/tracker/tracker-links';
import { OnboardingsModule } from '../onboardings/onboardings.module';
import { PlaybooksModule } from '../playbooks/playbooks.module';
import { TrackerLinksController } from './tracker-links.controller';
import { TrackerPage } from './tracker.page';
import { TRACKER_LINKS, TrackerService } from './tracker.service';

/** The customer's progress tracker behind its signed link, and the team's routes to issue and revoke links. */
@Module({})
export class TrackerModule {
  static forRoot(links: TrackerLinkOptions): DynamicModule {
    return {
      module: TrackerModule,
      imports: [OnboardingsModule, PlaybooksModule],
      controllers: [TrackerPage, TrackerLinksController],
      providers: [
        { provide: TRACKER_LINKS, useFactory: (db: DataSource) => new TrackerLinks(db, links), inject: [DataSource] },
        TrackerService,
      ],
    };
  }
}
