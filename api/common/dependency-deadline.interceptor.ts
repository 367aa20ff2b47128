import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { from, lastValueFrom, Observable } from 'rxjs';
import { DEPENDENCY_TIMEOUT_MS } from './tokens';

/**
 * Every Temporal call a request makes, however deep in a service and whatever the SDK sends on
 * its behalf (an update's repeated sends and polls), shares one deadline: the request's start plus
 * API_DEPENDENCY_TIMEOUT_MS. `withDeadline` keeps it in the connection's async-local context, so
 * services need no timeout code. A call past it fails with DEADLINE_EXCEEDED, which problem-of.ts
 * answers with 503 and Retry-After. PostgreSQL's limits are the pool's (data-source.ts).
 */
@Injectable()
export class DependencyDeadlineInterceptor implements NestInterceptor {
  constructor(
    private readonly temporal: Client,
    @Inject(DEPENDENCY_TIMEOUT_MS) private readonly timeoutMs: number,
  ) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const deadline = Date.now() + this.timeoutMs;
    // next.handle() binds the handler to the async context it is called in: this one.
    return from(
      this.temporal.connection.withDeadline(deadline, () => lastValueFrom(next.handle(), { defaultValue: undefined })),
    );
  }
}
