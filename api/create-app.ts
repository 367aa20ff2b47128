import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import { createLogger, type Logger } from '../src/infra/logger';
import { quietFrameworkStartup, requestLogging } from '../src/infra/request-logging';
import { AppModule, type AppModuleOptions } from './app.module';
import { hardenHttp } from './common/http-hardening';
import { documentErrorContract } from './common/openapi-contract';
import { addCrmWebhookSecuritySchemes } from './crm-webhooks/crm-signatures';

export const OPENAPI_PATH = 'docs';

/**
 * Builds the API (not yet listening), shared by `npm start`, api/main.ts and the tests. Logs are
 * pino JSON lines with a request id (src/infra/request-logging.ts); `logger: false` silences them.
 */
export async function createApp(opts: AppModuleOptions & { logger?: false | Logger }): Promise<INestApplication> {
  const root = AppModule.forRoot(opts);
  const logging = opts.logger === false ? undefined : requestLogging(opts.logger ?? createLogger({ level: 'info' }));
  // bodyParser: false: hardenHttp registers the only body parser, with size and depth limits.
  // abortOnError: false: a failed start throws to the caller, which stops what it started.
  const app = logging
    ? await NestFactory.create(
        { ...root, imports: [...(root.imports ?? []), logging.module] },
        { bufferLogs: true, abortOnError: false, bodyParser: false },
      )
    : await NestFactory.create(root, { logger: false, bodyParser: false });
  if (logging) {
    app.use(logging.middleware);
    app.useLogger(quietFrameworkStartup(app.get(NestPinoLogger)));
  }
  hardenHttp(app);
  const document = documentErrorContract(
    SwaggerModule.createDocument(
      app,
      addCrmWebhookSecuritySchemes(
        new DocumentBuilder()
          .setTitle('Onboarding Orchestrator')
          .setDescription('Customer onboardings run as durable Temporal workflows')
          .setVersion('0.1.0'),
      ).build(),
    ),
  );
  SwaggerModule.setup(OPENAPI_PATH, app, document, { jsonDocumentUrl: `${OPENAPI_PATH}/openapi.json` });
  return app;
}
