import type { Server, ServerResponse } from 'node:http';
import { type BeforeApplicationShutdown, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/** How often a closing server drops the keep-alive connections that went idle since. */
const DRAIN_EVERY_MS = 100;

/**
 * Lets the API stop while clients keep their connections alive. `server.close()` refuses new
 * connections and drops the idle ones once, but a client that keeps sending on its keep-alive
 * connection keeps it busy, and the process up, until it is killed. So from the moment shutdown
 * begins, every response not yet sent says `Connection: close` (the client opens a new
 * connection, to another replica), and connections are dropped as soon as they go idle; requests
 * in flight still finish.
 */
@Injectable()
export class ConnectionDraining implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private draining = false;
  private readonly inFlight = new Set<ServerResponse>();

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onApplicationBootstrap(): void {
    this.server()?.on('request', (_req, res: ServerResponse) => {
      if (this.draining) return void res.setHeader('Connection', 'close');
      this.inFlight.add(res);
      res.once('close', () => this.inFlight.delete(res));
    });
  }

  beforeApplicationShutdown(): void {
    const server = this.server();
    if (!server?.listening) return;
    this.draining = true;
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    const drain = setInterval(() => server.closeIdleConnections(), DRAIN_EVERY_MS);
    drain.unref();
    server.once('close', () => clearInterval(drain));
    server.closeIdleConnections();
  }

  private server(): Server | undefined {
    return this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
  }
}
