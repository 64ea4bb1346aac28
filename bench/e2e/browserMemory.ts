import { readdirSync, readFileSync } from 'node:fs';

/**
 * The browser's memory as the machine counts it: the proportional set size (PSS, shared pages split among their
 * processes) of every Chromium process, in MB. Linux only; the benchmark's browser is the only Chromium running.
 */
export function chromiumPssMb(): number {
  let kb = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('chromium')) continue;
      const pss = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (pss?.[1] !== undefined) kb += Number(pss[1]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return Math.round(kb / 102.4) / 10;
}
