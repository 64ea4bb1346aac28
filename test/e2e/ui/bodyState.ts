/** Waiting on a webview's own report of its state (its body's data attributes), named when it does not come. */
import type { Frame } from 'playwright-core';

/**
 * Resolves once `holds(arg)`, evaluated in the page (a function without closure: `arg` is what it is given), is true; `timeoutMs` bounds it, it is not a guess of how long
 * the state takes. A timeout throws naming `awaited` and the body data the page reported then, so a failure says
 * what did not happen and where the page was instead (Playwright's own message names neither).
 */
export async function untilBodyState(frame: Frame, awaited: string, holds: (arg: string | undefined) => boolean, arg: string | undefined, timeoutMs: number): Promise<void> {
  const started = Date.now();
  try {
    await frame.waitForFunction(holds, arg, { timeout: timeoutMs });
  } catch (err) {
    if (!(err instanceof Error) || err.name !== 'TimeoutError') throw err;
    const data = await frame.evaluate(() => JSON.stringify(document.body.dataset)).catch((e: unknown) => `unreadable (${e instanceof Error ? e.message : String(e)})`);
    throw new Error(`waited ${Math.round((Date.now() - started) / 1000)} s for ${awaited}; the page's body data then: ${data}`);
  }
}
