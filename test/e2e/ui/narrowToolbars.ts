/**
 * Narrow editor splits (300–600 px) in the real workbench: every visible panel's toolbar keeps its words whole. A note
 * hides whole, the badge says its word, the buttons their short labels, a select hides whole
 * (webviews/shared/toolbarFit.ts); nothing is cut to a fragment (the aggregate chart's exchange read "a" beside a long
 * badge at about 500 px, the tape's select "big…"), no label-less button shows, and the badge stays inside the
 * toolbar. No number of a table (tape, ladder, book) in view is cut either: a column gives way whole
 * (webviews/shared/columnFit.ts; the tape's size read "0.0…", the ladder's "1.011…"). The split's width is set by the window's, measured on one
 * panel; screenshots of that panel at some widths, in the light and the dark theme.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { artifactsDir, webviewFrame } from '../runner';
import { setColorTheme } from './colorTheme';

const EXT = { extensionId: 'tradesuite.tradesuite' };

/** What is wrong with one page's toolbar as laid out now (nothing: []). The symbol, shortened last of all, is not judged. */
export function toolbarTrouble(frame: Frame): Promise<string[]> {
  // No named functions inside: the page has no `__name`, which the bundler wraps them in.
  return frame.evaluate(() => {
    const bar = document.querySelector('.toolbar');
    if (!bar) return ['no toolbar'];
    const box = bar.getBoundingClientRect();
    const shown = [...bar.querySelectorAll<HTMLElement>('.toolbar-note, .badge-text, .badge-word, .tool-button, .badge')].filter((el) => el.getClientRects().length > 0);
    return [
      ...shown.filter((el) => el.scrollWidth > el.clientWidth).map((el) => `"${el.textContent?.trim() ?? ''}" cut (${el.scrollWidth} px in ${el.clientWidth})`),
      ...shown.filter((el) => el.classList.contains('tool-button') && el.innerText.trim() === '').map((el) => `a button with no label shown (${el.getAttribute('aria-label') ?? el.className})`),
      ...shown.filter((el) => el.getBoundingClientRect().right > box.right + 0.5).map((el) => `"${el.textContent?.trim() ?? ''}" past the toolbar's end (${Math.round(el.getBoundingClientRect().right)} > ${Math.round(box.right)})`),
    ];
  });
}

/** What is cut in one page's tables as laid out now: their numbers (and the tape's exchange) in the rows in view. */
export function tableTrouble(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => {
    const out: string[] = [];
    for (const row of document.querySelectorAll<HTMLElement>('.list-row')) {
      const box = row.getBoundingClientRect();
      if (box.height === 0 || box.bottom <= 0 || box.top >= window.innerHeight) continue;
      for (const cell of row.querySelectorAll<HTMLElement>('.num, .col-venue')) {
        if (cell.getClientRects().length > 0 && cell.scrollWidth > cell.clientWidth) out.push(`"${cell.innerText.trim()}" cut in ${row.className.split(' ').slice(0, 2).join(' ')} (${cell.scrollWidth} px in ${cell.clientWidth})`);
      }
    }
    for (const select of document.querySelectorAll<HTMLElement>('.toolbar vscode-single-select')) {
      const text = select.shadowRoot?.querySelector<HTMLElement>('.select-face .text');
      if (text && text.getClientRects().length > 0 && text.scrollWidth > text.clientWidth) out.push(`the select "${text.textContent?.trim() ?? ''}" cut (${text.scrollWidth} px in ${text.clientWidth})`);
    }
    return out;
  });
}

