/**
 * The user story in the real workbench, driven like a person would: open TradeSuite in the activity bar, find
 * BTC/USDT, open a chart, put an order book and a DOM beside it, see live updates, survive a window reload, a
 * dropped connection and a gap whose backfill fails (the legend says since when bars are partial), and drag the chart
 * to its left edge for older bars. Each step is a
 * named check; screenshots of the three panels side by side and of the partial legend are saved.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { ExchangeEmulator } from '../../../src/emulator';
import { decimalsOf } from '../../../src/shared/util/decimals';
import { executeCommand, openWorkbench, reloadWindow, saveScreenshot, startCodeServer, waitForWorkbench, type CodeServer, type Workbench } from '../runner';
import { untilBodyState } from './bodyState';
import { consoleRing, saveBrowserConsole } from './browserConsole';
import { saveTradesuiteLogs } from './tradesuiteLog';
import { workbenchSteps } from './workbenchSteps';

export interface Check {
  name: string;
  run(): Promise<void>;
}

/** code-server with the extension and these user settings, against the emulator, and a browser on its workbench. */
export async function startSession(emulator: ExchangeEmulator, settings: Record<string, unknown>, target: { vsix: string } | { extensionDevelopmentPath: string }): Promise<{ server: CodeServer; wb: Workbench }> {
  const server = await startCodeServer({ ...target, settings, env: { TRADESUITE_EMULATOR_URL: emulator.url }, keep: process.env.TRADESUITE_E2E_KEEP === '1' });
  const consoleErrors = consoleRing();
  const wb = await openWorkbench(server, { onLog: () => undefined, onConsoleError: consoleErrors.sink });
  consoleErrors.attach(wb.page);
  await waitForWorkbench(wb.page);
  return { server, wb };
}

/** What a UI scenario gives the runner: its checks, a screenshot of its workbench, and its teardown. */
export interface UiScenario {
  checks: Check[];
  screenshot(name: string): Promise<string | undefined>;
  /** Copies the session's TradeSuite logs into the artifacts (after a failure); the file written, if any. */
  saveLogs(name: string): string | undefined;
  dispose(): Promise<void>;
}

/** A scenario over the session its first check starts: screenshots of that workbench; closing it, then `alsoClose`. */
export function uiScenario(checks: Check[], session: () => { server: CodeServer | undefined; wb: Workbench | undefined }, ...alsoClose: Array<() => Promise<unknown>>): UiScenario {
  return {
    checks,
    screenshot: async (name) => {
      const { wb } = session();
      return wb ? saveScreenshot(wb.page, name) : undefined;
    },
    saveLogs: (name) => {
      const { server, wb } = session();
      const saved = server ? saveTradesuiteLogs(server.userDataDir, name) : undefined;
      if (saved && wb) saveBrowserConsole(wb.page, saved.replace(/\.log$/, '.browser.log'));
      return saved;
    },
    dispose: async () => {
      const { server, wb } = session();
      await wb?.close();
      await server?.stop();
      for (const close of alsoClose) await close();
    },
  };
}

