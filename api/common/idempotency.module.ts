import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IdempotencyStore } from '../../src/persistence/idempotency-store';
import type { IdempotencyStoreOptions } from '../../src/persistence/idempotency-store';
import { IdempotencyInterceptor } from './idempotency.interceptor';

export interface IdempotencyOptions extends IdempotencyStoreOptions {
  /** How often expired records are deleted. */
  cleanupEveryMs: number;
}

const OPTIONS = Symbol('IdempotencyOptions');

/**
 * Deletes expired records on a timer in each API process. Claims also delete an expired record
 * of their own key (so a key is reusable the moment it expires), but keys that are never sent
 * again would stay forever without this. Several replicas deleting the same rows is harmless.
 */
@Injectable()
export class IdempotencyCleanup implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Idempotency');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: IdempotencyStore,
    @Inject(OPTIONS) private readonly options: IdempotencyOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.clean(), this.options.cleanupEveryMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async clean(): Promise<void> {
    try {
      await this.store.deleteExpired();
    } catch (err) {
      // The database may be down; the next tick tries again.
      this.logger.warn(
        `could not delete expired idempotency records: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
}

/** The idempotency store and the `@Idempotent()` interceptor, for every feature module. */
@Global()
@Module({})
export class IdempotencyModule {
  static forRoot(options: IdempotencyOptions): DynamicModule {
    return {
      module: IdempotencyModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: IdempotencyStore,
          useFactory: (db: DataSource) => new IdempotencyStore(db, options),
          inject: [DataSource],
        },
        IdempotencyInterceptor,
        IdempotencyCleanup,
      ],
      exports: [IdempotencyStore, IdempotencyInterceptor],
    };
  }
}
