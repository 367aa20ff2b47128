import type { Logger } from '../infra/logger';
import { describeError } from '../infra/logger';

type Stop = () => Promise<unknown>;

/** How a stop ended: `gaveUp` names the parts that did not stop in their time (or at all). */
export interface ShutdownResult {
  complete: boolean;
  gaveUp: string[];
}

export interface ShutdownLimits {
  /** A part's time to stop unless `add` gives it one. */
  partMs: number;
  /** The whole stop: after this, the parts still stopping and those not reached are given up. */
  totalMs: number;
}

const DEFAULT_LIMITS: ShutdownLimits = { partMs: 10_000, totalMs: 60_000 };

/**
 * What `npm start` started, stopped in reverse order, once: each part is registered as soon as
 * it runs, so a start that fails half-way stops what is already up. A part that fails to stop is
 * logged and the rest still stop (PostgreSQL must not be left running because the API hung).
 *
 * Every part has a bounded time (an activity that ignores its cancellation would otherwise keep
 * the worker, and so the stack, running forever): a part that does not stop in its time is
 * given up, logged, and the next part stops. The whole stop has a limit too; past it the stack
 * logs what it gave up on and the result is not complete, which the process reports by exiting 1.
 */
export class Shutdown {
  private readonly parts: Array<{ name: string; stop: Stop; timeoutMs: number }> = [];
  private readonly limits: ShutdownLimits;
  private stopping?: Promise<ShutdownResult>;
  private partTimer?: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    limits: Partial<ShutdownLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  add(name: string, stop: Stop, timeoutMs = this.limits.partMs): void {
    this.parts.push({ name, stop, timeoutMs });
  }

  get started(): boolean {
    return this.stopping !== undefined;
  }

  run(reason: string): Promise<ShutdownResult> {
    this.stopping ??= this.stopAll(reason);
    return this.stopping;
  }

  private async stopAll(reason: string): Promise<ShutdownResult> {
    const { totalMs } = this.limits;
    this.logger.info({ reason }, `${reason}: stopping`);
    const pending = [...this.parts].reverse().map((part) => part.name);
    const gaveUp: string[] = [];
    let overTime = false;
    let totalTimer: NodeJS.Timeout | undefined;
    const total = new Promise<'over'>((resolve) => {
      totalTimer = setTimeout(() => {
        overTime = true;
        resolve('over');
      }, totalMs);
    });
    const inOrder = (async () => {
      for (const part of [...this.parts].reverse()) {
        if (overTime) return;
        const outcome = await Promise.race([this.stopPart(part), total]);
        if (outcome === 'over') return;
        pending.shift();
        if (outcome !== 'stopped') gaveUp.push(part.name);
      }
    })();
    const finished = await Promise.race([inOrder.then(() => 'done' as const), total]);
    clearTimeout(totalTimer);
    clearTimeout(this.partTimer);
    if (finished === 'over') {
      gaveUp.push(...pending);
      this.logger.error(
        { reason, gaveUp, limitMs: totalMs },
        `stopping took longer than ${totalMs} ms: gave up on ${pending.join(', ')}`,
      );
    } else if (gaveUp.length) {
      this.logger.error({ reason, gaveUp }, `stopped, except ${gaveUp.join(', ')}`);
    }
    return { complete: gaveUp.length === 0, gaveUp };
  }

  /** 'stopped', 'failed' (logged) or 'timeout' (logged; the stop goes on, unawaited). */
  private async stopPart(part: { name: string; stop: Stop; timeoutMs: number }): Promise<string> {
    const { name, stop, timeoutMs } = part;
    const timeout = new Promise<'timeout'>((resolve) => {
      this.partTimer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const stopped = (async () => stop())().then(
      () => 'stopped' as const,
      (err: unknown) => {
        this.logger.error({ part: name, err }, `could not stop ${name}: ${describeError(err)}`);
        return 'failed' as const;
      },
    );
    const outcome = await Promise.race([stopped, timeout]);
    clearTimeout(this.partTimer);
    if (outcome === 'stopped') this.logger.info({ part: name }, `stopped ${name}`);
    if (outcome === 'timeout')
      this.logger.error({ part: name, timeoutMs }, `gave up on stopping ${name}: not stopped after ${timeoutMs} ms`);
    return outcome;
  }

  /**
   * SIGINT (Ctrl-C: the terminal sends it to npm and to this process; npm forwards it too) and
   * SIGTERM (a process manager, a container runtime, npm forwarding) stop everything in order,
   * then the process exits 0, or 1 when a part was given up. Repeated signals are ignored: one
   * Ctrl-C under npm arrives twice, so a "second" one cannot mean "stop now"; the limits bound
   * the stop instead. Returns a function that removes the handlers.
   */
  stopOnSignals(exit: (code: number) => void = (code) => process.exit(code)): () => void {
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => {
      const handler = () => {
        if (this.started) return this.logger.info({ signal }, `${signal} while stopping: already stopping`);
        void this.run(signal).then((result) => exit(result.complete ? 0 : 1));
      };
      process.on(signal, handler);
      return [signal, handler] as const;
    });
    return () => handlers.forEach(([signal, handler]) => process.off(signal, handler));
  }
}