/** Whether no workbench hover (a tab's tooltip) is shown: one covered the toolbar in a screenshot. */
const noHover = () => ![...document.querySelectorAll<HTMLElement>('.workbench-hover, .monaco-hover')].some((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden');

/** After the page's next two frames: a resize observed, its fit applied and painted. */
const painted = (f: Frame) => f.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

/** The TradeSuite webviews shown now (a tab behind another is not), with their widths. */
async function shownPanels(page: Page): Promise<Array<{ frame: Frame; index: number; width: number; kind: string; market: string }>> {
  const outer = page.locator('iframe.webview.ready');
  const out = [];
  for (let i = 0, n = await outer.count(); i < n; i++) {
    if (!(await outer.nth(i).isVisible())) continue;
    const frame = await webviewFrame(page, { ...EXT, index: i, timeoutMs: 10_000 }).catch(() => undefined);
    const seen = await frame?.evaluate(() => ({ width: window.innerWidth, kind: document.body.dataset.kind ?? '', market: `${document.body.dataset.exchange ?? ''} ${document.body.dataset.symbol ?? ''}` })).catch(() => undefined);
    if (frame && seen && seen.width > 0) out.push({ frame, index: i, ...seen });
  }
  return out;
}

export interface NarrowSweep {
  /** Names the screenshots. */
  readonly name: string;
  /** The panel whose width is set (its page's kind, and its market as `exchange symbol`). */
  readonly panel: (kind: string, market: string) => boolean;
  /** Its widths to try, CSS px. */
  readonly widths: readonly number[];
  /** Those to shoot (in both themes). */
  readonly shots: readonly number[];
  /**
   * The themes to sweep in, in this order: the window is left in the last (the scenario's own). Both for a page whose
   * toolbar changes by theme; the scenario's own alone for the others (each theme switch costs a re-layout of all).
   */
  readonly themes: readonly ['light', 'dark'] | readonly ['dark', 'light'] | readonly ['light'] | readonly ['dark'];
  readonly log: (line: string) => void;
}

/**
 * Sets the window so the panel is each width in turn (its split's width moves with the window's), in the light and
 * the dark theme, and checks every visible panel's toolbar; the window's size is restored after, and the theme left
 * is the last of `themes`.
 */
export async function sweepNarrowSplits(page: Page, sweep: NarrowSweep): Promise<void> {
  const original = page.viewportSize();
  if (!original) throw new Error('the window has no viewport size');
  const settle = async () => {
    // VS Code lays its webviews out again after the window's resize: widths read until two reads agree.
    let last = '';
    for (let i = 0; i < 20; i++) {
      const panels = await shownPanels(page);
      for (const p of panels) await painted(p.frame);
      const now = panels.map((p) => `${p.index}:${p.width}`).join(' ');
      if (now === last) return panels;
      last = now;
    }
    throw new Error(`the panels' widths did not settle: ${last}`);
  };
  const target = async () => {
    const found = (await settle()).find((p) => sweep.panel(p.kind, p.market));
    if (!found) throw new Error(`${sweep.name}: its panel is not shown`);
    return found;
  };
  /** The window's width for each of the panel's: the split gets a share of each pixel the window gives, measured at two window widths. */
  const windowWidths = async (): Promise<Map<number, number>> => {
    const a = await target();
    await page.setViewportSize({ width: original.width - 200, height: original.height });
    const b = await target();
    await page.setViewportSize(original);
    const perPixel = (a.width - b.width) / 200;
    if (!(perPixel > 0)) throw new Error(`${sweep.name}: the panel's width does not follow the window's (${a.width} → ${b.width} px)`);
    return new Map(sweep.widths.map((w) => [w, Math.round(original.width + (w - a.width) / perPixel)]));
  };
  const trouble: string[] = [];
  try {
    const windows = await windowWidths();
    for (const theme of sweep.themes) {
      await setColorTheme(page, theme);
      const seen: number[] = [];
      for (const w of sweep.widths) {
        await page.setViewportSize({ width: windows.get(w) as number, height: original.height });
        const panels = await settle();
        const mine = panels.find((p) => sweep.panel(p.kind, p.market));
        seen.push(mine?.width ?? 0);
        for (const p of panels) for (const t of [...(await toolbarTrouble(p.frame)), ...(await tableTrouble(p.frame))]) trouble.push(`${theme}, ${p.kind} ${p.market} ${p.width} px: ${t}`);
        const hidden = (await Promise.all(panels.map((p) => p.frame.evaluate(() => document.body.dataset.hiddenColumns ?? '').then((h) => (h ? `${p.kind} ${p.width} px hides ${h}` : ''))))).filter((h) => h !== '');
        if (hidden.length > 0) sweep.log(`[e2e] ${sweep.name}, ${theme}: ${hidden.join('; ')}`);
        if (mine && sweep.shots.includes(w)) {
          const box = await page.locator('iframe.webview.ready').nth(mine.index).boundingBox();
          const dir = artifactsDir();
          fs.mkdirSync(dir, { recursive: true });
          const file = path.join(dir, `${sweep.name}-${theme}-${w}.png`);
          // Off the tabs (a tab's hover covered the toolbar at 300 px): to the panel's bottom right corner, and the
          // shot once no hover is shown (one may stay until the pointer moves in the workbench: then over the status
          // bar's middle, and the hover must be gone).
          if (box) await page.mouse.move(box.x + box.width - 4, box.y + box.height - 4);
          const cleared = await page.waitForFunction(noHover, undefined, { timeout: 3_000 }).then(
            () => true,
            () => false,
          );
          if (!cleared) {
            sweep.log(`[e2e] ${sweep.name}: a hover stayed over the workbench; the pointer to the status bar`);
            await page.mouse.move(Math.round((windows.get(w) as number) / 2), original.height - 3);
            await page.waitForFunction(noHover, undefined, { timeout: 10_000 });
          }
          if (box) await page.screenshot({ path: file, clip: { x: box.x, y: Math.max(0, box.y - 35), width: box.width, height: Math.min(box.height + 35, 260) } });
          sweep.log(`[e2e] screenshot: ${file} (${mine.width} px)`);
        }
      }
      sweep.log(`[e2e] ${sweep.name}, ${theme}: the panel at ${seen.join(', ')} px`);
      // The widths asked for reached, near enough (a split's width moves by whole window pixels shared between splits).
      if (Math.min(...seen) > Math.min(...sweep.widths) + 30 || Math.max(...seen) < Math.max(...sweep.widths) - 40) throw new Error(`${sweep.name}: the sweep reached ${Math.min(...seen)}–${Math.max(...seen)} px only`);
    }
  } finally {
    await page.setViewportSize(original);
    await setColorTheme(page, sweep.themes[sweep.themes.length - 1] ?? 'light');
  }
  if (trouble.length > 0) throw new Error(`toolbars in narrow splits:\n  ${[...new Set(trouble)].join('\n  ')}`);
}
