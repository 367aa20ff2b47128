import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { problemOf } from '../common/problem-of';
import { html } from './html';
import { sendPage } from './layout';

/**
 * Errors of the HTML pages, as pages: a person without a session is sent to the sign-in form
 * (and back after it); any other refusal is a page that says it in plain words, with its status.
 * The JSON API keeps its problem details (ProblemDetailsFilter); this filter is on page
 * controllers only (`@UseFilters`), which Nest consults before the global one.
 */
@Catch()
export class PageErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Pages');

  catch(err: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    const known = problemOf(err);
    if (known?.status === 401 && request.method === 'GET') {
      response.redirect(303, `/pages/sign-in?next=${encodeURIComponent(request.originalUrl)}`);
      return;
    }
    let status = known?.status ?? 500;
    let text = known?.detail ?? '';
    if (!known) {
      const errorId = randomUUID();
      this.logger.error({ errorId, method: request.method, route: request.path, err }, `unexpected error ${errorId}`);
      text = `Something went wrong on our side. Quote error id ${errorId} when you report it.`;
      status = 500;
    } else if (status === 401) {
      text = 'Your session has ended. Sign in again.';
    }
    const title =
      status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : status === 401 ? 'Sign in' : 'Refused';
    sendPage(
      response,
      status,
      { title, notice: { kind: 'refused', text } },
      html`<p><a href="/pages/portfolio">Back to the portfolio</a> · <a href="/pages/sign-in">Sign in</a></p>`,
    );
  }
}
