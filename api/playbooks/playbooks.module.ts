import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PlaybookStore } from '../../src/playbooks/playbook-store';
import { PlaybooksController } from './playbooks.controller';
import { PlaybooksService } from './playbooks.service';

@Module({
  controllers: [PlaybooksController],
  providers: [
    { provide: PlaybookStore, useFactory: (ds: DataSource) => new PlaybookStore(ds), inject: [DataSource] },
    PlaybooksService,
  ],
  exports: [PlaybookStore],
})
export class PlaybooksModule {}