/** Resolves once settings.json holds `expected` (the editor's save): polled, as no event says the file was written. */
async function settingsSaved(file: string, expected: Record<string, unknown>): Promise<void> {
  const deadline = Date.now() + 10_000;
  const matches = () => {
    try {
      return JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))) === JSON.stringify(expected);
    } catch {
      return false; // being written
    }
  };
  while (!matches()) {
    if (Date.now() > deadline) throw new Error(`settings.json was not saved as typed: ${readFileSync(file, 'utf8')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function workbenchScenario(emulator: ExchangeEmulator, settings: Record<string, unknown>, target: { vsix: string } | { extensionDevelopmentPath: string }, log: (l: string) => void): UiScenario {
  let server: CodeServer;
  let wb: Workbench;
  const page = (): Page => wb.page;

  const { commandThenMarket, frames, restoredFrames, frameOfKind, paintedColours, moveIntoNextGroup } = workbenchSteps(page);

  const checks: Check[] = [
    {
      name: 'the workbench starts with the extension',
      run: async () => {
        ({ server, wb } = await startSession(emulator, settings, target));
      },
    },
    {
      name: "the Markets view lists the emulator's markets",
      run: async () => {
        await page().locator('.activitybar [aria-label^="TradeSuite"]').first().click({ timeout: 30_000 });
        const tree = page().locator('.pane', { hasText: 'Markets' });
        await tree.getByRole('treeitem', { name: /^binance/ }).click({ timeout: 30_000 });
        await tree.getByRole('treeitem', { name: /^USDT/ }).click({ timeout: 30_000 });
        for (const s of ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']) await tree.getByRole('treeitem', { name: new RegExp(`^${s.replace('/', '\\/')}`) }).first().waitFor({ timeout: 15_000 });
      },
    },
    {
      name: 'clicking a market opens a chart that paints candles',
      run: async () => {
        const tree = page().locator('.pane', { hasText: 'Markets' });
        await tree.getByRole('treeitem', { name: /^BTC\/USDT/ }).last().click();
        const [chart] = await frames(1);
        await chart!.waitForFunction(() => Number(document.body.dataset.bars ?? 0) > 10, undefined, { timeout: 30_000 });
        const colours = await paintedColours(chart!);
        if (colours < 5) throw new Error(`the chart canvases show only ${colours} colours: nothing painted`);
        const seen = await chart!.evaluate(() => ({ inline: document.body.dataset.inline, snapshots: document.body.dataset.snapshots, draws: document.body.dataset.snapshotDraws }));
        log(`[e2e] a new chart: inline data ${seen.inline}, ${seen.snapshots} snapshots received, ${seen.draws} drawn`);
        // The legend sits over the plot, clear of the price scale however wide its labels (59,975.00) make it.
        await chart!.waitForFunction(() => getComputedStyle(document.body).getPropertyValue('--price-scale-width') !== '', undefined, { timeout: 10_000 });
        const edges = await chart!.evaluate(() => ({
          legend: document.querySelector('.legend')?.getBoundingClientRect().right ?? Number.NaN,
          scale: document.querySelector('.chart-host table tr td:last-child')?.getBoundingClientRect().left ?? Number.NaN,
        }));
        if (!(edges.legend <= edges.scale)) throw new Error(`the legend's right edge (${edges.legend}px) is over the price scale (from ${edges.scale}px)`);
      },
    },
    {
      name: 'the last candle moves as trades arrive',
      run: async () => {
        const chart = await frameOfKind('chart');
        const rate = emulator.tradesPerSecond;
        emulator.setTradesPerSecond(0); // only our trade, so the last close is known
        try {
          const last = emulator.trades('BTC/USDT').at(-1)!;
          const price = Math.round(last.price * 1.003 * 100) / 100;
          emulator.injectTrades('BTC/USDT', [{ price, amount: 0.5, side: 'buy' }]);
          await chart.waitForFunction((p) => Number(document.body.dataset.lastClose) === p, price, { timeout: 15_000 });
        } finally {
          emulator.setTradesPerSecond(rate);
        }
      },
    },
    {
      name: 'dragging the chart to its left edge loads older bars (a spinner at the edge meanwhile) without moving the view; screenshots saved',
      run: async () => {
        const chart = await frameOfKind('chart');
        const read = () => chart.evaluate(() => ({ first: Number(document.body.dataset.firstTime), bars: Number(document.body.dataset.bars), from: Number(document.body.dataset.viewFrom), older: document.body.dataset.olderBars ?? '' }));
        const before = await read();
        await chart.evaluate(() => {
          const seen: string[] = [];
          (window as unknown as { __older: string[] }).__older = seen;
          new MutationObserver(() => seen.push(document.body.dataset.olderBars ?? '')).observe(document.body, { attributes: true, attributeFilter: ['data-older-bars'] });
        });
        // The exchange answers once the spinner has been seen and photographed.
        const releaseRest = emulator.holdRest();
        try {
          const box = await chart.locator('.chart-host').boundingBox();
          if (!box) throw new Error('the chart has no box');
          const y = box.y + box.height * 0.45;
          for (let drag = 0; drag < 8 && (await read()).older !== 'loading'; drag++) {
            await page().mouse.move(box.x + box.width * 0.2, y);
            await page().mouse.down();
            await page().mouse.move(box.x + box.width * 0.85, y, { steps: 12 });
            await page().mouse.up();
          }
          await chart.waitForFunction(() => document.body.dataset.olderBars === 'loading', undefined, { timeout: 10_000 });
          await chart.locator('.older-loading').waitFor({ state: 'visible', timeout: 5_000 });
          log(`[e2e] screenshot: ${await saveScreenshot(page(), 'older-bars-loading')}`);
        } finally {
          releaseRest();
        }
        const atEdge = await read();
        await chart.waitForFunction((first) => Number(document.body.dataset.firstTime) < first && document.body.dataset.olderBars !== 'loading', before.first, { timeout: 30_000 });
        const after = await read();
        const seen = await chart.evaluate(() => (window as unknown as { __older: string[] }).__older);
        if (!seen.includes('loading')) throw new Error(`the edge never showed loading: ${seen.join(',')}`);
        if (after.older !== 'idle') throw new Error(`after the page the edge is ${after.older}`);
        if (!(after.bars >= before.bars + 900)) throw new Error(`bars ${before.bars} → ${after.bars}: expected a page of about 1,000 older bars`);
        // The view stays on the bars the user looked at: it moved right by exactly the bars put in front of them
        // (a live bar appended on the right meanwhile counts in `bars` but moves nothing).
        const added = after.bars - atEdge.bars;
        if (!(Math.abs(after.from - atEdge.from - added) <= 1.5)) throw new Error(`the view jumped: its left edge went from bar ${atEdge.from} to ${after.from} with ${added} bars added`);
        // Scrolled back, the price axis still labels the market's price (the newest close), not the last visible bar's.
        const label = await chart.evaluate(() => ({ label: Number(document.body.dataset.priceLabel), close: Number(document.body.dataset.lastClose), right: document.body.dataset.viewRightTime }));
        if (label.right === 'newest') throw new Error('the view still shows the newest bar after dragging to the left edge');
        if (!(label.label === label.close)) throw new Error(`the price axis labels ${label.label}, the newest close is ${label.close}`);
        log(`[e2e] older bars: ${before.bars} → ${after.bars}, first bar ${new Date(before.first).toISOString()} → ${new Date(after.first).toISOString()}; screenshot: ${await saveScreenshot(page(), 'older-bars-loaded')}`);
      },
    },
    {
      name: 'an order book and a DOM open beside the chart, sizes at the lot step; screenshot saved',
      run: async () => {
        await commandThenMarket('TradeSuite: Open Order Book', 'BTC/USDT');
        await moveIntoNextGroup('BTC/USDT · Book · binance');
        await commandThenMarket('TradeSuite: Open DOM (Price Ladder)', 'BTC/USDT');
        await moveIntoNextGroup('BTC/USDT · DOM · binance');
        const book = await frameOfKind('orderbook');
        await book.waitForFunction(() => Number(document.body.dataset.bestBid) > 0 && Number(document.body.dataset.bestAsk) > Number(document.body.dataset.bestBid), undefined, { timeout: 20_000 });
        const dom = await frameOfKind('dom');
        await dom.waitForFunction(() => Number(document.body.dataset.rows ?? 0) > 5, undefined, { timeout: 20_000 });
        // Sizes read at the market's lot step (0.007, not 0.007000): no amount shows more decimals than the step.
        await book.waitForFunction(() => Number(document.body.dataset.amountStep) > 0, undefined, { timeout: 20_000 });
        const shown = await book.evaluate(() => ({ step: Number(document.body.dataset.amountStep), amounts: [...document.querySelectorAll('.book-row .num:not(.price)')].map((e) => e.textContent ?? '') }));
        const most = decimalsOf(shown.step);
        const tooFine = shown.amounts.filter((a) => /^[\d,.]+$/.test(a) && (a.split('.')[1]?.length ?? 0) > most);
        if (shown.amounts.length === 0 || tooFine.length > 0) throw new Error(`book amounts with more than the lot step's ${most} decimals (step ${shown.step}): ${tooFine.slice(0, 5).join(', ') || 'no amounts shown'}`);
        log(`[e2e] book: ${shown.amounts.length} amounts at the lot step ${shown.step} (${shown.amounts.slice(0, 3).join(', ')} …)`);
        log(`[e2e] screenshot: ${await saveScreenshot(page(), 'chart-orderbook-dom')}`);
      },
    },
    {
      name: 'after a window reload the panels come back with their markets and timeframes; the chart paints its cached bars from its HTML, drawn once',
      run: async () => {
        // The exchange's REST answers wait until the restored chart has been looked at: until then it has only its
        // cached bars, the ones in its HTML. (A fixed delay was a guess about load: 6 s, then 12 s, each too short on
        // a loaded machine, where the exchange's bars came first and the check below proved nothing.)
        const releaseRest = emulator.holdRest();
        // Where the user left the view: the older-bars step's page, the first of the bars cached since.
        const leftAt = await (await frameOfKind('chart')).evaluate(() => document.body.dataset.viewKept);
        let chart: Frame;
        let restoredAt: string | undefined;
        try {
          await reloadWindow(page());
          const restored = await restoredFrames(3);
          const kinds = (await Promise.all(restored.map((f) => f.evaluate(() => document.body.dataset.kind)))).sort();
          if (kinds.join(',') !== 'chart,dom,orderbook') throw new Error(`restored ${kinds.join(',')}`);
          chart = await frameOfKind('chart');
          // The host answered the page's ready with a snapshot of the same cached bars: it must not be drawn again.
          // A reload starts the extension host again: 16.5 s of a 20 s wait once at load 19, so a bound, not a goal.
          await chart.waitForFunction(() => Number(document.body.dataset.snapshots ?? 0) >= 2, undefined, { timeout: 45_000 });
          const seen = await chart.evaluate(() => {
            const d = document.body.dataset;
            const noteElement = document.querySelector<HTMLElement>('.legend-note');
            const note = noteElement
              ? { text: noteElement.textContent ?? '', height: noteElement.getBoundingClientRect().height, lineHeight: parseFloat(getComputedStyle(noteElement).lineHeight), cut: noteElement.scrollWidth > noteElement.clientWidth }
              : undefined;
            return { inline: d.inline, preview: d.preview, bundleAsked: d.bundleAsked, snapshots: d.snapshots, snapshotDraws: d.snapshotDraws, history: d.history, bars: d.bars, viewFrom: d.viewFrom, viewRightTime: d.viewRightTime, inlineElement: document.getElementById('inline-messages') !== null, previewLeft: document.getElementById('chart-preview') !== null, note };
          });
          log(`[e2e] restored chart: inline element ${seen.inlineElement}, inline data ${seen.inline}, preview ${seen.preview}, ${seen.snapshots} snapshots received, ${seen.snapshotDraws} drawn, history ${seen.history}, ${seen.bars} bars, view from bar ${seen.viewFrom}, right edge ${seen.viewRightTime}`);
          // The DOM draws its ladder from the trades while its book's snapshot (REST) is held: that is no book data
          // held, so its badge is not "stale" and nothing is dimmed (it read "stale" beside the book's "connecting").
          const dom = await frameOfKind('dom');
          await dom.waitForFunction(() => Number(document.body.dataset.rows ?? 0) > 0, undefined, { timeout: 45_000 });
          const ladder = await dom.evaluate(() => ({ bookSeen: document.body.dataset.bookSeen, stale: document.body.dataset.stale, badge: document.querySelector('.badge')?.getAttribute('data-state'), text: document.body.dataset.connectionText }));
          log(`[e2e] restored DOM before its book: book seen ${ladder.bookSeen}, badge ${ladder.badge} (${ladder.text}), stale ${ladder.stale}`);
          if (ladder.bookSeen === 'false' && ladder.stale !== 'false') throw new Error(`the DOM waiting for its book reads stale (${ladder.text}) though it holds no book`);
          log(`[e2e] screenshot: ${await saveScreenshot(page(), 'restored-chart-cached')} (note ${JSON.stringify(seen.note)})`);
          const wrong: string[] = [];
          // The legend's note is one line, whole: wrapped, it covered the first candles (a plain chart's top margin is fixed).
          if (!seen.note) wrong.push('the legend has no note while the cached bars are topped up');
          else if (seen.note.height > seen.note.lineHeight + 1 || seen.note.cut) wrong.push(`the legend's note ${JSON.stringify(seen.note.text)} is ${seen.note.cut ? 'cut' : `${seen.note.height} px high, more than a line`}`);
          if (!seen.inlineElement) wrong.push('the host set the page without its cached bars');
          if (seen.inline !== 'used') wrong.push(`the page's inline data was ${seen.inline ?? 'not looked at'}`);
          // Its cached bars were painted before its bundle ran, and that picture gave way to the chart's.
          if (seen.preview !== 'replaced' || seen.previewLeft) wrong.push(`the page's preview was ${seen.preview ?? 'never painted'}${seen.previewLeft ? ', and is still there' : ''}`);
          // Its bundle came as the message the host posted after the HTML, which VS Code held for the page.
          if (seen.bundleAsked !== undefined) wrong.push('the restored page had to ask for its bundle: the message posted after its HTML did not reach it');
          if (seen.history !== 'cached') wrong.push(`history is ${seen.history} before the exchange answered: the check proves nothing`);
          if (seen.snapshotDraws !== '1') wrong.push(`${seen.snapshots} snapshots of the same cached bars were drawn ${seen.snapshotDraws} times`);
          restoredAt = seen.viewRightTime;
          if (leftAt === undefined || restoredAt !== leftAt) wrong.push(`the view's right edge was on ${leftAt} before the reload, on ${restoredAt} after`);
          if (wrong.length > 0) throw new Error(wrong.join('; '));
        } finally {
          releaseRest();
        }
        // Back means its history topped up too: the cached bars are painted before the exchange is even asked, and a
        // check that went on then would drop the exchange under the chart's first seed.
        await chart.waitForFunction(() => Number(document.body.dataset.bars ?? 0) > 10 && document.body.dataset.history === 'complete', undefined, { timeout: 30_000 });
        const titles = await page().locator('.tabs-container .tab .label-name').allTextContents();
        if (!titles.some((t) => t.includes('BTC/USDT · 1m · binance'))) throw new Error(`tab titles after reload: ${titles.join(' | ')}`);
        // The topped-up history (new bars, maybe more in front) does not move the view to other bars.
        const after = await chart.evaluate(() => ({ right: document.body.dataset.viewRightTime, bars: document.body.dataset.bars, from: document.body.dataset.viewFrom }));
        const at = (t: string | undefined) => (t === 'newest' || t === undefined ? String(t) : new Date(Number(t)).toISOString());
        log(`[e2e] view's right edge: ${at(leftAt)} before the reload, ${at(restoredAt)} restored, ${at(after.right)} topped up (${after.bars} bars, view from bar ${after.from}); screenshot: ${await saveScreenshot(page(), 'restored-chart-topped-up')}`);
        if (after.right !== restoredAt) throw new Error(`the view moved when the history topped up: its right edge went from ${at(restoredAt)} to ${at(after.right)}`);
      },
    },
    {
      name: 'a chart hidden behind another tab and shown again does not paint the old bars in its HTML (it waits for the host), and shows the bars the user scrolled to',
      run: async () => {
        const tab = page().locator('.tabs-container .tab', { hasText: 'BTC/USDT · 1m · binance' });
        await tab.click();
        // Scrolled back from the newest bars: the view's right edge is on an older bar, kept in the webview state.
        const before = await frameOfKind('chart');
        await untilBodyState(before, 'the chart drawn, its view reported, before the drag', () => Number(document.body.dataset.snapshotDraws ?? 0) >= 1 && Number(document.body.dataset.bars ?? 0) > 10 && document.body.dataset.viewRightTime !== undefined, undefined, 30_000);
        // The view is scrolled back already (the older-bars step left it there, the reload restored it): the drag's
        // view is told from that one by its right edge, not by being a time.
        const draggedFrom = await before.evaluate(() => document.body.dataset.viewRightTime);
        const box = await before.locator('.chart-host').boundingBox();
        if (!box) throw new Error('the chart has no box');
        await page().mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.45);
        await page().mouse.down();
        await page().mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.45, { steps: 8 });
        await page().mouse.up();
        // Kept in the webview state (written a moment after the view moves) before the tab is hidden.
        await untilBodyState(
          before,
          `the dragged view (its right edge off ${draggedFrom}) kept in the webview state`,
          (from) => Number(document.body.dataset.viewRightTime) > 0 && document.body.dataset.viewRightTime !== from && document.body.dataset.viewKept === document.body.dataset.viewRightTime,
          draggedFrom,
          15_000,
        );
        const rightTime = await before.evaluate(() => document.body.dataset.viewRightTime);
        await executeCommand(page(), 'File: New Untitled Text File');
        await page().locator('.tabs-container .tab.active', { hasText: 'Untitled' }).waitFor({ timeout: 15_000 });
        await tab.click();
        const shownAt = Date.now();
        // Shown again, the page loads again from the HTML the restore set (retainContextWhenHidden is off).
        const chart = await frameOfKind('chart');
        // Loading the page again and the host's resync: a bound, not a goal (a page loads slowly at load 10).
        await untilBodyState(chart, "the chart shown again drawn from the host's snapshot (a snapshot, more than 10 bars)", () => Number(document.body.dataset.snapshots ?? 0) >= 1 && Number(document.body.dataset.bars ?? 0) > 10, undefined, 45_000);
        const seen = await chart.evaluate(() => ({ inline: document.body.dataset.inline, preview: document.body.dataset.preview, asked: document.body.dataset.bundleAsked, draws: document.body.dataset.snapshotDraws, early: document.body.dataset.early, snapshots: document.body.dataset.snapshots, element: document.getElementById('inline-messages') !== null }));
        // Its bundle came as the host's post on the panel shown again, held by VS Code, or (that post made before VS Code
        // had a page to hold it for) on the page's ask: either way it ran, or nothing here would be drawn.
        log(`[e2e] chart shown again, drawn ${((Date.now() - shownAt) / 1000).toFixed(1)} s after its tab's click: inline element ${seen.element}, inline data ${seen.inline}, ${seen.draws} drawn, bundle ${seen.asked === 'true' ? 'asked for' : 'held for the page'}, resync ${seen.early === undefined ? "at the page's ready" : `posted early (${seen.early})`}, ${seen.snapshots} snapshot(s)`);
        if (!seen.element) throw new Error('the shown page has no inline element: it did not load from the restored HTML, the check proves nothing');
        if (seen.inline !== 'stale') throw new Error(`the shown page's inline data was ${seen.inline ?? 'not looked at'}, not skipped as old`);
        if (seen.preview !== 'no bars') throw new Error(`the shown page previewed its old bars (${seen.preview})`);
        await untilBodyState(chart, "the shown chart's view reported (its right edge)", () => document.body.dataset.viewRightTime !== undefined, undefined, 10_000);
        const shownRight = await chart.evaluate(() => document.body.dataset.viewRightTime);
        log(`[e2e] view's right edge: ${new Date(Number(rightTime)).toISOString()} before hiding, ${shownRight === 'newest' ? 'the newest bar' : new Date(Number(shownRight)).toISOString()} shown again; screenshot: ${await saveScreenshot(page(), 'chart-shown-again')}`);
        if (shownRight !== rightTime) throw new Error(`the view's right edge was on ${rightTime}, shown again on ${shownRight}`);
        // Scrolled back, the page offers the way back to the newest bar: a click takes the view there, and the button goes.
        const newest = chart.locator('.to-newest');
        await newest.waitFor({ state: 'visible', timeout: 10_000 });
        await newest.click();
        await untilBodyState(chart, "the view at the newest bar after the newest button's click", () => document.body.dataset.viewRightTime === 'newest', undefined, 10_000);
        await newest.waitFor({ state: 'detached', timeout: 10_000 });
        log(`[e2e] the newest button took the view back to the newest bar; screenshot: ${await saveScreenshot(page(), 'chart-back-to-newest')}`);
        // The pointer off the chart, as a user's goes on: left over the plot, the legend would show the hovered bar.
        await page().mouse.move(0, 0);
      },
    },
    {
      name: 'when the exchange goes away for 3 s the badge shows reconnecting, then live; the book and the DOM read stale since the drop (dimmed, a line over their levels) until the fresh book replaces the held one; screenshot saved',
      run: async () => {
        const chart = await frameOfKind('chart');
        const book = await frameOfKind('orderbook');
        const dom = await frameOfKind('dom');
        await chart.waitForFunction(() => document.body.dataset.connection === 'live', undefined, { timeout: 20_000 });
        for (const f of [book, dom]) await f.waitForFunction(() => document.body.dataset.connection === 'live' && document.body.dataset.stale === 'false', undefined, { timeout: 30_000 });
        await chart.evaluate(() => {
          const seen: string[] = [];
          (window as unknown as { __seen: string[] }).__seen = seen;
          new MutationObserver(() => seen.push(document.body.dataset.connection ?? '')).observe(document.body, { attributes: true, attributeFilter: ['data-connection'] });
        });
        // What the book panel shows at every change: whether it reads stale, and its best bid and ask.
        await book.evaluate(() => {
          const seen: Array<{ stale: string; bid: number; ask: number }> = [];
          (window as unknown as { __book: typeof seen }).__book = seen;
          new MutationObserver(() => {
            const d = document.body.dataset;
            seen.push({ stale: d.stale ?? '', bid: Number(d.bestBid), ask: Number(d.bestAsk) });
          }).observe(document.body, { attributes: true, attributeFilter: ['data-stale', 'data-best-bid', 'data-best-ask'] });
        });
        const spreadOf = (f: Frame) => f.evaluate(() => Number(document.body.dataset.bestAsk) - Number(document.body.dataset.bestBid));
        // An outage of a few seconds, not a bare socket drop: a redial within one frame would show only "live".
        const wentDown = Date.now();
        await emulator.stop();
        let heldSpread = Number.NaN;
        try {
          const staleSince = /stale since (\d\d):(\d\d):(\d\d)$/;
          for (const f of [book, dom]) {
            await f.waitForFunction(
              (re) => document.body.dataset.stale === 'true' && new RegExp(re).test(document.body.dataset.connectionText ?? '') && /^book stale since \d\d:\d\d:\d\d UTC, not live$/.test(document.body.dataset.staleNote ?? ''),
              staleSince.source,
              { timeout: 15_000 },
            );
          }
          for (const [f, name, selector] of [[book, 'book', '.book'], [dom, 'ladder', '.ladder']] as const) {
            // The dimming fades in over 0.3 s: wait for it to settle rather than read it mid-fade.
            const dimmed = await f.waitForFunction((sel) => Number(getComputedStyle(document.querySelector(sel)!).opacity) < 0.8, selector, { timeout: 5_000 }).then(() => true, () => false);
            if (!dimmed) throw new Error(`the stale ${name} is not dimmed`);
            const shown = await f.evaluate(() => ({ note: (document.querySelector('.stale-note') as HTMLElement | null)?.innerText ?? '', text: document.body.dataset.connectionText ?? '' }));
            if (!/^book stale since \d\d:\d\d:\d\d UTC, not live$/.test(shown.note)) throw new Error(`the stale ${name} shows no line saying since when: ${JSON.stringify(shown.note)}`);
            // Since the drop (UTC, as every time in the panels), not since the last redraw: within the seconds around it.
            const [, h, m, sec] = staleSince.exec(shown.text) ?? [];
            const since = Date.UTC(new Date(wentDown).getUTCFullYear(), new Date(wentDown).getUTCMonth(), new Date(wentDown).getUTCDate(), Number(h), Number(m), Number(sec));
            const off = Math.abs(since - wentDown);
            if (!(off < 5_000 || Math.abs(off - 86_400_000) < 5_000)) throw new Error(`the ${name}'s badge reads "${shown.text}", the exchange went away at ${new Date(wentDown).toISOString()}`);
            log(`[e2e] stale ${name}: badge "${shown.text}", note "${shown.note}"`);
          }
          heldSpread = await spreadOf(book);
          log(`[e2e] screenshot: ${await saveScreenshot(page(), 'book-dom-stale')}`);
          await new Promise((r) => setTimeout(r, 3000)); // the outage's length, not a wait for an event
          // The book after the outage is wider than the one held: a live badge over a tight book would be the old book.
          emulator.setSpread('BTC/USDT', 40);
        } finally {
          await emulator.restart();
        }
        try {
          await chart.waitForFunction(
            () => {
              const seen = (window as unknown as { __seen: string[] }).__seen;
              const i = seen.indexOf('reconnecting');
              return i >= 0 && seen.slice(i).includes('live');
            },
            undefined,
            { timeout: 45_000 }, // ccxt's redial plus our backoff: ~20 s on a machine whose two cores are saturated
          );
          for (const f of [book, dom]) await f.waitForFunction(() => document.body.dataset.connection === 'live' && document.body.dataset.stale === 'false' && !document.body.dataset.staleNote, undefined, { timeout: 45_000 });
          const top = emulator.orderBook('BTC/USDT', 1);
          const wide = (top.asks[0]?.[0] ?? Number.NaN) - (top.bids[0]?.[0] ?? Number.NaN);
          if (!(heldSpread < wide / 2)) throw new Error(`the held spread ${heldSpread} is not clearly tighter than the fresh ${wide}: the check proves nothing`);
          const seen = await book.evaluate(() => (window as unknown as { __book: Array<{ stale: string; bid: number; ask: number }> }).__book);
          const since = seen.findIndex((o) => o.stale === 'true');
          const live = seen.slice(since).filter((o) => o.stale === 'false');
          const old = live.find((o) => !(o.ask - o.bid >= wide / 2));
          if (since < 0 || live.length === 0 || old) throw new Error(`the book read live over the held book (spread ${old ? old.ask - old.bid : '?'}, fresh ${wide}): ${JSON.stringify(seen.slice(Math.max(0, since)).slice(0, 20))}`);
          const domNote = await dom.evaluate(() => document.querySelector('.stale-note') !== null);
          if (domNote) throw new Error('the live DOM still shows the stale line');
          log(`[e2e] back live: held spread ${heldSpread}, fresh ${wide}; ${live.length} live draws, each of the fresh book; screenshot: ${await saveScreenshot(page(), 'after-reconnect')}`);
        } finally {
          emulator.setSpread('BTC/USDT', 0);
        }
      },
    },
    {
      name: 'a gap whose backfill fails shows "partial since" in the chart legend until the retried backfill fills it; screenshot saved',
      run: async () => {
        const chart = await frameOfKind('chart');
        const note = chart.locator('.legend-partial');
        // Trades lost in a drop cannot be fetched back (a 400 is not retried at once): the bars around the gap are partial.
        emulator.failRest({ status: 400, count: 1000, path: 'aggTrades' });
        try {
          emulator.dropConnections();
          await note.waitFor({ state: 'visible', timeout: 45_000 });
          const text = (await note.textContent()) ?? '';
          if (!/^partial since (\d\d [A-Z][a-z]{2}( '\d\d)? )?\d\d:\d\d$/.test(text)) throw new Error(`legend note: ${JSON.stringify(text)}`);
          log(`[e2e] screenshot: ${await saveScreenshot(page(), 'chart-partial')} (${text})`);
        } finally {
          emulator.clearFaults();
        }
        await note.waitFor({ state: 'detached', timeout: 60_000 }); // the factory's own retry (2 s, then 4 s, …)
      },
    },
    {
      name: "an alert arrives as a notification, and its Open Chart action opens the rule's chart; a click on the rule opens alerts.yaml at it",
      run: async () => {
        await executeCommand(page(), 'View: Close All Editors');
        // The market paused, the level just above its last price: the breakout is a tick, not a 5 % wick that would
        // flatten this emulator's BTC chart in the later scenarios' screenshots.
        const rate = emulator.tradesPerSecond;
        emulator.setTradesPerSecond(0);
        try {
          const last = emulator.trades('BTC/USDT').at(-1)!.price;
          const level = Math.ceil(last) + 5;
          // The rule on line 5, so a click on its row shows it was placed there, not at the file's start.
          const yaml = `# TradeSuite e2e: one rule\n#\n#\nrules:\n  - id: ui-alert\n    name: BTC breakout\n    type: price_level\n    exchange: binance\n    symbol: BTC/USDT\n    timeframe: 5m\n    above: ${level}\n    frequency: once\n`;
          const alerts = page().locator('.pane', { hasText: 'Alerts' });
          // No alerts.yaml yet: the view says where rules live, with a button that opens the file.
          await alerts.getByText('No alert rules yet').waitFor({ timeout: 20_000 });
          await alerts.getByRole('button', { name: 'Open Alerts Config' }).waitFor({ timeout: 5_000 });
          writeFileSync(path.join(server.workspace, 'alerts.yaml'), yaml);
          await alerts.getByRole('treeitem', { name: /BTC breakout/ }).first().waitFor({ timeout: 30_000 });
          // A price-level rule arms on its first trade: the last price again, until the rule has seen it.
          const armed = alerts.getByRole('treeitem', { name: /BTC breakout.*armed/ }).first();
          for (let attempt = 1; ; attempt++) {
            emulator.injectTrades('BTC/USDT', [{ price: last, amount: 0.01, side: 'sell' }]);
            if (await armed.waitFor({ timeout: 1_000 }).then(() => true, () => false)) break;
            if (attempt === 30) throw new Error('the rule was not armed by 30 trades at the last price');
          }
          emulator.injectTrades('BTC/USDT', [{ price: level + 1, amount: 0.3, side: 'buy' }]);
          await alerts.getByRole('treeitem', { name: /BTC breakout.*done/ }).first().waitFor({ timeout: 20_000 });
        } finally {
          emulator.setTradesPerSecond(rate);
        }
        // The headless workbench keeps toasts hidden; the notification centre lists the same notification.
        await executeCommand(page(), 'Notifications: Show Notifications');
        const note = page().locator('.notifications-center .notification-list-item', { hasText: 'TradeSuite alert — BTC breakout' }).first();
        await note.waitFor({ state: 'visible', timeout: 20_000 });
        log(`[e2e] screenshot: ${await saveScreenshot(page(), 'alert-notification')}`);
        await note.getByRole('button', { name: 'Open Chart' }).click();
        await page().locator('.tabs-container .tab', { hasText: 'BTC/USDT · 5m · binance' }).waitFor({ timeout: 20_000 });
        // A click on the rule's row opens alerts.yaml at the rule.
        await page().locator('.pane', { hasText: 'Alerts' }).getByRole('treeitem', { name: /BTC breakout/ }).first().click();
        await page().locator('.tabs-container .tab.active', { hasText: 'alerts.yaml' }).waitFor({ timeout: 20_000 });
        const cursor = page().locator('.statusbar-item', { hasText: /^Ln \d+, Col \d+/ }).first();
        await cursor.filter({ hasText: /^Ln 5, / }).waitFor({ timeout: 10_000 }).catch(async () => Promise.reject(new Error(`the cursor after a click on the rule: ${await cursor.textContent()} (the rule is on line 5)`)));
        // A rule with a typo is not listed: the view says so above the rules, until the file is mended.
        const good = readFileSync(path.join(server.workspace, 'alerts.yaml'), 'utf8');
        writeFileSync(path.join(server.workspace, 'alerts.yaml'), `${good}  - name: broken\n    type: price_levle\n    symbol: BTC/USDT\n`);
        const problems = page().locator('.pane', { hasText: 'Alerts' }).getByText(/alerts\.yaml has \d+ errors?: a rule with an error is not listed/);
        await problems.waitFor({ timeout: 20_000 });
        log(`[e2e] screenshot: ${await saveScreenshot(page(), 'alerts-view-problem')}`);
        writeFileSync(path.join(server.workspace, 'alerts.yaml'), good);
        await problems.waitFor({ state: 'detached', timeout: 20_000 });
      },
    },
    {
      name: "REST history blocked, warm cache: a chart paints its cached candles with a 'history offline' note",
      run: async () => {
        // Every chart closed: the 1m series (cached on disk since the first chart) is released.
        await executeCommand(page(), 'View: Close All Editors');
        for (const p of ['klines', 'aggTrades']) emulator.failRest({ status: 503, count: 100_000, path: p });
        try {
          const tree = page().locator('.pane', { hasText: 'Markets' });
          await tree.getByRole('treeitem', { name: /^BTC\/USDT/ }).last().click();
          const chart = await frameOfKind('chart');
          await chart.waitForFunction(() => document.body.dataset.history === 'offline' && Number(document.body.dataset.bars ?? 0) > 10, undefined, { timeout: 45_000 });
          const note = (await chart.locator('.legend-note').textContent({ timeout: 5_000 })) ?? '';
          if (!note.includes('history offline')) throw new Error(`the legend note reads ${JSON.stringify(note)}`);
          const colours = await paintedColours(chart);
          if (colours < 5) throw new Error(`the chart canvases show only ${colours} colours: the cached candles were not painted`);
          log(`[e2e] screenshot: ${await saveScreenshot(page(), 'history-offline')}`);
        } finally {
          emulator.clearFaults();
        }
      },
    },
    {
      name: "dragged to the start of the exchange's history, the chart's left edge says 'start of history'; screenshot saved",
      run: async () => {
        await executeCommand(page(), 'View: Close All Editors');
        await page().locator('.pane', { hasText: 'Markets' }).getByRole('treeitem', { name: /^ETH\/USDT/ }).last().click();
        const chart = await frameOfKind('chart');
        await chart.waitForFunction(() => Number(document.body.dataset.bars ?? 0) > 10 && document.body.dataset.history === 'complete', undefined, { timeout: 30_000 });
        const box = await chart.locator('.chart-host').boundingBox();
        if (!box) throw new Error('the chart has no box');
        const y = box.y + box.height * 0.45;
        const state = () => chart.evaluate(() => ({ older: document.body.dataset.olderBars ?? 'idle', bars: Number(document.body.dataset.bars) }));
        // The emulator's history is a day of 1m bars: zoomed out and dragged right, page after page, until none come.
        let seen = await state();
        for (let move = 0; move < 40 && seen.older !== 'exhausted'; move++) {
          await page().mouse.move(box.x + box.width * 0.5, y);
          await page().mouse.wheel(0, 800);
          await page().mouse.move(box.x + box.width * 0.1, y);
          await page().mouse.down();
          await page().mouse.move(box.x + box.width * 0.95, y, { steps: 10 });
          await page().mouse.up();
          await chart.waitForFunction(() => document.body.dataset.olderBars !== 'loading', undefined, { timeout: 20_000 });
          seen = await state();
        }
        if (seen.older !== 'exhausted') throw new Error(`the left edge is ${seen.older} after 40 drags (${seen.bars} bars)`);
        const note = chart.locator('.older-end');
        await note.waitFor({ state: 'visible', timeout: 5_000 });
        const text = (await note.textContent()) ?? '';
        if (text !== 'start of history') throw new Error(`the edge's note reads ${JSON.stringify(text)}`);
        log(`[e2e] start of history after ${seen.bars} bars; screenshot: ${await saveScreenshot(page(), 'older-bars-start')}`);
        // Dragged back away from the edge, the note goes.
        await page().mouse.move(box.x + box.width * 0.9, y);
        await page().mouse.down();
        await page().mouse.move(box.x + box.width * 0.1, y, { steps: 10 });
        await page().mouse.up();
        await note.waitFor({ state: 'hidden', timeout: 5_000 });
      },
    },
    {
      name: "editing settings.json beside the chart changes its EMAs at once (its bars kept, the page not reloaded), and back",
      run: async () => {
        const chart = await frameOfKind('chart');
        const emas = (f: Frame) => f.evaluate(() => [...document.querySelectorAll('.legend-ema .legend-label')].map((e) => e.textContent ?? '').join(','));
        if ((await emas(chart)) !== 'EMA 20,EMA 50') throw new Error(`the default EMAs are not in the legend: ${await emas(chart)}`);
        const file = path.join(server.userDataDir, 'User', 'settings.json');
        const before = readFileSync(file, 'utf8');
        // As a user does: the settings file opened and moved beside the chart, edited there and saved.
        await executeCommand(page(), 'Preferences: Open User Settings (JSON)');
        await page().locator('.tab.active', { hasText: 'settings.json' }).waitFor({ timeout: 15_000 });
        await executeCommand(page(), 'View: Move Editor into Right Group');
        const shown = await frameOfKind('chart'); // shown again after the settings tab covered it: a fresh page
        await shown.waitForFunction(() => Number(document.body.dataset.bars ?? 0) > 10, undefined, { timeout: 30_000 });
        const bars = await shown.evaluate(() => Number(document.body.dataset.bars));
        await shown.evaluate(() => ((window as unknown as { __samePage: boolean }).__samePage = true));
        // Typed as a person types (the editor closes brackets and quotes as they are opened, and overtypes them).
        const editor = page().locator('.editor-group-container', { has: page().locator('.tab', { hasText: 'settings.json' }) }).locator('.monaco-editor .view-lines').first();
        const savedAs = (expected: Record<string, unknown>) => settingsSaved(file, expected);
        const original = JSON.parse(before) as Record<string, unknown>;
        await editor.click();
        await page().keyboard.press('Control+Home');
        await page().keyboard.press('End');
        await page().keyboard.press('Enter');
        await page().keyboard.type('"tradesuite.chart.emaPeriods": [9, 21, 200],');
        await page().keyboard.press('Control+S');
        await savedAs({ 'tradesuite.chart.emaPeriods': [9, 21, 200], ...original });
        const restore = async () => {
          await editor.click();
          await page().keyboard.press('Control+Home');
          await page().keyboard.press('ArrowDown');
          await page().keyboard.press('Control+Shift+K'); // Delete Line
          await page().keyboard.press('Control+S');
          await savedAs(original);
        };
        try {
          await shown.waitForFunction(() => [...document.querySelectorAll('.legend-ema .legend-label')].map((e) => e.textContent).join(',') === 'EMA 9,EMA 21,EMA 200', undefined, { timeout: 20_000 });
          if (!(await shown.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage === true))) throw new Error('the chart page was reloaded, not updated');
          const after = await shown.evaluate(() => Number(document.body.dataset.bars));
          if (after < bars) throw new Error(`the chart lost bars on the redraw: ${bars} → ${after}`);
          log(`[e2e] screenshot: ${await saveScreenshot(page(), 'settings-ema-changed')}`);
        } finally {
          await restore();
        }
        await shown.waitForFunction(() => [...document.querySelectorAll('.legend-ema .legend-label')].map((e) => e.textContent).join(',') === 'EMA 20,EMA 50', undefined, { timeout: 20_000 });
        await executeCommand(page(), 'View: Close Editor');
        await page().locator('.tab', { hasText: 'settings.json' }).waitFor({ state: 'detached', timeout: 15_000 });
      },
    },
    {
      name: "the cache directory set to an empty one: the engine starts again with nothing cached, the chart paints the exchange's newest bars while ccxt's markets load and its legend says so, then the history replaces them; screenshot saved",
      run: async () => {
        const file = path.join(server.userDataDir, 'User', 'settings.json');
        const original = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        const emptyCache = mkdtempSync(path.join(os.tmpdir(), 'ts-e2e-empty-cache-'));
        // As a user does: settings.json beside the chart, the setting typed there and saved.
        await executeCommand(page(), 'Preferences: Open User Settings (JSON)');
        await page().locator('.tab.active', { hasText: 'settings.json' }).waitFor({ timeout: 15_000 });
        await executeCommand(page(), 'View: Move Editor into Right Group');
        const chart = await frameOfKind('chart');
        await chart.waitForFunction(() => Number(document.body.dataset.bars ?? 0) > 10 && document.body.dataset.history === 'complete', undefined, { timeout: 30_000 });
        const editor = page().locator('.editor-group-container', { has: page().locator('.tab', { hasText: 'settings.json' }) }).locator('.monaco-editor .view-lines').first();
        // ccxt's markets wait until the legend has been read: the bars shown meanwhile came without ccxt.
        const releaseMarkets = emulator.holdRest('/api/v3/exchangeInfo');
        try {
          await editor.click();
          await page().keyboard.press('Control+Home');
          await page().keyboard.press('End');
          await page().keyboard.press('Enter');
          await page().keyboard.type(`"tradesuite.cacheDirectory": ${JSON.stringify(emptyCache)},`);
          await page().keyboard.press('Control+S');
          await settingsSaved(file, { 'tradesuite.cacheDirectory': emptyCache, ...original });
          await chart.waitForFunction(() => document.body.dataset.history === 'loading', undefined, { timeout: 30_000 });
          await emulator.waitForStats((s) => s.restHeld >= 1, 30_000);
          const seen = await chart.evaluate(() => ({ bars: Number(document.body.dataset.bars ?? 0), note: document.querySelector('.legend-note')?.textContent ?? '', older: document.body.dataset.olderBars }));
          if (seen.note !== 'newest bars · loading the history…') throw new Error(`the legend's note reads ${JSON.stringify(seen.note)}`);
          // The step before found the start of history; these bars start hours after it.
          if (seen.older === 'exhausted') throw new Error("the left edge still says 'start of history' before the newest page");
          if (seen.bars < 10) throw new Error(`only ${seen.bars} bars painted before the markets loaded`);
          const colours = await paintedColours(chart);
          if (colours < 5) throw new Error(`the chart canvases show only ${colours} colours: nothing painted`);
          log(`[e2e] ${seen.bars} newest bars before ccxt's markets (${emulator.stats().restHeld} markets request held); screenshot: ${await saveScreenshot(page(), 'first-bars-loading')}`);
        } finally {
          releaseMarkets();
        }
        await chart.waitForFunction(() => document.body.dataset.history === 'complete' && document.querySelector('.legend-note') === null, undefined, { timeout: 30_000 });
        // Back to the cache the session filled (the line deleted, saved): the engine starts again on it.
        await editor.click();
        await page().keyboard.press('Control+Home');
        await page().keyboard.press('ArrowDown');
        await page().keyboard.press('Control+Shift+K');
        await page().keyboard.press('Control+S');
        await settingsSaved(file, original);
        await executeCommand(page(), 'View: Close Editor');
        await page().locator('.tab', { hasText: 'settings.json' }).waitFor({ state: 'detached', timeout: 15_000 });
        rmSync(emptyCache, { recursive: true, force: true });
      },
    },
  ];

  return uiScenario(checks, () => ({ server, wb }));
}
