import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { ApiKeyStore } from '../../src/persistence/api-key-store';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import { BearerAuthGuard } from './bearer-auth.guard';
import { PageSessions } from './page-session';
import { randomBytes } from 'node:crypto';
import { RateLimitGuard } from './rate-limit.guard';

const RATE_WINDOW_MS = 60_000;
import { OidcSignIn } from './oidc-sign-in';
import { TokenVerifier } from './token-verifier';

/** Who may call what: API keys (src/persistence/api-key-store.ts), OIDC tokens, and the guard on every route. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(opts: AuthOptions): DynamicModule {
    return {
      module: AuthModule,
      // Off (0) only where a caller asks: tests of other things, benchmarks.
      imports: [
        ThrottlerModule.forRoot({ throttlers: [{ ttl: RATE_WINDOW_MS, limit: opts.rateLimitPerMinute ?? 0 }] }),
      ],
      providers: [
        { provide: AUTH_OPTIONS, useValue: opts },
        { provide: ApiKeyStore, useFactory: (db: DataSource) => new ApiKeyStore(db), inject: [DataSource] },
        TokenVerifier,
        OidcSignIn,
        // Without a configured secret (tests of other things, the OpenAPI writer) sessions last one process.
        {
          provide: PageSessions,
          useValue: new PageSessions(opts.sessionSecret ?? randomBytes(32).toString('base64url')),
        },
        // In this order: the rate limit counts per principal, which the bearer guard establishes.
        { provide: APP_GUARD, useClass: BearerAuthGuard },
        ...(opts.rateLimitPerMinute ? [{ provide: APP_GUARD, useClass: RateLimitGuard }] : []),
      ],
      exports: [ApiKeyStore, AUTH_OPTIONS, PageSessions, OidcSignIn],
    };
  }
}
