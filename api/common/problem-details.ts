import { HttpException } from '@nestjs/common';

/**
 * RFC 9457 problem details: the one error shape of every route. `code` is stable (a domain
 * refusal's rule code, or one of the API's own); `errors` lists each bad field of a request.
 */
export interface FieldError {
  path: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code?: string;
  errors?: FieldError[];
  /** Only on 500s: the id under which the error was logged. */
  errorId?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A problem's `type`: one URN per code, so clients can switch on it; plain HTTP errors use about:blank. */
export function problemType(code?: string): string {
  return code ? `urn:onboarding-orchestrator:problem:${code}` : 'about:blank';
}

export interface ProblemOptions {
  status: number;
  code: string;
  detail: string;
  errors?: FieldError[];
  /** Seconds, for 503 and 429. */
  retryAfter?: number;
}

/** The one way the API refuses a request: thrown anywhere, answered by ProblemDetailsFilter. */
export class ProblemException extends HttpException {
  constructor(readonly problem: ProblemOptions) {
    super(problem.detail, problem.status);
  }
}

export const refuse = (status: number, code: string, detail: string): ProblemException =>
  new ProblemException({ status, code, detail });

export const notFound = (detail: string): ProblemException => refuse(404, 'NotFound', detail);

export const invalidRequest = (errors: FieldError[]): ProblemException =>
  new ProblemException({
    status: 400,
    code: 'ValidationFailed',
    detail: errors.map((e) => (e.message.startsWith(e.path) ? e.message : `${e.path}: ${e.message}`)).join('; '),
    errors,
  });
