/**
 * Expanding a quote group of the Markets view in the real workbench: code-server in headless Chromium, the Binance
 * emulator with its real-size universe (a USDT group of ~2,000 markets), against the same emulator small (3) in the
 * same run. The time is from the click's `mousedown` on the group's row to the frame after its first market row is
 * drawn, as the page sees it: the extension's getChildren and getTreeItem, the round trip and VS Code's rendering.
 */
import type { Page } from 'playwright-core';
import { ExchangeEmulator } from '../src/emulator';
import { cleanupAll, openWorkbench, saveScreenshot, startCodeServer, waitForWorkbench } from '../test/e2e/runner';

/** Expansions per size: the first (the tree asks the extension for the group's rows), then re-expansions. */
const EXPANSIONS = 6;

export interface TreeExpandRun {
  /** Markets in the expanded group, as its row says. */
  groupRows: number;
  firstMs: number;
  againMedianMs: number;
  againMaxMs: number;
}

export interface MarketsTreeBrowserResult {
  name: 'markets-tree-browser';
  realSize: TreeExpandRun;
  small: TreeExpandRun;
  firstRatio: number;
  goalMs: 100;
}

/** In the page: from a `mousedown` to the frame after a market row (level 3: exchange, quote, market) appears. */
async function instrumentExpand(page: Page): Promise<void> {
  // Given as source text: tsx compiles functions with a naming helper that the page does not have.
  await page.evaluate(`(() => {
    const w = window;
    w.__expands = [];
    let from;
    const pane = [...document.querySelectorAll('.pane')].find((p) => p.textContent.includes('Markets'));
    const marketRows = () => pane.querySelectorAll('[role="treeitem"][aria-level="3"]').length;
    new MutationObserver(() => {
      if (from === undefined || marketRows() === 0) return;
      const t = from;
      from = undefined;
      requestAnimationFrame(() => setTimeout(() => w.__expands.push(performance.now() - t), 0));
    }).observe(pane, { subtree: true, childList: true });
    window.addEventListener('mousedown', (e) => { if (marketRows() === 0) from = e.timeStamp; }, true);
  })()`);
}

async function oneRun(size: 'real-size' | 'small'): Promise<TreeExpandRun> {
  const emulator = await ExchangeEmulator.start({ exchange: 'binance', markets: size, seed: 5, tradesPerSecond: 1, historyMinutes: 5 });
  try {
    const server = await startCodeServer({ extensionDevelopmentPath: process.cwd(), settings: { 'tradesuite.exchanges': [{ id: 'binance', endpoint: emulator.url }], 'tradesuite.favourites': [] } });
    const { page } = await openWorkbench(server, { onLog: () => undefined });
    await waitForWorkbench(page);
    await page.locator('.activitybar [aria-label^="TradeSuite"]').first().click({ timeout: 30_000 });
    const tree = page.locator('.pane', { hasText: 'Markets' });
    await tree.getByRole('treeitem', { name: /^binance/ }).click({ timeout: 30_000 });
    const group = tree.getByRole('treeitem', { name: /^USDT\b/ }).first();
    await group.waitFor({ timeout: 120_000 });
    const label = (await group.getAttribute('aria-label')) ?? '';
    const groupRows = Number(/(\d[\d,]*)/.exec(label.replace(/^USDT/, ''))?.[1]?.replace(/,/g, '') ?? NaN);
    await instrumentExpand(page);
    for (let i = 0; i < EXPANSIONS; i++) {
      await group.click();
      await page.waitForFunction((n) => (window as unknown as { __expands: unknown[] }).__expands.length > n, i, { timeout: 60_000 });
      if (i === 0) await saveScreenshot(page, `markets-tree-${size}`);
      await group.click(); // folded again; its rows leave the DOM
      await tree.locator('[role="treeitem"][aria-level="3"]').first().waitFor({ state: 'detached', timeout: 30_000 });
    }
    const ms = await page.evaluate(() => (window as unknown as { __expands: number[] }).__expands);
    const again = ms.slice(1).sort((a, b) => a - b);
    const round = (x: number | undefined) => Math.round((x ?? NaN) * 10) / 10;
    return { groupRows, firstMs: round(ms[0]), againMedianMs: round(again[Math.floor(again.length / 2)]), againMaxMs: round(again.at(-1)) };
  } finally {
    await cleanupAll();
    await emulator.close();
  }
}

export async function benchMarketsTreeBrowser(): Promise<MarketsTreeBrowserResult> {
  const small = await oneRun('small');
  const realSize = await oneRun('real-size');
  return { name: 'markets-tree-browser', realSize, small, firstRatio: Math.round((realSize.firstMs / Math.max(0.1, small.firstMs)) * 100) / 100, goalMs: 100 };
}
