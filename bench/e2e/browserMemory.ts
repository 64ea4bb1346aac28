import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The browser's memory as the machine counts it: the proportional set size (PSS, shared pages split among their
 * processes) of this window's Chromium and every process under it, in MB. Linux only. Other e2e runs on the machine
 * have browsers of their own (helpers run side by side): the browser is this one's when its environment has the
 * XDG_CONFIG_HOME the runner gave it (test/e2e/runner.ts, `<code-server's tmpDir>/browser/config`; the extension host
 * runs with TMPDIR `<tmpDir>/tmp`). Its zygotes, renderers and GPU process do not keep that environment: they are
 * found as its descendants.
 */
export function chromiumPssMb(): number {
  const tmp = process.env.TMPDIR;
  if (!tmp) throw new Error('chromiumPssMb: no TMPDIR in the extension host, so its browser cannot be told from others');
  const mark = `XDG_CONFIG_HOME=${path.join(path.dirname(tmp), 'browser', 'config')}`;
  return processTreePssMb(mark);
}

/** PSS of the processes whose environment holds `mark` (`NAME=value`) and of all their descendants, MB; throws when none holds it. */
export function processTreePssMb(mark: string): number {
  const parentOf = new Map<number, number>();
  const ours = new Set<number>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)) {
    try {
      // The parent is the second field after the name in parentheses (which may hold spaces).
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parentOf.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (`${readFileSync(`/proc/${pid}/environ`, 'utf8')}\0`.includes(`${mark}\0`)) ours.add(pid);
    } catch {
      // The process ended meanwhile, or is not ours to read.
    }
  }
  if (ours.size === 0) throw new Error(`processTreePssMb: no process with ${mark}`);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parentOf) {
      if (!ours.has(pid) && ours.has(parent)) {
        ours.add(pid);
        grew = true;
      }
    }
  }
  let kb = 0;
  for (const pid of ours) {
    try {
      kb += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // The process ended meanwhile.
    }
  }
  return Math.round(kb / 102.4) / 10;
}
