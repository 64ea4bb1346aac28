/**
 * Narrow editor splits (300–600 px) in the real workbench: every visible panel's toolbar keeps its words whole. A note
 * hides whole, the badge says its word, the buttons their short labels (webviews/shared/toolbarFit.ts); nothing is
 * cut to a fragment (the aggregate chart's exchange read "a" beside a long badge at about 500 px), no label-less
 * button shows, and the badge stays inside the toolbar. The split's width is set by the window's, measured on one
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
        for (const p of panels) for (const t of await toolbarTrouble(p.frame)) trouble.push(`${theme}, ${p.kind} ${p.market} ${p.width} px: ${t}`);
        if (mine && sweep.shots.includes(w)) {
          const box = await page.locator('iframe.webview.ready').nth(mine.index).boundingBox();
          const dir = artifactsDir();
          fs.mkdirSync(dir, { recursive: true });
          const file = path.join(dir, `${sweep.name}-${theme}-${w}.png`);
          // Off the tabs (a tab's hover covered the toolbar at 300 px): to the panel's bottom right corner.
          if (box) await page.mouse.move(box.x + box.width - 4, box.y + box.height - 4);
          if (box) await page.screenshot({ path: file, clip: { x: box.x, y: Math.max(0, box.y - 35), width: box.width, height: Math.min(box.height + 35, 260) } });
          sweep.log(`[e2e] screenshot: ${file} (${mine.width} px)`);
        }
      }
      sweep.log(`[e2e] ${sweep.name}, ${theme}: the panel at ${seen.join(', ')} px`);
      if (Math.min(...seen) > 330 || Math.max(...seen) < 560) throw new Error(`${sweep.name}: the sweep reached ${Math.min(...seen)}–${Math.max(...seen)} px only`);
    }
  } finally {
    await page.setViewportSize(original);
    await setColorTheme(page, sweep.themes[sweep.themes.length - 1] ?? 'light');
  }
  if (trouble.length > 0) throw new Error(`toolbars in narrow splits:\n  ${[...new Set(trouble)].join('\n  ')}`);
}
