/**
 * The workbench's own errors (its console and uncaught ones), kept per page while a scenario runs and saved beside a
 * failure's logs: a command that ran on the host but showed nothing (a panel with no tab) can only be explained there.
 */
import * as fs from 'node:fs';
import type { Page } from 'playwright-core';

/** The newest lines kept per page: a failure needs what led to it, not the whole session. */
const KEPT_LINES = 300;

const kept = new WeakMap<Page, string[]>();

/** A sink for `openWorkbench`'s `onConsoleError`, whose lines `saveBrowserConsole` writes once `page` is known. */
export function consoleRing(): { sink: (text: string) => void; attach(page: Page): void } {
  const lines: string[] = [];
  return {
    sink: (text) => {
      lines.push(`${new Date().toISOString()} ${text}`);
      if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
    },
    attach: (page) => kept.set(page, lines),
  };
}

/** Writes the page's kept console errors to `file` (none: says so); returns how many there were. */
export function saveBrowserConsole(page: Page, file: string): number {
  const lines = kept.get(page) ?? [];
  fs.writeFileSync(file, lines.length > 0 ? `${lines.join('\n')}\n` : 'no console errors kept\n');
  return lines.length;
}

/** The page's newest `n` kept console errors (a defect seen and got past is told in the run's output). */
export function browserConsoleTail(page: Page, n: number): string[] {
  return (kept.get(page) ?? []).slice(-n);
}
