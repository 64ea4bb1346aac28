/**
 * One market across exchanges in the real workbench (issue 15): with Binance, Coinbase and Bybit emulators and an
 * aggregate of their BTC markets in the settings, the Markets view lists it under "Aggregates"; its chart opens
 * beside Binance's BTC/USDT chart, paints, and its legend shows the bar's delta (whole, spot, perp) and each leg's
 * share, with its delta, CVD, liquidation and open-interest panes under it; dragged to its left edge it loads the page
 * before its history from its legs; with Bybit's
 * server stopped the legend says "partial since", and the note goes once it is back (zoomed out to about 3 px a bar,
 * the liquidation pane's hatching over that outage is shot in the light and the dark theme); its time & sales opens from the
 * tree's context menu (with Bybit's liquidations as rows of their own), and so do its DOM (the legs' books merged, each leg's share per row) and its footprint chart
 * (cells of the legs' merged trades at the aggregate's price). Screenshots of each.
 */
import type { Frame, Page } from 'playwright-core';
import { ExchangeEmulator } from '../../../src/emulator';
import { saveScreenshot, webviewFrame, type CodeServer, type Workbench } from '../runner';
import { WORKBENCH_WEBVIEW_FONTS } from '../../helpers/webviewPageStub';
import { browserConsoleTail } from './browserConsole';
import { setColorTheme } from './colorTheme';
import { describeEngine, readEngineState } from './engineState';
import { sweepNarrowSplits } from './narrowToolbars';
import { rightClickMenu } from './rightClickMenu';
import { startSession, uiScenario, type Check, type UiScenario } from './workbenchScenario';
import { workbenchSteps } from './workbenchSteps';

const EXT = { extensionId: 'tradesuite.tradesuite' };
export const AGGREGATE = { name: 'BTC-USD (agg)', legs: ['binance:BTC/USDT', 'coinbase:BTC/USD', 'bybit:BTC/USDT:USDT'], usdtIsUsd: true };

