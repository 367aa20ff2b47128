import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ApiKeyStore } from '../../src/persistence/api-key-store';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import { BearerAuthGuard } from './bearer-auth.guard';
import { TokenVerifier } from './token-verifier';

/** Who may call what: API keys (src/persistence/api-key-store.ts), OIDC tokens, and the guard on every route. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(opts: AuthOptions): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: AUTH_OPTIONS, useValue: opts },
        { provide: ApiKeyStore, useFactory: (db: DataSource) => new ApiKeyStore(db), inject: [DataSource] },
        TokenVerifier,
        { provide: APP_GUARD, useClass: BearerAuthGuard },
      ],
      exports: [ApiKeyStore, AUTH_OPTIONS],
    };
  }
}
