import { type DynamicModule, Inject, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { CodecController } from './codec.controller';
import { CODEC_OPTIONS, type CodecOptions } from './codec.options';

/** The Temporal Web UI's codec endpoint (see CodecController). */
@Module({})
export class CodecModule implements NestModule {
  constructor(@Inject(CODEC_OPTIONS) private readonly opts: CodecOptions) {}

  static forRoot(opts: CodecOptions): DynamicModule {
    return {
      module: CodecModule,
      controllers: [CodecController],
      providers: [{ provide: CODEC_OPTIONS, useValue: opts }],
    };
  }

  /**
   * CORS for the UI's origins on every answer of /codec, refusals of the bearer guard (401, 403)
   * included: they come before the controller, and the UI could not read them otherwise.
   */
  configure(consumer: MiddlewareConsumer): void {
    const origins = this.opts.uiOrigins;
    consumer
      .apply((req: Request, res: Response, next: NextFunction) => {
        const origin = req.headers.origin;
        res.vary('Origin');
        if (origin && origins.includes(origin)) {
          res.setHeader('Access-Control-Allow-Origin', origin);
          res.setHeader('Access-Control-Allow-Credentials', 'true');
        }
        next();
      })
      .forRoutes(CodecController);
  }
}
