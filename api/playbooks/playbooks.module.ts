import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PlaybookStore } from '../../src/playbooks/playbook-store';
import { PlaybookPreviewController } from './playbook-preview.controller';
import { PlaybookPreviewService } from './playbook-preview.service';
import { PlaybooksController } from './playbooks.controller';
import { PlaybooksService } from './playbooks.service';

@Module({
  controllers: [PlaybooksController, PlaybookPreviewController],
  providers: [
    { provide: PlaybookStore, useFactory: (ds: DataSource) => new PlaybookStore(ds), inject: [DataSource] },
    PlaybooksService,
    PlaybookPreviewService,
  ],
  exports: [PlaybookStore, PlaybooksService, PlaybookPreviewService],
})
export class PlaybooksModule {}
