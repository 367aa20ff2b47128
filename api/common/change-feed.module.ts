import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { type ChangeFeed, ChangeListener } from '../../src/persistence/change-listener';

/** The process's change feed (src/persistence/change-listener.ts): what its caches ask before trusting memory. */
export const CHANGE_FEED = Symbol('CHANGE_FEED');

export interface ChangeFeedOptions {
  databaseUrl: string;
  connectMs: number;
  /** False only where nothing connects (the OpenAPI writer): every cache then reads PostgreSQL. */
  enabled: boolean;
  heartbeatMs?: number;
  reconnectDelayMs?: number;
}

/** A feed that never vouches for memory: every read goes to PostgreSQL. */
const NO_FEED: ChangeFeed = { epoch: () => undefined, on: () => undefined };

@Injectable()
class ChangeListenerLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(CHANGE_FEED) private readonly feed: ChangeFeed) {}

  // Bounded by connectMs; a failure does not stop the API (it retries, and caches read PostgreSQL meanwhile).
  async onModuleInit(): Promise<void> {
    if (this.feed instanceof ChangeListener) await this.feed.start();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.feed instanceof ChangeListener) await this.feed.close();
  }
}

/** One dedicated LISTEN connection per API process, shared by every cache in it. */
@Global()
@Module({})
export class ChangeFeedModule {
  static forRoot(opts: ChangeFeedOptions): DynamicModule {
    const logger = new Logger('ChangeListener');
    return {
      module: ChangeFeedModule,
      providers: [
        {
          provide: CHANGE_FEED,
          useFactory: () =>
            opts.enabled
              ? new ChangeListener({
                  databaseUrl: opts.databaseUrl,
                  connectMs: opts.connectMs,
                  heartbeatMs: opts.heartbeatMs,
                  reconnectDelayMs: opts.reconnectDelayMs,
                  log: ({ msg, level, ...fields }) =>
                    level === 'warn' ? logger.warn(fields, String(msg)) : logger.log(fields, String(msg)),
                })
              : NO_FEED,
        },
        ChangeListenerLifecycle,
      ],
      exports: [CHANGE_FEED],
    };
  }
}
