/** Steps a person takes in the workbench, shared by the UI scenarios: palette commands with a market pick, finding webviews, checking paint. */
import type { Frame, Page } from 'playwright-core';
import { executeCommand, webviewFrame } from '../runner';

const EXT = { extensionId: 'tradesuite.tradesuite' };

export function workbenchSteps(page: () => Page) {
  const pickMarket = async (symbol: string) => {
    const widget = page().locator('.quick-input-widget');
    // The picker's input already has focus; typing (rather than fill) is what a person does and works while it loads.
    await page().keyboard.type(symbol);
    // Keys typed while the picker took the palette's place can land nowhere (seen at load 15: an empty picker, every
    // market listed, so a row of the symbol was there to see, still open after Enter): the input is checked.
    const input = widget.locator('input[placeholder^="Type a symbol"]');
    if ((await input.inputValue({ timeout: 10_000 })) !== symbol) await input.fill(symbol, { timeout: 10_000 });
    await widget.locator('.monaco-list-row.focused', { hasText: symbol }).first().waitFor({ state: 'visible', timeout: 20_000 });
    await page().keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: 10_000 });
  };

  /**
   * A palette command that opens a market picker next (so the quick input never hides in between). Retried like
   * the harness's executeCommand: right after an editor moves, focus may sit inside a webview for a moment. Once Enter
   * ran the command (the palette no longer shows its title) it is never run again: its picker is waited for, however
   * late it opens; a retry then would have typed the command's title into that picker, or opened a second panel.
   */
  const commandThenMarket = async (title: string, symbol: string) => {
    const widget = page().locator('.quick-input-widget');
    const input = widget.locator('input');
    const picker = widget.locator('input[placeholder^="Type a symbol"]');
    const deadline = Date.now() + 45_000;
    const paletteShowsTitle = async () => (await widget.isVisible()) && (await input.first().inputValue({ timeout: 2_000 }).catch(() => '')) === `>${title}`;
    for (;;) {
      let entered = false;
      try {
        if (!(await picker.isVisible())) {
          if (!(await widget.isVisible())) await page().keyboard.press('F1');
          await input.waitFor({ state: 'visible', timeout: 5_000 });
          await input.fill(`>${title}`, { timeout: 2_000 });
          await widget.locator('.monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible', timeout: 3_000 });
          await page().keyboard.press('Enter');
          entered = true;
          await picker.waitFor({ state: 'visible', timeout: 10_000 });
        }
        await pickMarket(symbol);
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        if (entered && !(await paletteShowsTitle())) {
          await picker.waitFor({ state: 'visible', timeout: Math.max(1, deadline - Date.now()) });
          continue; // the command ran: its picker is up now, and the loop's top goes straight to it
        }
        await page().keyboard.press('Escape');
        await widget.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
      }
    }
  };

  const frames = async (count: number): Promise<Frame[]> => {
    await page().locator('iframe.webview.ready').nth(count - 1).waitFor({ state: 'attached', timeout: 30_000 });
    const out: Frame[] = [];
    for (let i = 0; i < count; i++) out.push(await webviewFrame(page(), { ...EXT, index: i }));
    return out;
  };

  /**
   * `count` ready webviews after a window reload. The extension host starts again, then revives each panel: on a loaded
   * machine that took longer than a fixed wait for the last webview (30 s, at load 12). So this waits while it goes on
   * (status bar items as the host comes up, each webview attached, each ready) and fails only when none of that moves
   * for as long as the harness gives the workbench to come up.
   */
  const restoredFrames = async (count: number): Promise<Frame[]> => {
    const STALL_MS = 60_000;
    // Inline in the page (no helper inside: the test's transpiler names functions with a helper the page lacks).
    const progress = () => [document.querySelectorAll('.statusbar-item').length, document.querySelectorAll('iframe.webview').length, document.querySelectorAll('iframe.webview.ready').length].join('/');
    for (let seen = await page().evaluate(progress); ; ) {
      if ((await page().locator('iframe.webview.ready').count()) >= count) return frames(count);
      const moved = await page()
        .waitForFunction((before) => [document.querySelectorAll('.statusbar-item').length, document.querySelectorAll('iframe.webview').length, document.querySelectorAll('iframe.webview.ready').length].join('/') !== before, seen, { timeout: STALL_MS })
        .then(
          () => true,
          () => false,
        );
      const now = await page().evaluate(progress);
      if (!moved && now === seen) throw new Error(`the restored panels stalled for ${STALL_MS / 1000} s at ${now} (status bar items/webviews attached/ready; ${count} ready wanted)`);
      seen = now;
    }
  };

  /** The first webview whose body's data attributes satisfy `matches`; waits for it (a panel just opened becomes a ready webview a moment later under load). */
  const frameWhere = async (what: string, matches: (data: Record<string, string | undefined>) => boolean): Promise<Frame> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const n = await page().locator('iframe.webview.ready').count();
      if (n > 0) for (const f of await frames(n)) if (matches(await f.evaluate(() => ({ ...document.body.dataset })))) return f;
      if (Date.now() > deadline) throw new Error(`no ${what} webview among ${n}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  /** The webview of a kind. */
  const frameOfKind = (kind: string): Promise<Frame> => frameWhere(kind, (data) => data.kind === kind);

  /** Pixels of the chart canvases: more than a handful of distinct colours means candles were painted. */
  const paintedColours = (f: Frame) =>
    f.evaluate(() => {
      const colours = new Set<string>();
      for (const c of Array.from(document.querySelectorAll('canvas'))) {
        const ctx = c.getContext('2d');
        if (!ctx || c.width === 0 || c.height === 0) continue;
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < data.length; i += 4 * 97) colours.add(`${data[i]},${data[i + 1]},${data[i + 2]},${data[i + 3]}`);
      }
      return colours.size;
    });

  /**
   * Moves the panel whose tab reads `tab` into the next group once that tab is the active one: the command moves
   * whichever editor is active, and a panel just opened from a menu or the palette may not be yet (seen in CI: the one
   * before it moved alone and the new one then opened beside it there, hiding it).
   */
  const moveIntoNextGroup = async (tab: string) => {
    const active = page().locator('.tabs-container .tab.active .label-name', { hasText: tab });
    await active.first().waitFor({ state: 'attached', timeout: 20_000 });
    await executeCommand(page(), 'View: Move Editor into Next Group');
  };

  return { pickMarket, commandThenMarket, frames, restoredFrames, frameWhere, frameOfKind, paintedColours, moveIntoNextGroup };
}
