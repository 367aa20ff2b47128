import * as fs from 'node:fs';
import * as net from 'node:net';
import { commandLine } from './server-process';

/**
 * Fails with a message a person can act on when something already listens on a port the stack
 * needs: which port, which setting moves it, and (on Linux, when it can be found) which process
 * holds it. Checked before starting a server, because a leftover server on the port would
 * answer our readiness probe, and PostgreSQL would fail with only a log line.
 */
export async function assertPortFree(
  port: number,
  opts: { host?: string; what: string; setting: string },
): Promise<void> {
  if (!(await isListening(port, opts.host ?? '127.0.0.1'))) return;
  const owner = portOwner(port);
  const holder = owner ? `process ${owner.pid} (${owner.command})` : 'another process';
  throw new Error(
    `port ${port} (${opts.what}) is already in use by ${holder}: stop it, or set ${opts.setting} to a free port`,
  );
}

export function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    // A wildcard address is checked where it also listens: this machine.
    const socket = net.connect({ host: host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The process listening on a TCP port, from /proc (Linux only; undefined elsewhere or without permission). */
export function portOwner(port: number): { pid: number; command: string } | undefined {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; field 9 is the socket's inode.
      if (fields.length > 9 && fields[3] === '0A' && parseInt(fields[1].split(':')[1], 16) === port)
        inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    for (const fd of safeReaddir(`/proc/${entry}/fd`)) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        const pid = Number(entry);
        const command = (commandLine(pid) ?? ['?']).join(' ');
        return { pid, command: command.length > 160 ? `${command.slice(0, 160)}…` : command };
      }
    }
  }
  return undefined;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
