import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The browser's memory as the machine counts it: the proportional set size (PSS, shared pages split among their
 * processes) of every process of this window's Chromium, in MB. Linux only. Other e2e runs on the machine have
 * browsers of their own (helpers run side by side): a process is this one's when its environment has the
 * XDG_CONFIG_HOME the runner gave it (test/e2e/runner.ts, `<code-server's tmpDir>/browser/config`; the extension host
 * runs with TMPDIR `<tmpDir>/tmp`). Throws when no such process is found, rather than reading 0.
 */
export function chromiumPssMb(): number {
  const tmp = process.env.TMPDIR;
  if (!tmp) throw new Error('chromiumPssMb: no TMPDIR in the extension host, so its browser cannot be told from others');
  const mark = `XDG_CONFIG_HOME=${path.join(path.dirname(tmp), 'browser', 'config')}\0`;
  let kb = 0;
  let processes = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('chromium')) continue;
      if (!`${readFileSync(`/proc/${pid}/environ`, 'utf8')}\0`.includes(mark)) continue;
      const pss = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (pss?.[1] !== undefined) {
        kb += Number(pss[1]);
        processes++;
      }
    } catch {
      // The process ended meanwhile.
    }
  }
  if (processes === 0) throw new Error(`chromiumPssMb: no Chromium process with ${mark.slice(0, -1)}`);
  return Math.round(kb / 102.4) / 10;
}
