import { Module } from '@nestjs/common';
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
  providers: [OnboardingsService, OnboardingAccess],
  exports: [OnboardingsService, OnboardingAccess],
})
export class OnboardingsModule {}
