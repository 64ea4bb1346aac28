/**
 * Three exchanges side by side in the real workbench (issue 12): a Binance chart, a Coinbase chart and a Bybit
 * perpetual's chart, each in its own editor group, each painting live candles from its own emulator; the
 * perpetual's legend shows mark against last, funding and open interest. A screenshot of the three is saved.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { ExchangeEmulator } from '../../../src/emulator';
import { executeCommand, reloadWindow, saveScreenshot, type CodeServer, type Workbench } from '../runner';
import { setColorTheme } from './colorTheme';
import { startSession, uiScenario, type Check, type UiScenario } from './workbenchScenario';
import { workbenchSteps } from './workbenchSteps';

const CHARTS = [
  { exchange: 'binance', quote: 'USDT', symbol: 'BTC/USDT' },
  { exchange: 'coinbase', quote: 'USD', symbol: 'BTC/USD' },
  { exchange: 'bybit', quote: 'USDT', symbol: 'BTC/USDT:USDT' },
] as const;

const escaped = (s: string) => s.replace(/[/.*+?^${}()|[\]\\]/g, '\\$&');

export function exchangesScenario(baseSettings: Record<string, unknown>, target: { vsix: string } | { extensionDevelopmentPath: string }, log: (l: string) => void): UiScenario {
  let server: CodeServer | undefined;
  let wb: Workbench | undefined;
  // Binance too has its own emulator: the shared one carries the prices earlier scenarios injected (an alert's
  // breakout 5 % above the market), whose wicks would flatten this screenshot's Binance chart.
  const emulators: Array<ExchangeEmulator<'binance'> | ExchangeEmulator<'coinbase'> | ExchangeEmulator<'bybit'>> = [];
  let binanceEmulator: ExchangeEmulator<'binance'> | undefined;
  const page = (): Page => (wb as Workbench).page;
  const { frameWhere, paintedColours, moveIntoNextGroup } = workbenchSteps(page);
  /** Opens a market's chart from the Markets tree (exchange, then quote group, then the market), then folds the exchange again. */
  const openFromTree = async (c: (typeof CHARTS)[number]) => {
    const tree = page().locator('.pane', { hasText: 'Markets' });
    const exchange = tree.getByRole('treeitem', { name: new RegExp(`^${c.exchange}`) }).first();
    await exchange.click({ timeout: 30_000 });
    const group = tree.getByRole('treeitem', { name: new RegExp(`^${c.quote}\\b`) }).first();
    await group.click({ timeout: 30_000 });
    await tree.getByRole('treeitem', { name: new RegExp(`^${escaped(c.symbol)}(\\s|$)`) }).last().click({ timeout: 30_000 });
    await group.click();
    await exchange.click();
  };
  const chartOf = (exchange: string, symbol: string): Promise<Frame> => frameWhere(`${exchange} ${symbol} chart`, (d) => d.kind === 'chart' && d.market === `${exchange} ${symbol}`);

  const checks: Check[] = [
    {
      name: 'the workbench starts with Binance, Coinbase and Bybit configured (one emulator each)',
      run: async () => {
        const binance = await ExchangeEmulator.start({ exchange: 'binance', seed: 1, tradesPerSecond: 10, historyMinutes: 240 });
        emulators.push(binance);
        binanceEmulator = binance;
        const coinbase = await ExchangeEmulator.start({ exchange: 'coinbase', seed: 2, tradesPerSecond: 10, historyMinutes: 240 });
        emulators.push(coinbase);
        const bybit = await ExchangeEmulator.start({ exchange: 'bybit', seed: 3, tradesPerSecond: 10, historyMinutes: 240 });
        emulators.push(bybit);
        const exchanges = [
          { id: 'binance', endpoint: binance.url },
          { id: 'coinbase', endpoint: coinbase.url },
          { id: 'bybit', endpoint: bybit.url },
        ];
        // A favourite the exchange does not list (delisted since it was starred): the last check opens it.
        ({ server, wb } = await startSession(binance, { ...baseSettings, 'tradesuite.exchanges': exchanges, 'tradesuite.favourites': ['binance:GONE/USDT'] }, target));
      },
    },
    {
      name: 'a Binance, a Coinbase and a Bybit perpetual chart side by side each paint live candles; screenshot saved',
      run: async () => {
        await page().locator('.activitybar [aria-label^="TradeSuite"]').first().click({ timeout: 30_000 });
        // Each chart after the first opens in the active group, then moves into a new group to the right.
        for (const [i, c] of CHARTS.entries()) {
          await openFromTree(c);
          await chartOf(c.exchange, c.symbol);
          if (i > 0) await moveIntoNextGroup(`${c.symbol} · 1m · ${c.exchange}`);
        }
        for (const c of CHARTS) {
          const chart = await chartOf(c.exchange, c.symbol);
          await chart.waitForFunction(() => Number(document.body.dataset.bars ?? 0) > 10 && document.body.dataset.connection === 'live', undefined, { timeout: 45_000 });
          const colours = await paintedColours(chart);
          if (colours < 5) throw new Error(`the ${c.exchange} chart's canvases show only ${colours} colours: nothing painted`);
          // Live: the last bar moves with the trades the emulator makes now.
          const last = await chart.evaluate(() => `${document.body.dataset.lastTime} ${document.body.dataset.lastClose}`);
          await chart.waitForFunction((was) => `${document.body.dataset.lastTime} ${document.body.dataset.lastClose}` !== was, last, { timeout: 30_000 });
        }
        log(`[e2e] screenshot: ${await saveScreenshot(page(), 'charts-binance-coinbase-bybit')}`);
      },
    },
    {
      name: "the Bybit perpetual's legend shows mark vs last, funding and open interest; a spot chart's legend shows none",
      run: async () => {
        const perp = await chartOf('bybit', 'BTC/USDT:USDT');
        await perp.waitForFunction(() => document.body.dataset.fundingRate !== undefined && document.body.dataset.fundingRate !== '' && Number(document.body.dataset.openInterest) > 0, undefined, { timeout: 30_000 });
        const text = (await perp.locator('.legend-derivatives').textContent({ timeout: 10_000 })) ?? '';
        if (!/Mark\s*[\d,.]+\s*Last\s*[\d,.]+/.test(text) || !/Funding\s*-?\d+\.\d{4}%\s*at \d\d:\d\d/.test(text) || !/OI\s*[\d,.]+[KMB]?/.test(text)) throw new Error(`the perpetual's legend reads ${JSON.stringify(text)}`);
        const spot = await chartOf('coinbase', 'BTC/USD');
        if ((await spot.locator('.legend-derivatives').count()) !== 0) throw new Error('a spot chart shows a derivatives row');
        log(`[e2e] screenshot: ${await saveScreenshot(page(), 'bybit-perpetual-legend')} (${text})`);
      },
    },
    {
      name: "a chart hidden behind another tab keeps its page (the default), not its canvases' pixels: its tab clicked again shows it without a reload, its canvases their size again and its view as left, resynced; screenshot saved",
      run: async () => {
        const tab = page().locator('.tabs-container .tab', { hasText: 'BTC/USDT · 1m · binance' });
        await tab.click();
        const chart = await chartOf('binance', 'BTC/USDT');
        // Device pixels of the page's canvases (4 bytes each): what a kept page frees while hidden.
        const canvasPixels = () => chart.evaluate(() => [...document.querySelectorAll('canvas')].reduce((n, c) => n + c.width * c.height, 0));
        // The view's right edge and its width in bars (a bar the market opened meanwhile moves a view at the newest bar by one).
        const view = () =>
          chart.evaluate(() => {
            const d = document.body.dataset;
            const width = d.viewRightTime === 'newest' ? Number(d.bars) - Number(d.viewFrom) : Number(d.viewFrom);
            return `right ${d.viewRightTime}, ${d.viewRightTime === 'newest' ? 'bars in view' : 'from bar'} ${Math.round(width * 100) / 100}`;
          });
        // A mark in the page's own window: a page that loads again has none.
        const before = await chart.evaluate(() => {
          (window as unknown as { keptMark?: number }).keptMark = 1;
          return Number(document.body.dataset.snapshots ?? 0);
        });
        const shownPixels = await canvasPixels();
        const shownView = await view();
        await executeCommand(page(), 'File: New Untitled Text File');
        await page().locator('.tabs-container .tab.active', { hasText: 'Untitled' }).waitFor({ timeout: 15_000 });
        // Polled on a timer: a hidden frame's animation frames may not come. Freed 2 s after the hide (run-e2e's setting).
        await chart.waitForFunction((shown) => [...document.querySelectorAll('canvas')].reduce((n, c) => n + c.width * c.height, 0) < shown / 50, shownPixels, { timeout: 15_000, polling: 100 });
        const hiddenPixels = await canvasPixels();
        await tab.click();
        await chart.waitForFunction((n) => Number(document.body.dataset.snapshots ?? 0) > n, before, { timeout: 15_000 });
        const kept = await chart.evaluate(() => (window as unknown as { keptMark?: number }).keptMark === 1);
        const [againPixels, againView] = [await canvasPixels(), await view()];
        log(`[e2e] the chart's tab clicked again: page kept ${kept}, snapshots ${before} → ${await chart.evaluate(() => document.body.dataset.snapshots)}; canvases ${shownPixels} px shown, ${hiddenPixels} hidden, ${againPixels} shown again; view ${shownView} → ${againView}; screenshot: ${await saveScreenshot(page(), 'chart-tab-kept-page')}`);
        if (!kept) throw new Error('the chart shown again by its tab loaded its page again: it was not kept while hidden');
        if (againPixels !== shownPixels) throw new Error(`the chart shown again has canvases of ${againPixels} px, not the ${shownPixels} it had`);
        if (againView !== shownView) throw new Error(`the chart shown again shows ${againView}, not the view it was left with (${shownView})`);
        await page().locator('.tabs-container .tab', { hasText: 'Untitled' }).first().click();
        await executeCommand(page(), 'View: Close Editor');
        await tab.waitFor({ state: 'visible', timeout: 10_000 });
      },
    },
    {
      name: 'a market the exchange delists while its chart streams: Refresh Markets (the view\'s title button) downloads the markets again, its row says "not trading", last in its group, and its chart\'s banner says why; trading again, a refresh brings the chart back live and the banner goes; screenshot saved',
      run: async () => {
        const emulator = binanceEmulator as ExchangeEmulator<'binance'>;
        const tree = page().locator('.pane', { hasText: 'Markets' });
        const exchange = tree.getByRole('treeitem', { name: /^binance/ }).first();
        await exchange.click({ timeout: 30_000 });
        const group = tree.getByRole('treeitem', { name: /^USDT\b/ }).first();
        await group.click({ timeout: 30_000 });
        const row = (symbol: string) => tree.locator('.monaco-list-row', { has: page().locator('.label-name', { hasText: new RegExp(`^${escaped(symbol)}$`) }) }).first();
        await row('SOL/USDT').waitFor({ timeout: 30_000 });
        const before = ((await row('SOL/USDT').locator('.label-description').textContent()) ?? '').trim();
        if (before === 'not trading') throw new Error('SOL/USDT reads "not trading" before it was delisted');
        await row('SOL/USDT').click();
        const chart = await chartOf('binance', 'SOL/USDT');
        await chart.waitForFunction(() => Number(document.body.dataset.bars ?? 0) > 10 && document.body.dataset.connection === 'live', undefined, { timeout: 45_000 });
        const downloads = () => emulator.restLog().filter((e) => e.path.endsWith('/exchangeInfo')).length;
        const downloaded = downloads();
        emulator.setMarketStatus('SOL/USDT', 'delisted');
        // As a person does it: the view's title actions show while the pointer is over the view.
        const refresh = async () => {
          await tree.locator('.pane-header').first().hover();
          await tree.locator('.pane-header [aria-label^="Refresh Markets"]').first().click({ timeout: 10_000 });
        };
        await refresh();
        await row('SOL/USDT').locator('.label-description', { hasText: /^not trading$/ }).waitFor({ timeout: 30_000 });
        await chart.waitForFunction(() => document.body.dataset.connection === 'failed', undefined, { timeout: 30_000 });
        // The banner says why (the badge is a dot and a word in a pane this narrow, and says only "failed" beside it).
        const banner = chart.locator('.error-banner');
        await banner.waitFor({ timeout: 30_000 });
        const said = ((await banner.locator('.error-text').textContent()) ?? '').trim();
        if (!/no longer trades SOL\/USDT/.test(said)) throw new Error(`the chart's banner reads ${JSON.stringify(said)}`);
        const badge = await chart.evaluate(() => document.body.dataset.connectionText ?? '');
        if (badge !== 'failed' && !badge.startsWith('failed ·')) throw new Error(`the chart's badge repeats the banner: ${JSON.stringify(badge)}`);
        if (downloads() <= downloaded) throw new Error('the markets were not downloaded again');
        const groupText = ((await group.textContent()) ?? '').trim();
        if (!/1 not trading/.test(groupText)) throw new Error(`the USDT group reads ${JSON.stringify(groupText)}`);
        const rows = await tree.locator('.monaco-list-row[aria-level="3"] .label-name').allTextContents();
        const usdt = rows.filter((r) => r.endsWith('/USDT'));
        if (usdt.at(-1) !== 'SOL/USDT') throw new Error(`SOL/USDT is not last in its group: ${usdt.join(', ')}`);
        log(`[e2e] screenshot: ${await saveScreenshot(page(), 'delisted-while-running')} (${groupText})`);
        emulator.setMarketStatus('SOL/USDT', 'trading');
        await refresh();
        await chart.waitForFunction(() => document.body.dataset.connection === 'live', undefined, { timeout: 30_000 });
        await banner.waitFor({ state: 'detached', timeout: 10_000 });
        await row('SOL/USDT').locator('.label-description', { hasText: /^not trading$/ }).waitFor({ state: 'detached', timeout: 30_000 });
        await executeCommand(page(), 'View: Close Editor');
        await group.click();
        await exchange.click();
      },
    },
    {
      name: 'a favourite the exchange no longer lists opens a chart that says why once: the banner names the market, the badge says "failed" (its reason again once the banner is dismissed); screenshot saved',
      run: async () => {
        const tree = page().locator('.pane', { hasText: 'Markets' });
        // Its row's accessible name is its tooltip (the reason it is unavailable): found by its label.
        await tree.locator('.monaco-list-row', { has: page().locator('.label-name', { hasText: /^GONE\/USDT$/ }) }).first().click({ timeout: 30_000 });
        const chart = await chartOf('binance', 'GONE/USDT');
        const banner = chart.locator('.error-banner');
        await banner.waitFor({ timeout: 30_000 });
        await chart.waitForFunction(() => document.body.dataset.connection === 'failed', undefined, { timeout: 30_000 });
        const said = ((await banner.locator('.error-text').textContent()) ?? '').trim();
        const badge = ((await chart.locator('.badge .badge-text').textContent()) ?? '').trim();
        if (!/GONE\/USDT/.test(said)) throw new Error(`the banner reads ${JSON.stringify(said)}`);
        if (badge !== 'failed') throw new Error(`the badge repeats the banner: ${JSON.stringify(badge)} beside ${JSON.stringify(said)}`);
        log(`[e2e] screenshot: ${await saveScreenshot(page(), 'unlisted-favourite-chart')} (banner ${JSON.stringify(said)})`);
        await banner.locator('.error-dismiss').click();
        await chart.waitForFunction(() => /^failed: .*GONE\/USDT/.test(document.body.dataset.connectionText ?? ''), undefined, { timeout: 10_000 });
        await executeCommand(page(), 'View: Close Editor');
      },
    },
    {
      name: 'a market delisted since the markets were cached 20 min ago (the window reloaded, its markets read from disk): its chart shows its history, then says why once its trades stay silent (it waited forever before), and its row reads "not trading"; screenshot saved',
      run: async () => {
        const emulator = binanceEmulator as ExchangeEmulator<'binance'>;
        emulator.setMarketStatus('SOL/USDT', 'delisted');
        // The markets on disk as a window 20 minutes ago left them (old enough to doubt, too young to refresh).
        const cacheFile = path.join((server as CodeServer).userDataDir, 'User', 'globalStorage', 'tradesuite.tradesuite', 'markets', 'binance.json');
        const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as { savedAt: number };
        writeFileSync(cacheFile, JSON.stringify({ ...cached, savedAt: Date.now() - 20 * 60_000 }));
        await reloadWindow(page());
        const downloads = () => emulator.restLog().filter((e) => e.path.endsWith('/exchangeInfo')).length;
        const downloaded = downloads();
        const tree = page().locator('.pane', { hasText: 'Markets' });
        const row = tree.locator('.monaco-list-row', { has: page().locator('.label-name', { hasText: /^SOL\/USDT$/ }) }).first();
        const exchange = tree.getByRole('treeitem', { name: /^binance/ }).first();
        const group = tree.getByRole('treeitem', { name: /^USDT\b/ }).first();
        // The tree may come back expanded (it keeps its state over a reload).
        if (!(await row.isVisible())) {
          if ((await exchange.getAttribute('aria-expanded')) !== 'true') await exchange.click({ timeout: 30_000 });
          if ((await group.getAttribute('aria-expanded')) !== 'true') await group.click({ timeout: 30_000 });
        }
        await row.waitFor({ timeout: 30_000 });
        // No description at all while it has no price (its market no longer streams a ticker).
        const description = row.locator('.label-description');
        const listed = (await description.count()) > 0 ? ((await description.first().textContent()) ?? '').trim() : '';
        if (listed === 'not trading') throw new Error('SOL/USDT reads "not trading" from the cached markets, which list it as trading');
        if (downloads() !== downloaded) throw new Error('the markets were downloaded again after the reload: the cache was not used');
        await row.click();
        const chart = await chartOf('binance', 'SOL/USDT');
        // Its history still comes (Binance answers klines of a market in BREAK); its trades never do: 20 s later it is doubted.
        const banner = chart.locator('.error-banner');
        await banner.waitFor({ timeout: 45_000 });
        const said = ((await banner.locator('.error-text').textContent()) ?? '').trim();
        if (!/^binance no longer trades SOL\/USDT/.test(said)) throw new Error(`the chart's banner reads ${JSON.stringify(said)}`);
        await chart.waitForFunction(() => document.body.dataset.connection === 'failed', undefined, { timeout: 30_000 });
        if (downloads() <= downloaded) throw new Error('the markets were not downloaded again to check the market');
        await row.locator('.label-description', { hasText: /^not trading$/ }).waitFor({ timeout: 30_000 });
        log(`[e2e] screenshot: ${await saveScreenshot(page(), 'delisted-since-cached-light')} (banner ${JSON.stringify(said)})`);
        // The banner in the dark theme too (the page's body takes the theme's class once it has restyled).
        await setColorTheme(page(), 'dark');
        await chart.waitForFunction(() => document.body.classList.contains('vscode-dark'), undefined, { timeout: 10_000 });
        log(`[e2e] screenshot: ${await saveScreenshot(page(), 'delisted-since-cached-dark')}`);
        await setColorTheme(page(), 'light');
        await chart.waitForFunction(() => document.body.classList.contains('vscode-light'), undefined, { timeout: 10_000 });
        emulator.setMarketStatus('SOL/USDT', 'trading');
        await executeCommand(page(), 'View: Close Editor');
      },
    },
  ];

  return uiScenario(checks, () => ({ server, wb }), () => Promise.all(emulators.map((e) => e.close())));
}
