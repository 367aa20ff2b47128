import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, problemType } from './problem-details';
import { problemOf } from './problem-of';
import { titleOf } from './problem-titles';

/**
 * Every error of every route becomes RFC 9457 problem details here, and only here. An
 * unexpected error is a 500 whose body carries only an error id; the log line under that id has
 * the error (never the request body or query, which may hold personal data).
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const instance = (request.originalUrl ?? request.url ?? '').split('?')[0];
    const known = problemOf(err);
    let body: ProblemDetails;
    if (known) {
      body = {
        type: problemType(known.code),
        title: titleOf(known.status),
        status: known.status,
        detail: known.detail,
        instance,
        code: known.code,
        ...(known.errors ? { errors: known.errors } : {}),
      };
      if (known.retryAfter !== undefined) response.setHeader('Retry-After', String(known.retryAfter));
      // RFC 9110: a 401 says how to authenticate.
      if (known.status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    } else {
      const errorId = randomUUID();
      this.logger.error(
        // Under `err`, so the logger's serializer keeps only type, message, code and stack.
        { errorId, method: request.method, route: instance, err },
        `unexpected error ${errorId}`,
      );
      body = {
        type: problemType('InternalError'),
        title: titleOf(500),
        status: 500,
        detail: `an unexpected error occurred; quote error id ${errorId} when reporting it`,
        instance,
        code: 'InternalError',
        errorId,
      };
    }
    if (response.headersSent) return;
    response.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }
}
