import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';

/**
 * A server process that `npm start` runs (PostgreSQL, the Temporal dev server). With
 * `ownProcessGroup`, it runs in a session of its own: a Ctrl-C in the terminal reaches only the
 * stack, which stops the servers itself once the worker has drained, instead of the terminal
 * stopping them under the worker. The price: a stack killed with SIGKILL leaves them running, so
 * each server is recognised at the next start by what it left in its data folder and stopped
 * there (see embedded-postgres.ts and temporal-dev-server.ts).
 *
 * Its output goes to a log file in the data folder (the previous start's is kept as `.1`):
 * a pipe to a stack that has died would break, and it keeps the stack's own output readable.
 */
export interface ServerProcess {
  pid: number;
  logFile: string;
  /** Resolves with how it ended; never rejects. */
  exited: Promise<string>;
  hasExited(): boolean;
  /** Sends `signal`, waits up to `graceMs`, then kills it. */
  stop(signal: NodeJS.Signals, graceMs: number): Promise<void>;
}

const running = new Map<ServerProcess, NodeJS.Signals>();
let exitHookInstalled = false;

export function spawnServer(opts: {
  command: string;
  args: string[];
  logFile: string;
  ownProcessGroup: boolean;
  /** When root: run as this user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
  /** The child's environment; default this process's. */
  env?: NodeJS.ProcessEnv;
  /** Sent if this process exits without stopping the server (an uncaught error, process.exit). */
  stopSignal: NodeJS.Signals;
}): ServerProcess {
  if (fs.existsSync(opts.logFile)) fs.renameSync(opts.logFile, `${opts.logFile}.1`);
  const log = fs.openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    // With `detached`, the child calls setsid(): a session and process group of its own.
    child = spawn(opts.command, opts.args, {
      stdio: ['ignore', log, log],
      detached: opts.ownProcessGroup,
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid } : {}),
    });
  } finally {
    fs.closeSync(log);
  }
  let ended: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) =>
      resolve((ended = signal ? `was stopped by ${signal}` : `exited with code ${code}`)),
    );
    child.once('error', (err) => resolve((ended = `could not be started: ${err.message}`)));
  });
  const server: ServerProcess = {
    pid: child.pid ?? -1,
    logFile: opts.logFile,
    exited,
    hasExited: () => ended !== undefined,
    async stop(signal, graceMs) {
      if (ended === undefined) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      running.delete(server);
    },
  };
  running.set(server, opts.stopSignal);
  void exited.then(() => running.delete(server));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Best effort for a stack that dies of an error: the servers then shut down on their own.
    process.once('exit', () => running.forEach((signal, s) => s.hasExited() || signalQuietly(s.pid, signal)));
  }
  return server;
}

/**
 * A pid read from a file can be anything; 0 and negative numbers would signal whole process
 * groups (-1: every process we may signal), so they never name a process here.
 */
const isPid = (pid: number) => Number.isInteger(pid) && pid > 0;

/** Whether the process runs (a zombie, dead but not yet reaped by its parent, does not). */
export function isRunning(pid: number): boolean {
  if (!isPid(pid)) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    // No /proc (macOS), or the process is gone.
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's command line as its arguments, or undefined when it is not running. */
export function commandLine(pid: number): string[] | undefined {
  if (!isRunning(pid)) return undefined;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    try {
      return execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' })
        .trim()
        .split(/\s+/);
    } catch {
      return undefined;
    }
  }
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  if (!isPid(pid)) return;
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** Stops a process that is not our child (left by an earlier start): `signal`, then SIGKILL after `graceMs`. */
export async function stopLeftover(pid: number, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  signalQuietly(pid, signal);
  const deadline = Date.now() + graceMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) {
      signalQuietly(pid, 'SIGKILL');
      if (Date.now() > deadline + 5_000) throw new Error(`process ${pid} did not stop, even on SIGKILL`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The last lines of a server's log, to say why it did not start. */
export function logTail(file: string, lines = 15): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
