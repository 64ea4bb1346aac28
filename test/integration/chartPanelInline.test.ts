/**
 * A chart whose bars are on disk carries them in its page's HTML, so the page paints them as it starts instead of
 * after its ready's round trip through VS Code; a chart with none cached gets its page without data as soon as the
 * cache was read. The extension's own ChartPanel on a plain-Node webview stand-in, real ccxt against the emulator.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CandleCache } from '../../src/core/history/candleCache';
import { bucketStart } from '../../src/core/timeframes';
import type { Candle } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import type { EngineHost } from '../../src/extension/engineHost';
import { ChartPanel } from '../../src/extension/panels/chartPanel';
import type { PanelContext } from '../../src/extension/panels/panelContext';
import { readSettings } from '../../src/extension/settings';
import { parseHostMessage } from '../../src/shared/protocol';
import { INLINE_MESSAGES_ID } from '../../src/shared/util/inlineJson';
import { Rig } from '../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage } from '../helpers/fakeWebviewPanel';

/** The message in the page's inline element, as the page reads it (text content, JSON.parse, the host-message check). */
function inlineOf(html: string) {
  const match = new RegExp(`<script type="application/json" id="${INLINE_MESSAGES_ID}" data-page="[0-9a-f]{16}">([^<]*)</script>`).exec(html);
  if (!match) return undefined;
  const parsed = parseHostMessage(JSON.parse(match[1] ?? ''));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.message;
}

