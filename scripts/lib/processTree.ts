/** Linux process-tree helpers shared by `npm start`, its start-up check and the e2e runner: find, signal, wait. */
import * as fs from 'node:fs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Direct children of a process (/proc/<pid>/task/<tid>/children); [] when it is gone. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const txt = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (txt) out.push(...txt.split(/\s+/).map(Number));
    }
  } catch {
    /* gone, or not Linux */
  }
  return out;
}

export function descendants(pid: number): number[] {
  const all: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    for (const c of childrenOf(p)) {
      all.push(c);
      stack.push(c);
    }
  }
  return all;
}

/** A process that exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return procStat(pid)?.state !== 'Z';
}

export interface ProcStat {
  readonly pid: number;
  readonly state: string;
  readonly pgid: number;
  /** Clock ticks after boot: with the pid, identifies a process even after its pid is reused. */
  readonly startTime: number;
  readonly command: string;
}

/** Fields of /proc/<pid>/stat, or undefined when the process is gone. */
export function procStat(pid: number): ProcStat | undefined {
  let txt: string;
  try {
    txt = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp …": comm may contain spaces and parentheses, so split after the last ')'.
  const close = txt.lastIndexOf(')');
  const fields = txt.slice(close + 2).split(' ');
  let command = txt.slice(txt.indexOf('(') + 1, close);
  try {
    command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ') || command;
  } catch {
    /* gone meanwhile */
  }
  return { pid, state: fields[0] ?? '?', pgid: Number(fields[2]), startTime: Number(fields[19]), command };
}

/** Every live process whose process group is one of `groups`. */
export function processesInGroups(groups: ReadonlySet<number>): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = procStat(Number(name));
    if (s && s.state !== 'Z' && groups.has(s.pgid)) out.push(s);
  }
  return out;
}

/**
 * SIGTERM the process group and every descendant found in /proc, then SIGKILL whatever is left after `graceMs`.
 * Processes appear while others end (code-server starts a file watcher or an extension host as it shuts down, and
 * a process reparented to init is no longer a descendant): every poll looks again, by descendant and by group, and
 * signals what it has not signalled yet, until nothing is left or `hardMs` has passed.
 */
export async function killTree(pid: number, graceMs = 1000, hardMs = graceMs + 5000): Promise<void> {
  const group = procStat(pid)?.pgid === pid ? pid : undefined;
  const members = (): number[] => {
    const set = new Set([pid, ...descendants(pid)]);
    if (group !== undefined) for (const s of processesInGroups(new Set([group]))) set.add(s.pid);
    return [...set].filter(alive);
  };
  const signalled = new Map<number, NodeJS.Signals>();
  const signal = (sig: NodeJS.Signals, pids: readonly number[]) => {
    if (group !== undefined && signalled.get(-group) !== sig) {
      signalled.set(-group, sig);
      try {
        process.kill(-group, sig);
      } catch {
        /* no such group */
      }
    }
    for (const p of pids) {
      if (signalled.get(p) === sig) continue;
      signalled.set(p, sig);
      try {
        process.kill(p, sig);
      } catch {
        /* already gone */
      }
    }
  };
  const start = Date.now();
  for (let left = members(); left.length > 0 && Date.now() - start < hardMs; left = members()) {
    signal(Date.now() - start < graceMs ? 'SIGTERM' : 'SIGKILL', left);
    await sleep(100);
  }
}
