import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { PREVIEW_LIMITS } from '../../src/playbooks/preview-request';
import { ProblemException } from './problem-details';

/** Bodies are JSON documents of at most this size; the largest real one, a playbook, is a few dozen kB. */
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_BODY_LABEL = '1 MB';
/** Deeper than any real body (a playbook nests 6 levels); far below what overflows the validator's recursion. */
export const MAX_JSON_DEPTH = 32;

/**
 * The HTTP layer in front of every route, registered before Nest's router: security headers,
 * no `X-Powered-By`, JSON only, and a size and nesting limit checked on the raw bytes before
 * anything parses or validates them. Needs the app created with `bodyParser: false`, so that
 * this is the only body parser. Errors reach ProblemDetailsFilter like any other.
 */
export function hardenHttp(app: INestApplication): void {
  const http = app.getHttpAdapter().getInstance() as express.Express;
  http.disable('x-powered-by');
  // Helmet's defaults, except upgrade-insecure-requests: it would break the OpenAPI page served over plain HTTP.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  // Pages: Origin must reach the server on their form posts (CSRF check), which no-referrer
  // would turn into "null"; same-origin still sends nothing to other sites (the tracker's link stays private).
  app.use(PAGE_FORM_PATHS, (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  });
  // A draft playbook pasted into the preview page is a definition as large as the JSON API takes,
  // with a box per task, milestone and gate to tick; the first parser to read a body wins.
  app.use(
    PREVIEW_FORM_PATH,
    express.urlencoded({ extended: false, limit: MAX_BODY_BYTES, parameterLimit: PREVIEW_FORM_FIELDS }),
  );
  app.use(PAGE_FORM_PATHS, express.urlencoded({ extended: false, limit: MAX_FORM_BYTES, parameterLimit: 50 }));
  app.use(PAGE_FORM_PATHS, emptyFieldsAbsent);
  app.use(jsonOnly);
  app.use(express.json({ limit: MAX_BODY_BYTES, strict: true, verify: keepRawBody }));
}

/**
 * The bytes as received, kept on `req.rawBody` (Nest's RawBodyRequest) for routes that check a
 * signature over them (inbound CRM webhooks): re-serialising the parsed body changes them.
 * Checked for depth first, so a refused body is never kept.
 */
function keepRawBody(req: Request, res: Response, buf: Buffer): void {
  refuseDeepJson(req, res, buf);
  (req as Request & { rawBody?: Buffer }).rawBody = buf;
}

/** The HTML pages' forms (api/pages, api/tracker) post `application/x-www-form-urlencoded`; the JSON API does not. */
const PAGE_FORM_PATHS = ['/pages', '/tracker'];
const MAX_FORM_BYTES = 64 * 1024;
const PREVIEW_FORM_PATH = '/pages/playbooks/preview';
/** The preview's own fields and a box for each of the most tasks, milestones and gates a preview takes. */
const PREVIEW_FORM_FIELDS = 10 + PREVIEW_LIMITS.tasks + PREVIEW_LIMITS.milestones + PREVIEW_LIMITS.gates;
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** An empty form field is an absent one, as in the JSON API's optional fields. */
function emptyFieldsAbsent(req: Request, _res: Response, next: NextFunction): void {
  if (req.is(FORM_TYPE) && req.body && typeof req.body === 'object') {
    for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) if (v === '') delete req.body[k];
  }
  next();
}

/** A request that carries a body must say it is JSON; an empty body (Content-Length: 0) carries none. */
function jsonOnly(req: Request, _res: Response, next: NextFunction): void {
  const length = req.headers['content-length'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (!hasBody || req.is('application/json')) return next();
  if (req.is(FORM_TYPE) && PAGE_FORM_PATHS.some((p) => req.path === p || req.path.startsWith(`${p}/`))) return next();
  const type = req.headers['content-type'];
  next(
    new ProblemException({
      status: 415,
      code: 'UnsupportedMediaType',
      detail: type
        ? `the API takes application/json bodies only, got Content-Type ${JSON.stringify(type.slice(0, 100))}`
        : 'the API takes application/json bodies only, and this body has no Content-Type',
      errors: [{ path: 'Content-Type', message: 'Content-Type must be application/json' }],
    }),
  );
}

/**
 * Counts nesting on the raw bytes, outside strings, without recursion: a body nested 10,000
 * levels deep is refused before JSON.parse and class-validator (whose recursion it would overflow)
 * see it. Structural characters are ASCII, so UTF-8 multi-byte sequences never look like them.
 */
function refuseDeepJson(_req: unknown, _res: unknown, buf: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) {
        throw new ProblemException({
          status: 400,
          code: 'BodyTooDeep',
          detail: `the body nests deeper than ${MAX_JSON_DEPTH} levels of objects and arrays`,
          errors: [{ path: '(body)', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` }],
        });
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
}
