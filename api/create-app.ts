import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule, AppModuleOptions } from './app.module';
import { hardenHttp } from './common/http-hardening';
import { documentErrorContract } from './common/openapi-contract';

export const OPENAPI_PATH = 'docs';

/** Builds the API (not yet listening), shared by `npm start`, api/main.ts and the tests. */
export async function createApp(opts: AppModuleOptions & { logger?: false }): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(opts), {
    logger: opts.logger ?? ['log', 'warn', 'error'],
    bodyParser: false, // hardenHttp registers the only body parser, with size and depth limits
  });
  hardenHttp(app);
  const document = documentErrorContract(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Onboarding Orchestrator')
      .setDescription('Customer onboardings run as durable Temporal workflows')
      .setVersion('0.1.0')
      .build(),
  ));
  SwaggerModule.setup(OPENAPI_PATH, app, document, { jsonDocumentUrl: `${OPENAPI_PATH}/openapi.json` });
  return app;
}
