/** The TradeSuite output channel's log files under code-server's user data (logs/<session>/…/N-TradeSuite.log). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { artifactsDir } from '../runner';

/** Every TradeSuite log under `dir`, oldest first (a window reload starts a new one). */
export function tradesuiteLogs(dir: string): string[] {
  return logFiles(dir, /TradeSuite\.log$/);
}

/** The log files under `dir`/logs whose name matches, oldest first. */
function logFiles(dir: string, name: RegExp): string[] {
  const stack = [path.join(dir, 'logs')];
  const found: Array<{ file: string; at: number }> = [];
  while (stack.length > 0) {
    const d = stack.pop() as string;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (name.test(e.name)) found.push({ file: p, at: fs.statSync(p).mtimeMs });
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.file);
}

/** The newest TradeSuite log, if any. */
export function newestTradesuiteLog(dir: string): string | undefined {
  return tradesuiteLogs(dir).at(-1);
}

/**
 * Copies every TradeSuite log of a session next to a failure's screenshot (the user data is deleted after the run,
 * and a failure on CI is otherwise seen only through its screenshot). Returns the file written, if any log was found.
 */
export function saveTradesuiteLogs(dir: string, name: string): string | undefined {
  const logs = tradesuiteLogs(dir);
  if (logs.length === 0) return undefined;
  const out = path.join(artifactsDir(), `${name.replace(/[^\w.-]+/g, '_')}.log`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, logs.map((f) => `===== ${f}\n${fs.readFileSync(f, 'utf8')}`).join('\n'));
  // The extension host's own log beside it: a command that threw says so there only (toasts do not show headless).
  const hosts = logFiles(dir, /exthost.*\.log$/i);
  if (hosts.length > 0) fs.writeFileSync(out.replace(/\.log$/, '.exthost.log'), hosts.map((f) => `===== ${f}\n${fs.readFileSync(f, 'utf8')}`).join('\n'));
  return out;
}
