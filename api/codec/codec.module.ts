import { DynamicModule, Module } from '@nestjs/common';
import { CodecController } from './codec.controller';
import { CODEC_OPTIONS, type CodecOptions } from './codec.options';

/** The Temporal Web UI's codec endpoint (see CodecController). */
@Module({})
export class CodecModule {
  static forRoot(opts: CodecOptions): DynamicModule {
    return {
      module: CodecModule,
      controllers: [CodecController],
      providers: [{ provide: CODEC_OPTIONS, useValue: opts }],
    };
  }
}
