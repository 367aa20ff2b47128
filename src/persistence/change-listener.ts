import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * The channels the triggers of migration 1764320000000-ChangeNotifications notify on, with
 * their payloads: the tier, nothing, the key's public prefix (`oo_` and 8 characters).
 */
export const CHANGE_CHANNELS = {
  playbookPublished: 'playbook_published',
  segmentationRulePublished: 'segmentation_rule_published',
  apiKeyChanged: 'api_key_changed',
} as const;
export type ChangeChannel = (typeof CHANGE_CHANNELS)[keyof typeof CHANGE_CHANNELS];

export interface ChangeListenerOptions {
  databaseUrl: string;
  /** Connecting (each attempt). */
  connectMs: number;
  /** How often the listener proves, by a NOTIFY to itself, that its connection still delivers. Default 2 s. */
  heartbeatMs?: number;
  /** The first wait before connecting again after a loss; doubled up to 15 s. Default 500 ms. */
  reconnectDelayMs?: number;
  /** Structured events (connected; lost, at level warn), without personal data. */
  log?: (event: Record<string, unknown>) => void;
}

/** What a cache asks before it trusts what it holds. */
export interface ChangeFeed {
  /**
   * A number that stays the same while every notification since it began has been received, or
   * undefined while that cannot be said (not connected, connecting, or a heartbeat overdue): then a
   * cache must read PostgreSQL, since a change may be committed without its notification reaching it.
   */
  epoch(): number | undefined;
  on(channel: ChangeChannel, handler: (payload: string) => void): void;
}

type State = 'connecting' | 'live' | 'down' | 'closed';

const MAX_RECONNECT_DELAY_MS = 15_000;
/** A heartbeat is overdue after this many periods without one coming back: the connection is given up. */
const HEARTBEAT_LEASE_PERIODS = 3;

/**
 * One dedicated `pg` connection per process that LISTENs on the change channels, so each API
 * replica drops what it cached when any replica (or any other writer) commits a change. No bus of
 * our own: PostgreSQL delivers a NOTIFY only when its transaction commits, and in commit order.
 *
 * A notification sent while this connection is down is lost, so the feed has no epoch then and
 * caches read PostgreSQL until it is back. A connection that dies silently (no FIN, a paused
 * server) is caught by the heartbeat: a NOTIFY to a channel of its own, whose return proves that
 * every notification committed before it has been delivered (they arrive in commit order).
 */
export class ChangeListener implements ChangeFeed {
  private client?: Client;
  private state: State = 'connecting';
  private currentEpoch = 0;
  /** When the last heartbeat that came back was sent (or LISTEN was confirmed). */
  private confirmedAt = 0;
  private heartbeatTimer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private failures = 0;
  private readonly heartbeatChannel = `change_listener_${randomBytes(8).toString('hex')}`;
  private readonly pendingHeartbeats = new Map<string, number>();
  private readonly handlers = new Map<string, Array<(payload: string) => void>>();
  private readonly lossHandlers: Array<() => void> = [];
  private readonly liveWaiters: Array<() => void> = [];
  /** The PostgreSQL backend serving this listener while live (tests terminate it). */
  backendPid?: number;

  constructor(private readonly opts: ChangeListenerOptions) {}

  private get heartbeatMs(): number {
    return this.opts.heartbeatMs ?? 2_000;
  }

  /** Connects once; on failure it keeps trying in the background (caches read PostgreSQL meanwhile). */
  async start(): Promise<void> {
    await this.connect();
  }

  epoch(): number | undefined {
    if (this.state !== 'live') return undefined;
    if (Date.now() - this.confirmedAt > this.heartbeatMs * HEARTBEAT_LEASE_PERIODS) return undefined;
    return this.currentEpoch;
  }

  on(channel: ChangeChannel, handler: (payload: string) => void): void {
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
  }

  /** Called when the connection is lost: what was cached may miss a notification from now on. */
  onLoss(handler: () => void): void {
    this.lossHandlers.push(handler);
  }

  /** Resolves when the listener is (again) connected and listening. */
  untilLive(): Promise<void> {
    if (this.state === 'live') return Promise.resolve();
    return new Promise((resolve) => this.liveWaiters.push(resolve));
  }

  get isLive(): boolean {
    return this.state === 'live';
  }

  async close(): Promise<void> {
    this.state = 'closed';
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'connecting';
    const client = new Client({
      connectionString: this.opts.databaseUrl,
      connectionTimeoutMillis: this.opts.connectMs,
      keepAlive: true,
      application_name: 'onboarding-api change listener',
    });
    this.client = client;
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, undefined));
    client.on('notification', (n) => this.received(n.channel, n.payload ?? ''));
    try {
      await client.connect();
      for (const channel of [...Object.values(CHANGE_CHANNELS), this.heartbeatChannel])
        await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
      const [{ pid }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
      // Lost or closed while connecting: that path has already taken over.
      if (this.client !== client || (this.state as State) === 'closed') return;
      this.backendPid = pid;
      this.failures = 0;
      this.currentEpoch++;
      this.confirmedAt = Date.now();
      this.state = 'live';
      this.opts.log?.({ msg: 'change listener connected', epoch: this.currentEpoch });
      this.heartbeatTimer = setInterval(() => this.heartbeat(client), this.heartbeatMs);
      this.heartbeatTimer.unref();
      for (const resolve of this.liveWaiters.splice(0)) resolve();
    } catch (err) {
      this.lost(client, err);
    }
  }

  private heartbeat(client: Client): void {
    if (this.client !== client) return;
    if (Date.now() - this.confirmedAt > this.heartbeatMs * HEARTBEAT_LEASE_PERIODS) {
      this.lost(client, new Error('heartbeat overdue'));
      return;
    }
    const token = randomBytes(6).toString('hex');
    this.pendingHeartbeats.set(token, Date.now());
    client.query('SELECT pg_notify($1, $2)', [this.heartbeatChannel, token]).catch((err) => this.lost(client, err));
  }

  private received(channel: string, payload: string): void {
    if (channel === this.heartbeatChannel) {
      const sentAt = this.pendingHeartbeats.get(payload);
      if (sentAt === undefined) return;
      // Earlier tokens that never came back are moot: this one vouches for everything before it.
      for (const [token, at] of this.pendingHeartbeats) if (at <= sentAt) this.pendingHeartbeats.delete(token);
      this.confirmedAt = Math.max(this.confirmedAt, sentAt);
      return;
    }
    for (const handler of this.handlers.get(channel) ?? []) handler(payload);
  }

  private lost(client: Client, err: unknown): void {
    if (this.client !== client || this.state === 'closed') return;
    const wasLive = this.state === 'live';
    this.client = undefined;
    this.backendPid = undefined;
    this.state = 'down';
    clearInterval(this.heartbeatTimer);
    this.pendingHeartbeats.clear();
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    for (const handler of this.lossHandlers) handler();
    const delay = Math.min((this.opts.reconnectDelayMs ?? 500) * 2 ** this.failures++, MAX_RECONNECT_DELAY_MS);
    this.opts.log?.({
      level: 'warn',
      msg: wasLive ? 'change listener lost its connection' : 'change listener could not connect',
      error: err instanceof Error ? err.message : undefined,
      retryInMs: delay,
    });
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
    this.reconnectTimer.unref();
  }
}
