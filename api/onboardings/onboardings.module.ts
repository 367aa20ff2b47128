import { Module } from '@nestjs/common';
import type { ChangeFeed } from '../../src/persistence/change-listener';
import { LatestPublished } from '../../src/playbooks/latest-published';
import { PlaybookStore } from '../../src/playbooks/playbook-store';
import { SegmentationStore } from '../../src/playbooks/segmentation-store';
import { CHANGE_FEED } from '../common/change-feed.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OnboardingRecord } from '../../src/persistence/entities/onboarding-record.entity';
import { PlaybooksModule } from '../playbooks/playbooks.module';
import { SegmentationModule } from '../segmentation/segmentation.module';
import { OnboardingsController } from './onboardings.controller';
import { OnboardingAccess } from './onboarding-access';
import { OnboardingsService } from './onboardings.service';

@Module({
  imports: [TypeOrmModule.forFeature([OnboardingRecord]), PlaybooksModule, SegmentationModule],
  controllers: [OnboardingsController],
  providers: [
    {
      provide: LatestPublished,
      useFactory: (playbooks: PlaybookStore, segmentation: SegmentationStore, feed: ChangeFeed) =>
        new LatestPublished(playbooks, segmentation, feed),
      inject: [PlaybookStore, SegmentationStore, CHANGE_FEED],
    },
    OnboardingsService,
    OnboardingAccess,
  ],
  exports: [OnboardingsService, OnboardingAccess],
})
export class OnboardingsModule {}
