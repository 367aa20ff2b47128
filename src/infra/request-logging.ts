import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamicModule, LoggerService } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type HttpLogger, pinoHttp } from 'pino-http';
import { type Logger, safeError } from './logger';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The API's logs through pino: one line per request with its id, method, path (never the query
 * string, which can carry e-mail addresses, nor the body) and status; Nest's own logs written
 * while serving a request carry the request too (nestjs-pino). A caller's X-Request-Id is kept
 * when it looks like an id, so a request can be followed from the CS platform; it is echoed in
 * the answer.
 *
 * `middleware` goes first (`app.use` before Nest's body parser): a body that is not valid JSON
 * fails in the parser, before any module middleware, and would not be logged at all. `module`
 * lets Nest's logs find the request's logger (`useExisting`: the middleware already made it).
 */
export function requestLogging(logger: Logger): { middleware: HttpLogger; module: DynamicModule } {
  return {
    middleware: requestLogger(logger),
    module: LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true }),
  };
}

function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: requestId,
    // Our serializers see the raw objects: the wrapped ones would hand us the URL with its query.
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { id?: unknown; originalUrl?: string }) => ({
        id: req.id,
        method: req.method,
        path: loggedPath(req.originalUrl ?? req.url ?? ''),
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      err: safeError,
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  });
}

/**
 * The path as logged: never the query, and never a tracker link's token (a credential that
 * opens a customer's page: /tracker/<token>/… is logged as /tracker/[link]/…).
 */
export function loggedPath(url: string): string {
  return url.split('?')[0].replace(/^\/tracker\/[^/]+/, '/tracker/[link]');
}

function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers[REQUEST_ID_HEADER];
  const id = typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** Nest's own start-up lines (modules loaded, each route mapped, application started). */
const FRAMEWORK_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/**
 * Nest logs about 70 lines at `log` level on every start; they would bury what a person needs
 * (the URL block), so they go out at debug (LOG_LEVEL=debug shows them).
 */
export function quietFrameworkStartup(logger: LoggerService): LoggerService {
  const isFramework = (params: unknown[]) => FRAMEWORK_CONTEXTS.has(params.at(-1) as string);
  return {
    log: (message, ...params) =>
      isFramework(params) ? logger.debug?.(message, ...params) : logger.log(message, ...params),
    error: (message, ...params) => logger.error(message, ...params),
    warn: (message, ...params) => logger.warn(message, ...params),
    debug: (message, ...params) => logger.debug?.(message, ...params),
    verbose: (message, ...params) => logger.verbose?.(message, ...params),
    fatal: (message, ...params) => logger.fatal?.(message, ...params),
  };
}
