import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { BEARER_SCHEME } from './auth/access.decorator';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import { createLogger, type Logger } from '../src/infra/logger';
import { quietFrameworkStartup, requestLogging } from '../src/infra/request-logging';
import { AppModule, type AppModuleOptions } from './app.module';
import { hardenHttp } from './common/http-hardening';
import { HttpMetrics } from './metrics/http-metrics';
import { requestTracing } from './metrics/request-tracing';
import { documentErrorContract } from './common/openapi-contract';
import { addCrmWebhookSecuritySchemes } from './crm-webhooks/crm-signatures';

export const OPENAPI_PATH = 'docs';

/**
 * The published contract: every route with its roles (`x-roles`), security schemes and error
 * contract. `npm run openapi` writes it to docs/openapi.json, and a test fails when they differ.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  return documentErrorContract(
    SwaggerModule.createDocument(
      app,
      addCrmWebhookSecuritySchemes(
        new DocumentBuilder()
          .setTitle('Onboarding Orchestrator')
          .setDescription('Customer onboardings run as durable Temporal workflows')
          .setVersion('0.1.0')
          .addBearerAuth(
            {
              type: 'http',
              scheme: 'bearer',
              description:
                'An API key (`oo_…`, from `npm run api-keys -- create`) or an access token of the configured OIDC issuer. Each operation lists the roles it allows under `x-roles`.',
            },
            BEARER_SCHEME,
          ),
      ).build(),
    ),
  );
}

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
  // First: every request is timed and counted, whatever answers it.
  app.use(app.get(HttpMetrics).middleware);
  app.use(requestTracing);
  if (logging) {
    app.use(logging.middleware);
    app.useLogger(quietFrameworkStartup(app.get(NestPinoLogger)));
  }
  hardenHttp(app);
  const document = openApiDocument(app);
  SwaggerModule.setup(OPENAPI_PATH, app, document, { jsonDocumentUrl: `${OPENAPI_PATH}/openapi.json` });
  return app;
}