describe('chart panel: the cached bars in the page\'s HTML (real ccxt, emulator)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(() => rig?.close());

  const open = (symbol: string, pageWaitMs?: PanelContext['pageWaitMs']) => {
    const settings = readSettings().settings;
    const engine = { hub: rig!.hub } as unknown as EngineHost;
    const fake = fakeWebviewPanel({ keep: true });
    const panel = new ChartPanel(fake.panel, { kind: 'chart', exchange: 'binance', symbol, timeframe: '1m' }, { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine, log: silentLogger, settings: () => settings, ...(pageWaitMs ? { pageWaitMs } : {}) });
    return { fake, panel };
  };

  it('sets the page once, with the cached bars as a chart/snapshot the page validates like a posted one', async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 30 });
    const now = bucketStart('1m', Date.now());
    const bars: Candle[] = Array.from({ length: 40 }, (_, i) => ({ time: now - (41 - i) * 60_000, open: 2, high: 2.2, low: 1.9, close: 2.1, volume: 7, final: true }));
    await new CandleCache(rig.cacheDir, silentLogger).merge({ exchange: 'binance', symbol: 'ETH/USDT', timeframe: '1m' }, bars);
    // The markets are held back: the cached bars come before them, as on a slow first load.
    rig.emulator.failRest({ status: 503, count: 100_000, path: 'exchangeInfo' });
    const { fake, panel } = open('ETH/USDT');
    try {
      assert.equal(fake.panel.webview.html, '', 'no page before there is something to carry or the wait is over');
      await pageUntil('the page set', () => fake.panel.webview.html !== '');
      const inline = inlineOf(fake.panel.webview.html);
      assert.equal(inline?.method, 'chart/snapshot');
      if (inline?.method !== 'chart/snapshot') return;
      assert.deepEqual(inline.params.candles.map((c) => c[0]), bars.map((b) => b.time));
      assert.equal(inline.params.history, 'cached', 'the legend says they are being topped up');
      assert.equal(panel.startup.inline, true);
      assert.deepEqual(receivedByPage(fake.messages), [], 'nothing posted before the page says ready');

      const html = fake.panel.webview.html;
      rig.emulator.clearFaults();
      fake.fromPage({ method: 'webview/ready', params: { kind: 'chart' } });
      await pageUntil('the exchange\'s bars posted', () => receivedByPage(fake.messages).some((m) => m.method === 'chart/snapshot' && m.params.history !== 'cached' && m.params.candles.length > 0));
      assert.equal(fake.panel.webview.html, html, 'the page is not set again (that would reload it)');
    } finally {
      panel.panel.dispose();
    }
  });

  it("with nothing cached, the page carries the exchange's newest bars asked before the markets (the legend says the rest is loading), set while the markets cannot load", async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 30 }, { firstBars: true });
    rig.emulator.failRest({ status: 503, count: 100_000, path: 'exchangeInfo' });
    const { fake, panel } = open('BTC/USDT');
    try {
      await pageUntil('the page set', () => fake.panel.webview.html !== '', 5_000);
      const inline = inlineOf(fake.panel.webview.html);
      assert.equal(inline?.method, 'chart/snapshot');
      if (inline?.method !== 'chart/snapshot') return;
      assert.equal(inline.params.history, 'loading');
      const thisMinute = bucketStart('1m', Date.now());
      const times = inline.params.candles.map((c) => c[0]);
      // The emulator's 30 minutes of history, one bar a minute up to the last closed one.
      assert.ok(times.length >= 29 && times.every((t, i) => i === 0 || t === times[i - 1]! + 60_000), `a bar a minute: ${times.length}`);
      assert.ok(times.at(-1)! < thisMinute && times.at(-1)! >= thisMinute - 120_000, 'up to the last closed minute');
      assert.equal(panel.startup.inline, true);
      rig.emulator.clearFaults();
      fake.fromPage({ method: 'webview/ready', params: { kind: 'chart' } });
      await pageUntil("the whole history posted", () => receivedByPage(fake.messages).some((m) => m.method === 'chart/snapshot' && m.params.history === undefined && m.params.candles.length > 0));
    } finally {
      panel.panel.dispose();
    }
  });

  it("a cache that stops 20 minutes ago while the exchange does not answer: the page is set with the cached bars at once, not after the newest page's request gives up", async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 60 }, { firstBars: true });
    const now = bucketStart('1m', Date.now());
    const bars: Candle[] = Array.from({ length: 30 }, (_, i) => ({ time: now - (50 - i) * 60_000, open: 2, high: 2.2, low: 1.9, close: 2.1, volume: 7, final: true }));
    await new CandleCache(rig.cacheDir, silentLogger).merge({ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }, bars);
    const release = rig.emulator.holdRest();
    const { fake, panel } = open('BTC/USDT');
    try {
      await pageUntil('the page set', () => fake.panel.webview.html !== '');
      const inline = inlineOf(fake.panel.webview.html);
      assert.equal(inline?.method, 'chart/snapshot', 'the page carries the cached bars');
      if (inline?.method !== 'chart/snapshot') return;
      assert.deepEqual(inline.params.candles.map((c) => c[0]), bars.map((b) => b.time));
      assert.equal(inline.params.history, 'cached');
      // The path under test was taken: the newest page was asked, and is held unanswered.
      await rig.emulator.waitForStats((st) => st.restHeld >= 1, 10_000);
    } finally {
      release();
      panel.panel.dispose();
    }
  });

  it('with nothing cached, sets the page without data while the markets still load (shortly after the cache was read), and posts the bars after its ready', async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 30 });
    rig.emulator.failRest({ status: 503, count: 100_000, path: 'exchangeInfo' });
    const { fake, panel } = open('BTC/USDT');
    try {
      await pageUntil('the page set', () => fake.panel.webview.html !== '', 5_000);
      assert.equal(inlineOf(fake.panel.webview.html), undefined);
      assert.equal(panel.startup.inline, false);
      const nonce = /script-src 'nonce-([^']+)'/.exec(fake.panel.webview.html)?.[1];
      const dist = path.join(__dirname, '..', '..', 'dist', 'webviews');
      const loader = readFileSync(path.join(dist, 'pageLoader.js'), 'utf8');
      assert.ok(nonce !== undefined && fake.panel.webview.html.includes(`<script nonce="${nonce}">${loader}</script>`), 'the page loader in the page, by nonce, as every page without bars');
      assert.deepEqual(fake.scripts, [readFileSync(path.join(dist, 'chart.js'), 'utf8')], 'the built bundle posted after the HTML, once');
      rig.emulator.clearFaults();
      fake.fromPage({ method: 'webview/ready', params: { kind: 'chart' } });
      await pageUntil('the bars posted', () => receivedByPage(fake.messages).some((m) => m.method === 'chart/snapshot' && m.params.candles.length > 0));
    } finally {
      panel.panel.dispose();
    }
  });

  it("with nothing cached and the markets in hand (a market opened for the first time), the page waits for the exchange's first bars and carries them", async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 30 });
    await rig.hub.markets('binance');
    // Waits far longer than the test: only the bars can set the page. With the product's 0.4 s, bars that came later
    // under load (the exchange answering slowly) set it without them, and this read the deadline, not the wait.
    const { fake, panel } = open('SOL/USDT', { cache: 600_000, firstBars: 600_000 });
    try {
      await pageUntil('the page set', () => fake.panel.webview.html !== '');
      const inline = inlineOf(fake.panel.webview.html);
      assert.equal(inline?.method, 'chart/snapshot');
      if (inline?.method !== 'chart/snapshot') return;
      assert.ok(inline.params.candles.length > 10, `${inline.params.candles.length} bars in the page`);
      assert.equal(inline.params.history, undefined, 'the full history, no note');
      assert.equal(panel.startup.inline, true);
    } finally {
      panel.panel.dispose();
    }
  });

  it('with nothing cached and the history not answering, the page does not wait for it: it is set without data while the request is held', async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 30 });
    await rig.hub.markets('binance');
    const release = rig.emulator.holdRest('/api/v3/klines');
    const { fake, panel } = open('SOL/USDT');
    try {
      await rig.emulator.waitForStats((st) => st.restHeld >= 1, 10_000);
      await pageUntil('the page set', () => fake.panel.webview.html !== '', 5_000);
      assert.ok(rig.emulator.stats().restHeld >= 1, 'the history request is still held');
      assert.equal(inlineOf(fake.panel.webview.html), undefined);
      assert.equal(panel.startup.inline, false);
    } finally {
      release();
      panel.panel.dispose();
    }
  });
});
