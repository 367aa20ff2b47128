import type { Logger } from '../infra/logger';
import { describeError } from '../infra/logger';

type Stop = () => Promise<unknown>;

/**
 * What `npm start` started, stopped in reverse order, once: each part is registered as soon as
 * it runs, so a start that fails half-way stops what is already up. A part that fails to stop is
 * logged and the rest still stop (PostgreSQL must not be left running because the API hung).
 */
export class Shutdown {
  private readonly parts: Array<[string, Stop]> = [];
  private stopping?: Promise<void>;

  constructor(private readonly logger: Logger) {}

  add(name: string, stop: Stop): void {
    this.parts.push([name, stop]);
  }

  get started(): boolean {
    return this.stopping !== undefined;
  }

  run(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info({ reason }, `${reason}: stopping`);
      for (const [name, stop] of [...this.parts].reverse()) {
        try {
          await stop();
          this.logger.info({ part: name }, `stopped ${name}`);
        } catch (err) {
          this.logger.error({ part: name, err }, `could not stop ${name}: ${describeError(err)}`);
        }
      }
    })();
    return this.stopping;
  }

  /**
   * SIGINT (Ctrl-C: the terminal sends it to npm and to this process; npm forwards it too) and
   * SIGTERM (a process manager, a container runtime, npm forwarding) stop everything in order,
   * then the process exits 0. Repeated signals are ignored: a second Ctrl-C must not kill the
   * process before PostgreSQL has stopped.
   */
  stopOnSignals(): void {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (this.started) return this.logger.info({ signal }, `${signal} while stopping: already stopping`);
        void this.run(signal).then(() => process.exit(0));
      });
    }
  }
}
