import * as fs from 'node:fs';

/**
 * Pausing a real server: SIGSTOP freezes a process without closing its sockets, so clients see a
 * dependency that accepts connections and never answers, the hardest kind of outage to bound.
 * Linux only (/proc).
 */
function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined; // gone meanwhile
  }
}

function allPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** The process and every process below it. */
export function processTree(root: number): number[] {
  const pids = allPids();
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    const parent = parentOf(pid);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    (children.get(pid) ?? []).forEach(visit);
  };
  visit(root);
  return tree;
}

/** Processes whose command line contains `text` (e.g. a server's unique data file). */
export function pidsWithCommandLine(text: string): number[] {
  return allPids().filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(text);
    } catch {
      return false;
    }
  });
}

/** PostgreSQL's postmaster, from its data folder: the first line of postmaster.pid. */
export function postmasterPid(dataDir: string): number {
  return Number(fs.readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
}

/**
 * Runs `fn` with the processes stopped (SIGSTOP), and always continues them (SIGCONT) after.
 * `pids` is re-read when pausing, so backends started since are stopped too.
 */
export async function whilePaused<T>(pids: () => number[], fn: () => Promise<T>): Promise<T> {
  const stopped = pids();
  if (stopped.length === 0) throw new Error('no process to pause');
  try {
    for (const pid of stopped) process.kill(pid, 'SIGSTOP');
    return await fn();
  } finally {
    for (const pid of stopped) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // already gone
      }
    }
  }
}