export function aggregateScenario(binance: ExchangeEmulator, settings: Record<string, unknown>, target: { vsix: string } | { extensionDevelopmentPath: string }, log: (l: string) => void): UiScenario {
  let server: CodeServer | undefined;
  let wb: Workbench | undefined;
  const others: ExchangeEmulator<'coinbase' | 'bybit'>[] = [];
  const page = (): Page => wb!.page;
  const { moveIntoNextGroup } = workbenchSteps(page);
  const bybit = () => others.find((e) => e.exchange === 'bybit')!;

  /** The chart webview whose legend has an aggregate's flow row (the other chart is Binance's own). */
  const aggregateFrame = async (): Promise<Frame> => {
    const deadline = Date.now() + 45_000;
    for (;;) {
      const n = await page().locator('iframe.webview.ready').count();
      for (let i = 0; i < n; i++) {
        const f = await webviewFrame(page(), { ...EXT, index: i }).catch(() => undefined);
        if (f && (await f.locator('.legend-flow').count()) > 0) return f;
      }
      if (Date.now() > deadline) throw new Error(`no aggregate chart legend among ${n} webviews`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  /** The first ready webview whose page says `pred` (its body's data), waited for up to 45 s. */
  const frameWhere = async (what: string, pred: (data: Record<string, string | undefined>) => boolean): Promise<Frame> => {
    const deadline = Date.now() + 45_000;
    for (;;) {
      const n = await page().locator('iframe.webview.ready').count();
      for (let i = 0; i < n; i++) {
        const f = await webviewFrame(page(), { ...EXT, index: i }).catch(() => undefined);
        const data = await f?.evaluate(() => ({ ...document.body.dataset })).catch(() => undefined);
        if (f && data && pred(data)) return f;
      }
      if (Date.now() > deadline) throw new Error(`no ${what} among ${n} webviews`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  /** The host's view of Bybit's streams and sockets (status, attempt, newest update) and the DOM page's of its legs. */
  const legsDump = async (dom: Frame): Promise<string> => {
    const host = await readEngineState(page(), server!).then(
      (state) => describeEngine(state, 'bybit'),
      (err: unknown) => `the host's state unread: ${err instanceof Error ? err.message : String(err)}`,
    );
    const shown = await dom
      .evaluate(() => ({
        data: { ...document.body.dataset },
        visibility: document.visibilityState,
        legs: [...document.querySelectorAll('.dom-leg')].map((l) => `${l.className}: ${(l.textContent ?? '').trim()} (${l.getAttribute('title') ?? ''})`),
        badge: document.querySelector('.toolbar .badge')?.getAttribute('title'),
      }))
      .then((v) => JSON.stringify(v), (e: unknown) => `unreadable (${String(e)})`);
    return `the host at ${new Date().toISOString()}:\n${host}\nthe DOM page: ${shown}`;
  };
  /**
   * Every leg of the aggregate DOM reads live (and so does its badge) within `timeoutMs` (a bound, not a guess): it
   * fails with the host's view of Bybit's streams and the page's of its legs, and logs them when it holds.
   */
  const domLegsLive = async (dom: Frame, after: string, timeoutMs: number): Promise<void> => {
    const t0 = Date.now();
    // Polled on a timer: by frames (Playwright's default), a page that paints no frame (occluded, or starved of frames
    // on a loaded machine) is never looked at again, whatever it holds.
    const live = await dom
      .waitForFunction(() => {
        const legs = [...document.querySelectorAll('.dom-leg')];
        return legs.length === 3 && legs.every((l) => l.classList.contains('leg-live')) && document.body.dataset.connection === 'live';
      }, undefined, { timeout: timeoutMs, polling: 250 })
      .then(() => true, () => false);
    const took = ((Date.now() - t0) / 1000).toFixed(1);
    const dump = await legsDump(dom);
    if (!live) {
      // Whether ladders still come: one that does says the host's own state is old; none says the page gets no posts
      // (the host takes it for hidden, or VS Code does not deliver them).
      const drawn = await dom.evaluate(() => document.body.dataset.ladders).catch(() => undefined);
      const posts = await dom.waitForFunction((n) => document.body.dataset.ladders !== n, drawn, { timeout: 3_000, polling: 100 }).then(
        () => 'ladders still come',
        () => `no ladder in 3 s (still ${drawn ?? 'none'})`,
      );
      throw new Error(`${after}, not every leg of the aggregate DOM read live within ${timeoutMs / 1000} s (${posts}); ${dump}`);
    }
    log(`[e2e] ${after}, every leg of the aggregate DOM live in ${took} s; ${dump.replace(/\n/g, '\n[e2e]   ')}`);
  };
  /** After the page's next two frames: what changed has been painted. */
  const painted = (f: Frame) => f.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
  /**
   * A context menu item's visible effect: its panel's tab shown and focused (the active group's active tab) and its
   * page there (`matches`), within 45 s (a liveness bound: on a loaded machine a tab came 15 s after the click). If it
   * does not come, the error says which side lags: the editor groups' tabs, and the panels the host holds.
   */
  const opened = (title: string, what: string, matches: (data: Record<string, string | undefined>) => boolean, timeoutMs = 45_000) => async (): Promise<Frame> => {
    try {
      await page().locator('.editor-group-container.active .tab.active', { hasText: title }).first().waitFor({ timeout: timeoutMs });
      return await frameWhere(what, matches);
    } catch (err) {
      const groups = await page()
        .evaluate(() => [...document.querySelectorAll('.editor-group-container')].map((g) => `${g.classList.contains('active') ? 'active ' : ''}[${[...g.querySelectorAll('.tab')].map((t) => `${(t.textContent ?? '').trim()}${t.classList.contains('active') ? ' (shown)' : ''}`).join(', ')}]`).join(' '))
        .catch((e: unknown) => `unread (${String(e)})`);
      const host = await readEngineState(page(), server!).then(
        (state) => state.panels.map((p) => `${p.title}${p.visible ? ' (visible)' : ''}`).join(', ') || 'none',
        (e: unknown) => `unread (${e instanceof Error ? e.message : String(e)})`,
      );
      throw new Error(`${String(err).split('\n')[0]}; editor groups: ${groups}; the host's panels: ${host}`, { cause: err });
    }
  };
  const aggregateRow = () => page().locator('.pane', { hasText: 'Markets' }).locator('.monaco-list-row', { hasText: 'BTC-USD (agg)' });
  /**
   * Opens a view from the aggregate's context menu and waits for its tab. A tab that never came has been seen (the host
   * had made the panel; VS Code never opened its editor): then, as a person would, the item is run again after 15 s,
   * when the host closes the panel VS Code never showed and opens a new one (PanelRegistry.closeUnplaced). Told in the
   * output as a defect seen, with the workbench's console errors.
   */
  const openFromMenu = async (item: RegExp, title: string, what: string, matches: (data: Record<string, string | undefined>) => boolean) => {
    try {
      await rightClickMenu(page(), aggregateRow(), item, log, opened(title, what, matches, 15_000));
    } catch (err) {
      if (!String(err).includes('its effect did not show')) throw err;
      const errors = browserConsoleTail(page(), 10);
      log(`[e2e] DEFECT SEEN: ${String(err).split('\n')[0]}; the workbench's console errors: ${errors.length > 0 ? errors.join(' | ') : 'none'}; the item run again, as a person would`);
      await rightClickMenu(page(), aggregateRow(), item, log, opened(title, what, matches));
    }
  };

  /**
   * The x (CSS px) of the decimal point of each amount in view in the cells `selector` finds, in the amount's own text
   * (not a merged count's, nor the hidden room): a column lined up on its decimal point has one.
   */
  const pointXs = (f: Frame, selector: string) =>
    f.evaluate((sel) => {
      const xs: number[] = [];
      for (const cell of document.querySelectorAll(sel)) {
        const box = cell.getBoundingClientRect();
        if (box.bottom < 0 || box.top > window.innerHeight) continue;
        for (const node of cell.childNodes) {
          const at = node.nodeType === Node.TEXT_NODE ? (node.textContent ?? '').indexOf('.') : -1;
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + 1);
          xs.push(range.getBoundingClientRect().left);
        }
      }
      return xs;
    }, selector);
  const linedUp = async (f: Frame, what: string, selector: string) => {
    const xs = await pointXs(f, selector);
    if (xs.length < 5) throw new Error(`${what}: only ${xs.length} amounts with a decimal point in view`);
    const spread = Math.max(...xs) - Math.min(...xs);
    if (spread > 0.5) throw new Error(`${what}: the decimal points of ${xs.length} amounts lie over ${spread.toFixed(1)} px (${[...new Set(xs.map((x) => x.toFixed(1)))].slice(0, 6).join(', ')})`);
    log(`[e2e] ${what}: ${xs.length} amounts, their decimal points lined up`);
  };

  const checks: Check[] = [
    {
      name: 'the workbench starts with three exchanges and an aggregate of their BTC markets',
      run: async () => {
        for (const exchange of ['coinbase', 'bybit'] as const) others.push(await ExchangeEmulator.start({ exchange, seed: 3, tradesPerSecond: 10, historyMinutes: 60 }));
        const exchanges = [{ id: 'binance', endpoint: binance.url }, ...others.map((e) => ({ id: e.exchange, endpoint: e.url }))];
        ({ server, wb } = await startSession(binance, { ...settings, 'tradesuite.exchanges': exchanges, 'tradesuite.aggregates': [AGGREGATE] }, target));
      },
    },
    {
      name: 'the Markets view lists the aggregate under "Aggregates", with its USDT ≈ USD note',
      run: async () => {
        await page().locator('.activitybar [aria-label^="TradeSuite"]').first().click({ timeout: 30_000 });
        const tree = page().locator('.pane', { hasText: 'Markets' });
        // Rows by their text: a row's accessible name carries its tooltip too.
        await tree.locator('.monaco-list-row', { hasText: 'Aggregates' }).click({ timeout: 30_000 });
        await tree.locator('.monaco-list-row', { hasText: 'BTC-USD (agg)' }).filter({ hasText: '3 legs · USDT ≈ USD' }).waitFor({ timeout: 15_000 });
      },
    },
    {
      name: "the aggregate's chart opens beside Binance's BTC/USDT chart, paints, and its legend shows the delta and each leg's share; screenshot saved",
      run: async () => {
        const tree = page().locator('.pane', { hasText: 'Markets' });
        await tree.getByRole('treeitem', { name: /^binance/ }).click({ timeout: 30_000 });
        await tree.getByRole('treeitem', { name: /^USDT/ }).first().click({ timeout: 30_000 });
        await tree.getByRole('treeitem', { name: /^BTC\/USDT/ }).first().click({ timeout: 30_000 });
        await page().locator('.tabs-container .tab', { hasText: 'BTC/USDT · 1m · binance' }).waitFor({ timeout: 30_000 });
        await tree.locator('.monaco-list-row', { hasText: 'BTC-USD (agg)' }).click();
        await moveIntoNextGroup('BTC-USD (agg) · 1m · aggregate');
        const chart = await aggregateFrame();
        await chart.waitForFunction(() => Number(document.body.dataset.bars ?? 0) >= 1 && document.body.dataset.connection === 'live', undefined, { timeout: 45_000 });
        const legs = await chart.locator('.legend-flow .legend-leg').allTextContents();
        const wanted = ['binance BTC/USDT', 'coinbase BTC/USD', 'bybit BTC/USDT:USDT'];
        if (legs.length !== 3 || !legs.every((t, i) => t.startsWith(wanted[i]!) && /\d+%$/.test(t))) throw new Error(`legend legs: ${JSON.stringify(legs)}`);
        const fields = await chart.locator('.legend-flow .legend-field').allTextContents();
        if (!/^Δ[+-]\d/.test(fields[0] ?? '') || !/^spot[+-]\d/.test(fields[1] ?? '') || !/^perp[+-]\d/.test(fields[2] ?? '')) throw new Error(`legend delta, spot and perp: ${JSON.stringify(fields)}`);
        // Under the price pane: delta, CVD (whole, spot, perp), liquidations, open interest with funding; a bubble once Bybit liquidates.
        await chart.waitForFunction(() => Number(document.body.dataset.panes ?? 0) >= 5 && Number(document.body.dataset.flowBars ?? 0) >= 1 && Number(document.body.dataset.laneOpenInterest ?? 0) > 0, undefined, { timeout: 45_000 });
        await chart.waitForFunction(() => Number(document.body.dataset.liquidationBars ?? 0) >= 1, undefined, { timeout: 60_000 });
        // Over the newest bar, the newest open interest (the legend row the lanes' figures fill).
        const oi = (await chart.locator('.legend-derivatives .legend-oi').textContent({ timeout: 20_000 })) ?? '';
        if (!/^OI[\d,.]+[KMB]?$/.test(oi)) throw new Error(`the legend's open interest over the newest bar: ${JSON.stringify(oi)}`);
        const body = await chart.evaluate(() => ({ ...document.body.dataset }));
        // The newest bars, with a liquidation and an open interest, are in view: both axes are labelled.
        if (body.liquidationAxis !== 'labelled' || body.figuresAxis !== 'labelled') throw new Error(`with the lanes in view the liquidation axis is ${body.liquidationAxis}, the open interest's ${body.figuresAxis}`);
        // The page harness outside VS Code (chartPreviewScenario) gives its pages these fonts: they must be the workbench's.
        const fonts = await chart.evaluate((names) => Object.fromEntries(names.map((n) => [n, getComputedStyle(document.documentElement).getPropertyValue(n).trim()])), Object.keys(WORKBENCH_WEBVIEW_FONTS));
        const unlike = Object.entries(WORKBENCH_WEBVIEW_FONTS).filter(([n, v]) => fonts[n] !== v);
        if (unlike.length > 0) throw new Error(`the workbench gives its webviews other fonts than the page harness does: ${unlike.map(([n, v]) => `${n} ${JSON.stringify(fonts[n])} (harness ${JSON.stringify(v)})`).join('; ')}`);
        // The workbench's own theme (Light 2026): a toggle that is off has the border of VS Code's secondary buttons,
        // not a primary button's (blue, on a grey button: it read as focus).
        const borders = await chart.evaluate(() => {
          const probe = document.createElement('button');
          probe.style.border = '1px solid var(--vscode-button-secondaryBorder, var(--vscode-button-border, transparent))';
          document.body.append(probe);
          const secondary = getComputedStyle(probe).borderTopColor;
          probe.remove();
          const toggle = document.querySelector('.footprint-toggle');
          return { secondary, footprint: toggle ? getComputedStyle(toggle).borderTopColor : 'none', pressed: toggle?.getAttribute('aria-pressed'), theme: document.body.dataset.vscodeThemeName };
        });
        if (borders.pressed !== 'false' || borders.footprint !== borders.secondary) throw new Error(`the Footprint toggle, off, in ${borders.theme}: ${JSON.stringify(borders)}`);
        log(`[e2e] screenshot: ${await saveScreenshot(page(), 'aggregate-beside-single')} (${legs.join(' · ')}; panes ${body.panes}, CVD ${body.cvd}, OI ${body.laneOpenInterest}, liquidation bars ${body.liquidationBars})`);
      },
    },
    {
      name: "with Bybit's server stopped the aggregate stays live on the others and its legend says partial, its liquidations too, over the bar it stopped in and the next; its delta/CVD hatched, its open interest dated; once it is back the notes go; screenshot saved",
      run: async () => {
        const chart = await aggregateFrame();
        const note = chart.locator('.legend-partial');
        await bybit().stop();
        try {
          await note.waitFor({ state: 'visible', timeout: 45_000 });
          const text = (await note.textContent()) ?? '';
          if (!/^partial since (\d\d [A-Z][a-z]{2}( '\d\d)? )?\d\d:\d\d$/.test(text)) throw new Error(`legend note: ${JSON.stringify(text)}`);
          await chart.waitForFunction(() => document.body.dataset.connection === 'degraded', undefined, { timeout: 20_000 });
          const lanesNote = chart.locator('.legend-lanes-partial');
          await lanesNote.waitFor({ state: 'visible', timeout: 20_000 });
          // The next bar, begun while Bybit (the only leg with liquidations) is down, says so too: nothing of Bybit's
          // comes to make its lanes bar (the official CI stopped it 0.7 s before a minute and the new bar had no note).
          const lastTime = await chart.evaluate(() => Number(document.body.dataset.lastTime));
          await chart.waitForFunction((t) => Number(document.body.dataset.lastTime) > t, lastTime, { timeout: 70_000 });
          await lanesNote.waitFor({ state: 'visible', timeout: 10_000 });
          // Its delta and CVD panes are hatched over the partial bars; its open interest and funding are dated (Bybit's
          // ticker is down: they are its last ones, not the bar's).
          await chart.waitForFunction(() => Number(document.body.dataset.partialFlowBars ?? 0) >= 1, undefined, { timeout: 10_000 });
          const figuresNote = chart.locator('.legend-derivatives .legend-note');
          const dated = (await figuresNote.textContent({ timeout: 10_000 })) ?? '';
          if (!/bybit BTC\/USDT:USDT: as of \d\d:\d\d:\d\d UTC/.test(dated)) throw new Error(`the legend's figures note with Bybit down: ${JSON.stringify(dated)}`);
          log(`[e2e] screenshot: ${await saveScreenshot(page(), 'aggregate-partial')} (${text}; the next bar's lanes partial too; flow bars hatched ${await chart.evaluate(() => document.body.dataset.partialFlowBars)}; ${dated})`);
        } finally {
          await bybit().restart();
        }
        await note.waitFor({ state: 'detached', timeout: 60_000 });
        await chart.locator('.legend-derivatives .legend-note').waitFor({ state: 'detached', timeout: 30_000 });
      },
    },
    {
      name: "dragging the aggregate chart to its left edge loads the page before its history, merged from its legs (Binance's reaches further back than Coinbase's and Bybit's); screenshot saved",
      run: async () => {
        const chart = await aggregateFrame();
        const read = () =>
          chart.evaluate(() => ({ first: Number(document.body.dataset.firstTime), bars: Number(document.body.dataset.bars), older: document.body.dataset.olderBars ?? '', lanesSince: Number(document.body.dataset.lanesSince) }));
        const before = await read();
        const box = await chart.locator('.chart-host').boundingBox();
        if (!box) throw new Error('the chart has no box');
        // The price pane is the top one (delta, CVD, liquidations and open interest are under it).
        const y = box.y + box.height * 0.2;
        for (let drag = 0; drag < 12 && (await read()).first >= before.first && (await read()).older !== 'loading'; drag++) {
          await page().mouse.move(box.x + box.width * 0.1, y);
          await page().mouse.down();
          await page().mouse.move(box.x + box.width * 0.9, y, { steps: 12 });
          await page().mouse.up();
        }
        await chart.waitForFunction((first) => Number(document.body.dataset.firstTime) < first && document.body.dataset.olderBars !== 'loading', before.first, { timeout: 45_000 });
        const after = await read();
        if (after.older === 'failed') throw new Error('the older page failed');
        // 300 bars were seeded; Binance has 24 hours of history, so a page of 1,000 more comes (Coinbase and Bybit have 60 minutes: those bars are partial).
        if (!(after.bars >= before.bars + 900)) throw new Error(`bars ${before.bars} → ${after.bars}: expected a page of about 1,000 older bars`);
        // The lanes have no history: their panes say since when over the older bars ("liquidations since 08:47").
        if (!(after.lanesSince > after.first)) throw new Error(`lanes since ${after.lanesSince}, first bar ${after.first}: the lanes should begin after the older bars`);
        // Over a bar from history (klines: no taker split) the legend says so, rather than showing no delta row or a delta of 0.
        await page().mouse.move(box.x + box.width * 0.3, y);
        const noSplit = await chart.locator('.legend-no-split').textContent({ timeout: 10_000 });
        if (!/no buy\/sell split/.test(noSplit ?? '')) throw new Error(`the legend over a history bar: ${JSON.stringify(noSplit)}`);
        // Nor the newest open interest and funding as if they were that bar's: none is held that far back, and it says since when.
        const figures = chart.locator('.legend-derivatives');
        const since = (await figures.locator('.legend-figures-since').textContent({ timeout: 10_000 })) ?? '';
        if (!/^OI and funding since (\d\d [A-Z][a-z]{2}( '\d\d)? )?\d\d:\d\d$/.test(since) || (await figures.locator('.legend-oi, .legend-funding').count()) > 0) throw new Error(`the legend's figures over a bar older than them: ${JSON.stringify(await figures.textContent())}`);
        log(`[e2e] the legend over an older bar: ${JSON.stringify(await figures.textContent())}; screenshot: ${await saveScreenshot(page(), 'aggregate-legend-older-bar')}`);
        // No liquidation in view: the liquidation axis labels nothing (it read 0.05 / 0 / -0.05 about the empty pane).
        // Nor does the open interest's (it kept an old range's labels about an empty pane).
        const axis = await chart.evaluate(() => ({ axis: document.body.dataset.liquidationAxis, figures: document.body.dataset.figuresAxis, right: document.body.dataset.viewRightTime }));
        if (axis.axis !== 'blank' || axis.figures !== 'blank') throw new Error(`over bars older than the lanes (view's right edge ${axis.right}, lanes since ${after.lanesSince}) the liquidation axis is ${axis.axis}, the open interest's ${axis.figures}`);
        log(
          `[e2e] aggregate older bars: ${before.bars} → ${after.bars}, first bar ${new Date(before.first).toISOString()} → ${new Date(after.first).toISOString()}, lanes since ${new Date(after.lanesSince).toISOString()}; screenshot: ${await saveScreenshot(page(), 'aggregate-older-bars')}`,
        );
        await page().mouse.move(box.x + box.width + 40, y);
      },
    },
    {
      name: "zoomed out to about 3 px a bar (1m bars over hours), the liquidation pane's hatching over Bybit's outage still shows, in the light and the dark theme; screenshots saved",
      run: async () => {
        // Not by its legend's flow row: where the last check left the crosshair, over bars older than the flows, it has none.
        const chart = await frameWhere('the aggregate chart', (d) => Number(d.panes ?? 0) >= 5);
        const box = await chart.locator('.chart-host').boundingBox();
        if (!box) throw new Error('the chart has no box');
        // A double click on the time axis scrolls back to the newest bars at the default spacing (6 px).
        await page().mouse.dblclick(box.x + box.width * 0.5, box.y + box.height - 8);
        await page().mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.2);
        for (let i = 0; i < 7; i++) await page().mouse.wheel(0, 100); // each a tenth narrower
        await page().mouse.move(20, box.y + box.height * 0.5); // off the chart: no crosshair in the screenshots
        try {
          for (const theme of ['light', 'dark'] as const) {
            await setColorTheme(page(), theme);
            await chart.waitForFunction((kind) => document.body.dataset.theme === kind, theme, { timeout: 10_000 });
            await painted(chart);
            log(`[e2e] screenshot: ${await saveScreenshot(page(), `aggregate-partial-narrow-${theme}`)}`);
          }
        } finally {
          await setColorTheme(page(), 'light');
        }
      },
    },
    {
      name: "the aggregate's time & sales opens from its context menu in the Markets view and lists the legs' trades, each row naming its exchange, and Bybit's liquidations as rows of their own; screenshot saved",
      run: async () => {
        await openFromMenu(/^Open Time & Sales$/, 'BTC-USD (agg) · Trades · aggregate', 'aggregate tape', (d) => d.kind === 'tape' && d.exchange === 'aggregate');
        const deadline = Date.now() + 45_000;
        let tape: Frame | undefined;
        while (!tape) {
          const n = await page().locator('iframe.webview.ready').count();
          for (let i = 0; i < n && !tape; i++) {
            const f = await webviewFrame(page(), { ...EXT, index: i }).catch(() => undefined);
            if (f && (await f.evaluate(() => document.body.dataset.kind).catch(() => undefined)) === 'tape') tape = f;
          }
          if (!tape && Date.now() > deadline) throw new Error(`no time & sales webview among ${n}`);
          if (!tape) await new Promise((r) => setTimeout(r, 250));
        }
        await tape.waitForFunction(() => Number(document.body.dataset.rows ?? 0) >= 5 && document.body.dataset.connection === 'live', undefined, { timeout: 45_000 });
        // Bybit's liquidations as rows of their own (badge, striped), among the trades.
        await tape.waitForFunction(() => Number(document.body.dataset.liquidationRows ?? 0) >= 1 && document.body.dataset.liquidations === 'live', undefined, { timeout: 60_000 });
        const liq = tape.locator('.tape-row[data-kind="liquidation"]').first();
        // The exchange's name (a narrow tape shows its code instead, .venue-code, and the name in the cell's tooltip).
        const liqVenue = await liq.locator('.col-venue .venue-name').evaluate((el) => el.textContent?.trim());
        const liqBadge = (await liq.locator('.liq-badge').textContent())?.trim() ?? '';
        if (liqVenue !== 'bybit' || !/^LIQ (long|short)$/.test(liqBadge)) throw new Error(`liquidation row: ${JSON.stringify({ liqVenue, liqBadge })}`);
        // Both read in full: the badge does not push the exchange's name out of its column.
        const cut = await liq.locator('.col-venue').evaluate((el) => (el.scrollWidth > el.clientWidth ? `${el.scrollWidth} px in ${el.clientWidth} px` : ''));
        if (cut) throw new Error(`the liquidation row's badge and exchange are cut: ${cut}`);
        // The "Exchange" head starts where its names do (it sat at the column's right edge, over nothing).
        const headGap = await tape.evaluate(() => {
          const [head, name] = ['.tape-head .col-venue', '.tape-row[data-kind="trade"] .col-venue'].map((selector) => {
            const el = document.querySelector(selector);
            const range = document.createRange();
            if (el) range.selectNodeContents(el);
            return el ? range.getBoundingClientRect().left : Number.NaN;
          });
          return (head ?? Number.NaN) - (name ?? Number.NaN);
        });
        if (!(Math.abs(headGap) <= 2)) throw new Error(`the Exchange head starts ${headGap} px from its column's names`);
        const rows = await tape.evaluate(() => document.body.dataset.rows);
        const venues = new Set(await tape.locator('.tape-row[data-kind="trade"] .col-venue .venue-name').allTextContents());
        if (!['binance', 'coinbase', 'bybit'].some((v) => venues.has(v)) || [...venues].some((v) => !['binance', 'coinbase', 'bybit'].includes(v))) throw new Error(`the exchange column: ${JSON.stringify([...venues])}`);
        // Each trade row's size has no more decimals than its leg's lot step (Bybit's 0.001 reads 0.007, not 0.007000).
        await tape.waitForFunction(() => (document.body.dataset.legAmountSteps ?? '') !== '', undefined, { timeout: 30_000 });
        // No named functions inside: the page has no `__name`, which the bundler wraps them in.
        const overlong = await tape.evaluate(() => {
          const steps = JSON.parse(document.body.dataset.legAmountSteps ?? '{}') as Record<string, number | null>;
          const out: string[] = [];
          for (const row of document.querySelectorAll('.tape-row[data-kind="trade"]')) {
            const venue = row.querySelector('.col-venue .venue-name')?.textContent?.trim() ?? '';
            // The size's own text (not the merged count before it, nor the hidden room after it).
            const cell = row.querySelectorAll('.num')[2];
            let size = '';
            for (const node of cell?.childNodes ?? []) if (node.nodeType === Node.TEXT_NODE) size += node.textContent ?? '';
            size = size.trim();
            const step = steps[venue];
            if (step === undefined || step === null) {
              out.push(`${venue}: no step`);
              continue;
            }
            const stepText = Number(step.toPrecision(12)).toFixed(12).replace(/0+$/, '');
            const stepDecimals = stepText.includes('.') ? (stepText.split('.')[1] ?? '').length : 0;
            const sizeDecimals = size.includes('.') ? (size.split('.')[1] ?? '').replace(/[^0-9]/g, '').length : 0;
            if (!/[KMB]$/.test(size) && sizeDecimals > stepDecimals) out.push(`${venue} ${size} (step ${step})`);
          }
          return { out, steps };
        });
        if (overlong.out.length > 0) throw new Error(`sizes with more decimals than their leg's lot step: ${overlong.out.slice(0, 5).join('; ')} (steps ${JSON.stringify(overlong.steps)})`);
        // Sizes of 0.031 (Bybit), 0.00941 (Binance) and 0.007465 (Coinbase) under one another: their points line up.
        await linedUp(tape, "the tape's sizes", '.tape-row > span:nth-child(4)');
        // The newest rows push it down as they come (once scrolled to, it was pushed out before the check saw it in
        // view): brought to the middle of the view at each look, until a look finds it in view.
        await tape.waitForFunction(() => {
          const row = document.querySelector('.tape-row[data-kind="liquidation"]');
          row?.scrollIntoView({ block: 'center' });
          const box = row?.getBoundingClientRect();
          return box !== undefined && box.top >= 0 && box.bottom <= window.innerHeight && (row?.textContent ?? '').includes('LIQ');
        }, undefined, { timeout: 10_000 });
        await tape.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
        log(`[e2e] screenshot: ${await saveScreenshot(page(), 'aggregate-tape')} (${rows} rows; exchanges ${[...venues].join(', ')}; a ${liqBadge} row)`);
      },
    },
    {
      name: "the aggregate's DOM opens from its context menu: one ladder of the legs' books, each leg named and its share shown per row; screenshot saved",
      run: async () => {
        await openFromMenu(/^Open DOM/, 'BTC-USD (agg) · DOM · aggregate', 'aggregate DOM', (d) => d.kind === 'dom' && d.market === 'aggregate BTC-USD (agg)');
        const dom = await frameWhere('aggregate DOM', (d) => d.kind === 'dom' && d.market === 'aggregate BTC-USD (agg)');
        // Opening is not degradation: until each leg's first book came it reads connecting, never degraded.
        // As a string: the page has no `__name`, which the bundler wraps named functions in.
        const opening = (await dom.evaluate(`new Promise((resolve) => {
          const seen = [];
          const note = () => {
            const text = document.body.dataset.connectionText ?? '';
            if (seen.at(-1) !== text) seen.push(text);
            if (document.body.dataset.connection !== 'live') return false;
            resolve(seen);
            return true;
          };
          if (note()) return;
          const watching = new MutationObserver(() => note() && watching.disconnect());
          watching.observe(document.body, { attributes: true, attributeFilter: ['data-connection-text', 'data-connection'] });
          setTimeout(() => {
            watching.disconnect();
            resolve([...seen, '(not live within 45 s)']);
          }, 45000);
        })`)) as string[];
        log(`[e2e] the aggregate DOM opening: ${opening.join(' → ')}`);
        if (opening.some((t) => t.startsWith('degraded'))) throw new Error(`the aggregate DOM read degraded while it opened: ${opening.join(' → ')}`);
        await dom.waitForFunction(() => Number(document.body.dataset.rows ?? 0) >= 20 && document.body.dataset.legs === '3' && document.body.dataset.connection === 'live', undefined, { timeout: 45_000 });
        await dom.locator('.leg-share').first().waitFor({ timeout: 30_000 });
        const legs = await dom.locator('.dom-leg').allTextContents();
        const wanted = ['binance BTC/USDT', 'coinbase BTC/USD', 'bybit BTC/USDT:USDT'];
        if (legs.length !== 3 || !legs.every((t, i) => t.trim() === wanted[i])) throw new Error(`DOM legs: ${JSON.stringify(legs)}; ${await legsDump(dom)}`);
        await domLegsLive(dom, 'opened', 30_000);
        const booked = await dom.locator('.ladder-row .cell-legs[title]').evaluateAll((cells) => cells.map((c) => c.getAttribute('title') ?? '').filter((t) => t.length > 0));
        if (!booked.some((t) => /^(binance|coinbase|bybit) .+ \d+%/.test(t))) throw new Error(`no row names its legs' shares: ${JSON.stringify(booked.slice(0, 5))}`);
        // Each size shows the decimals of the finest leg in its row (the legs its shares name), not 8 for every row.
        await dom.waitForFunction(() => (document.body.dataset.legAmountSteps ?? '') !== '', undefined, { timeout: 30_000 });
        const precision = await dom.evaluate(() => {
          const steps = (document.body.dataset.legAmountSteps ?? '').split(' ');
          const labels = [...document.querySelectorAll('.dom-leg')].map((l) => l.firstChild?.nextSibling?.textContent?.trim() ?? l.textContent?.trim() ?? '');
          // No named functions inside: the page has no `__name`, which the bundler wraps them in.
          const stepDecimals = steps.map((step) => (step === 'none' ? 8 : (Number(step).toFixed(12).replace(/0+$/, '').split('.')[1] ?? '').length));
          const wrong: string[] = [];
          const byDecimals: Record<string, number> = {};
          for (const row of document.querySelectorAll('.ladder-row')) {
            const title = row.querySelector('.cell-legs')?.getAttribute('title') ?? '';
            const inRow = labels.map((label, i) => (title.includes(`${label} `) ? (stepDecimals[i] ?? 8) : -1)).filter((d) => d >= 0);
            if (inRow.length === 0) continue;
            const wanted = Math.max(...inRow);
            for (const cell of row.querySelectorAll('.cell-bid, .cell-ask')) {
              let text = '';
              for (const node of cell.childNodes) if (node.nodeType === Node.TEXT_NODE) text += node.textContent ?? '';
              text = text.trim();
              if (text === '') continue;
              const [whole = '', decimals = ''] = text.split('.');
              // A long size shows fewer (at most 10 digits): amountColumn's rule.
              const room = Math.max(0, 10 - whole.replace(/[^0-9]/g, '').length);
              byDecimals[decimals.length] = (byDecimals[decimals.length] ?? 0) + 1;
              if (decimals.length !== Math.min(wanted, room)) wrong.push(`${text} (legs: ${title}; wanted ${Math.min(wanted, room)} decimals)`);
            }
          }
          return { wrong, byDecimals, steps, labels };
        });
        if (precision.wrong.length > 0 || Object.keys(precision.byDecimals).length === 0) throw new Error(`the ladder's sizes against their legs' lot steps (${precision.labels.join(', ')}: ${precision.steps.join(', ')}): ${precision.wrong.slice(0, 5).join('; ') || 'no size in view'}`);
        log(`[e2e] the aggregate DOM's sizes by decimals shown: ${JSON.stringify(precision.byDecimals)} (legs' steps ${precision.steps.join(', ')})`);
        await linedUp(dom, "the ladder's bids", '.ladder-row > .cell-bid');
        await linedUp(dom, "the ladder's asks (left-aligned)", '.ladder-row > .cell-ask');
        log(`[e2e] screenshot: ${await saveScreenshot(page(), 'aggregate-dom')} (${booked.length} rows with shares; ${booked[0]})`);
      },
    },
    {
      name: "the aggregate's footprint chart opens from its context menu and paints cells of the merged trades; screenshot saved",
      run: async () => {
        // Not a new tab's count: the effect is the footprint chart shown (Open Footprint Chart brings forward one that is open).
        await openFromMenu(/^Open Footprint Chart$/, 'BTC-USD (agg) · 1m · aggregate', 'aggregate footprint chart', (d) => d.market === 'aggregate BTC-USD (agg)' && d.footprint === 'on');
        const chart = await frameWhere('aggregate footprint chart', (d) => d.market === 'aggregate BTC-USD (agg)' && d.footprint === 'on');
        await chart.waitForFunction(() => Number(document.body.dataset.footprintBars ?? 0) >= 1 && Number(document.body.dataset.footprintCells ?? 0) >= 1, undefined, { timeout: 60_000 });
        const body = await chart.evaluate(() => ({ ...document.body.dataset }));
        // The aggregate's own delta and CVD panes serve the footprint too: no second pair under them.
        if (Number(body.panes) > 5) throw new Error(`panes under the aggregate footprint: ${body.panes}`);
        // Its toolbar, full with Footprint, Session and the footprint's note: the notes give way before the badge's word (it read "l.").
        await chart.waitForFunction(() => document.body.dataset.connection === 'live', undefined, { timeout: 30_000 });
        const badge = await chart.locator('.toolbar .badge-text').evaluate((el) => ({ text: el.textContent ?? '', cut: el.getClientRects().length > 0 && el.scrollWidth > el.clientWidth }));
        if (badge.cut) throw new Error(`the aggregate footprint's badge "${badge.text}" is cut`);
        log(`[e2e] screenshot: ${await saveScreenshot(page(), 'aggregate-footprint')} (footprint bars ${body.footprintBars}, cells ${body.footprintCells}, panes ${body.panes})`);
      },
    },
    {
      name: "in narrow splits (300–600 px), light and dark, no toolbar of the aggregate's chart (its badge long with Bybit's server stopped), DOM, time & sales and footprint, nor of Binance's chart beside them, is cut to a fragment; screenshots saved",
      run: async () => {
        const tab = (title: string, nth = 0) => page().locator('.tabs-container .tab', { hasText: title }).nth(nth);
        const aggregate = (kind: string) => (k: string, market: string) => k === kind && market === 'aggregate BTC-USD (agg)';
        const sweep = { widths: [600, 520, 460, 400, 340, 300], shots: [520, 340], themes: ['dark', 'light'] as const, log };
        // The other pages' toolbars differ from the chart's by their items only: three widths in the scenario's theme.
        const quick = { widths: [600, 460, 300], shots: [300], themes: ['light'] as const, log };
        await tab('BTC-USD (agg) · 1m · aggregate', 0).click({ timeout: 30_000 });
        const chart = await frameWhere('the aggregate chart', (d) => d.kind === 'chart' && d.market === 'aggregate BTC-USD (agg)' && d.footprint !== 'on');
        await bybit().stop();
        try {
          // A long badge ("degraded: 1 leg reconnecting") beside the exchange's note: it read "a" at about 500 px.
          await chart.waitForFunction(() => document.body.dataset.connection === 'degraded', undefined, { timeout: 45_000 });
          log(`[e2e] the aggregate chart's badge: ${await chart.evaluate(() => document.body.dataset.connectionText)}`);
          await sweepNarrowSplits(page(), { ...sweep, name: 'narrow-aggregate-chart', panel: aggregate('chart') });
        } finally {
          await bybit().restart();
        }
        await tab('BTC-USD (agg) · DOM · aggregate').click({ timeout: 30_000 });
        const dom = await frameWhere('aggregate DOM', (d) => d.kind === 'dom' && d.market === 'aggregate BTC-USD (agg)');
        // Bybit's book stream waits out its backoff (at most 30 s) once its server is back, then takes its fresh book.
        await domLegsLive(dom, "with Bybit's server back after the chart's sweep", 60_000);
        await sweepNarrowSplits(page(), { ...quick, name: 'narrow-aggregate-dom', panel: aggregate('dom') });
        await tab('BTC-USD (agg) · Trades · aggregate').click({ timeout: 30_000 });
        await frameWhere('aggregate tape', (d) => d.kind === 'tape' && d.exchange === 'aggregate');
        await sweepNarrowSplits(page(), { ...quick, name: 'narrow-aggregate-tape', panel: aggregate('tape') });
        await tab('BTC-USD (agg) · 1m · aggregate', 1).click({ timeout: 30_000 });
        await frameWhere('aggregate footprint chart', (d) => d.market === 'aggregate BTC-USD (agg)' && d.footprint === 'on');
        await sweepNarrowSplits(page(), { ...quick, name: 'narrow-aggregate-footprint', panel: aggregate('chart') });
      },
    },
    {
      name: "with Bybit's server stopped the aggregate DOM leaves that leg's stale book out of the ladder and says since when; live again with its fresh book; screenshot saved",
      run: async () => {
        // Behind the footprint chart opened since: a hidden webview's page is not there to read.
        await page().locator('.tabs-container .tab', { hasText: 'BTC-USD (agg) · DOM · aggregate' }).click({ timeout: 30_000 });
        const dom = await frameWhere('aggregate DOM', (d) => d.kind === 'dom' && d.market === 'aggregate BTC-USD (agg)');
        await domLegsLive(dom, 'before Bybit\'s server stops again', 45_000);
        await bybit().stop();
        try {
          await dom.waitForFunction(() => document.body.dataset.legsStale === '1' && document.body.dataset.connection === 'degraded', undefined, { timeout: 45_000, polling: 250 });
          const leg = ((await dom.locator('.dom-leg.leg-stale').textContent()) ?? '').trim();
          if (!/^bybit BTC\/USDT:USDT stale since (\d\d [A-Z][a-z]{2} )?\d\d:\d\d:\d\d, left out$/.test(leg)) throw new Error(`the stale leg: ${JSON.stringify(leg)}`);
          const badge = (await dom.locator('.toolbar .badge').getAttribute('title')) ?? '';
          if (!/bybit BTC\/USDT:USDT stale since \d\d:\d\d:\d\d UTC/.test(badge)) throw new Error(`the badge's tooltip: ${JSON.stringify(badge)}`);
          // The badge says it in a few words that fit; the leg and since when are in the legs line and the tooltip.
          const text = await dom.locator('.toolbar .badge-text').evaluate((el) => ({ text: el.textContent ?? '', cut: el.getClientRects().length > 0 && el.scrollWidth > el.clientWidth }));
          if (text.text !== 'degraded: 1 leg stale' || text.cut) throw new Error(`the stale DOM's badge: ${JSON.stringify(text)}`);
          log(`[e2e] screenshot: ${await saveScreenshot(page(), 'aggregate-dom-stale')} (${leg}; badge ${text.text}; its tooltip ${badge})`);
        } finally {
          await bybit().restart();
          log(`[e2e] bybit restarted at ${new Date().toISOString()}`);
        }
        await domLegsLive(dom, "with Bybit's server back after the stale leg's screenshot", 60_000);
        if ((await dom.evaluate(() => document.body.dataset.legsStale)) !== '0') throw new Error(`a leg still stale with every leg live: ${await legsDump(dom)}`);
      },
    },
  ];

  return uiScenario(checks, () => ({ server, wb }), ...others.map((e) => () => e.close()));
}
