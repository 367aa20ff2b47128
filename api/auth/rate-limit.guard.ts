import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { ProblemException } from '../common/problem-details';
import type { RequestWithCaller } from './caller';

/**
 * A rate limit per principal (`@nestjs/throttler`), after the bearer guard: each key or token
 * has its own budget, so one noisy integration cannot starve the others; routes without a
 * principal (health, signed webhooks) count per client address. Over the limit: 429 with
 * Retry-After, as problem details. Counted in this process: each API replica has its own budget.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const caller = (req as RequestWithCaller).caller;
    return caller ? `${caller.principal.kind}:${caller.principal.id}` : `address:${req.ip}`;
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new ProblemException({
      status: 429,
      code: 'RateLimited',
      detail: `more than ${detail.limit} requests in ${Math.round(detail.ttl / 1000)} s from this ${
        detail.tracker.startsWith('address:') ? 'address' : 'principal'
      }; retry after ${detail.timeToBlockExpire} s`,
      retryAfter: Math.max(1, detail.timeToBlockExpire),
    });
  }
}
