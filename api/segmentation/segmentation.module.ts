import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SegmentationStore } from '../../src/playbooks/segmentation-store';
import { SegmentationController } from './segmentation.controller';
import { SegmentationService } from './segmentation.service';

@Module({
  controllers: [SegmentationController],
  providers: [
    { provide: SegmentationStore, useFactory: (ds: DataSource) => new SegmentationStore(ds), inject: [DataSource] },
    SegmentationService,
  ],
  exports: [SegmentationStore],
})
export class SegmentationModule {}
