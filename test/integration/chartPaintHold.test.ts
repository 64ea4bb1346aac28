/**
 * A chart whose cached bars are in its page starts its feed (the market's check, the exchange's top-up and the trade
 * stream) once the page says it painted them, or after a bounded wait: a new window's page loads on a quiet host.
 * The extension's own ChartPanel on a plain-Node webview stand-in, real ccxt against the emulator.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CandleCache } from '../../src/core/history/candleCache';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { bucketStart } from '../../src/core/timeframes';
import type { Candle } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import type { EngineHost } from '../../src/extension/engineHost';
import { ChartPanel } from '../../src/extension/panels/chartPanel';
import { readSettings } from '../../src/extension/settings';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage } from '../helpers/fakeWebviewPanel';

const STREAM = 'btcusdt@aggTrade';
/** Another market's chart on the same exchange, subscribed on the hub directly: never held. */
const OTHER_CHART = { kind: 'candles', exchange: 'binance', symbol: 'ETH/USDT', timeframe: '1m' } as const satisfies SubscriptionRequest;

describe("chart panel: the feed starts after the page's first paint (real ccxt, emulator)", function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(() => rig?.close());

  /** A chart opened on 40 cached bars; `paintHoldMs`: how long its feed waits at most for the page's paint. */
  async function cachedChart(paintHoldMs: number) {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 60 });
    const now = bucketStart('1m', Date.now());
    const bars: Candle[] = Array.from({ length: 40 }, (_, i) => ({ time: now - (41 - i) * 60_000, open: 2, high: 2.2, low: 1.9, close: 2.1, volume: 7, final: true }));
    await new CandleCache(rig.cacheDir, silentLogger).merge({ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }, bars);
    const settings = readSettings().settings;
    const engine = { hub: rig.hub } as unknown as EngineHost;
    const fake = fakeWebviewPanel({ keep: true });
    const panel = new ChartPanel(fake.panel, { kind: 'chart', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }, { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine, log: silentLogger, settings: () => settings, paintHoldMs });
    await pageUntil('the page set with the cached bars', () => fake.panel.webview.html !== '' && panel.startup.inline === true);
    return { fake, panel, rig };
  }

  it('the trade stream and the top-up wait for the page to say it painted; then they start, and the page gets the topped-up bars', async () => {
    // Far longer than the test: only the paint can start the feed.
    const { fake, panel, rig } = await cachedChart(600_000);
    try {
      // Another chart, not held, on the same exchange: once it is live, the held one would have been too.
      const other = new Recorder<typeof OTHER_CHART>();
      const free = rig.hub.subscribe(OTHER_CHART, other.consume);
      await rig.emulator.waitForStats((st) => (st.subscriptions['ethusdt@aggTrade'] ?? 0) >= 1, 10_000);
      assert.equal(rig.emulator.stats().subscriptions[STREAM], undefined, 'no trade stream before the paint');
      assert.notEqual(panel.connection, 'live');
      fake.fromPage({ method: 'webview/ready', params: { kind: 'chart' } });
      fake.fromPage({ method: 'webview/rendered', params: { kind: 'chart', items: 40 } });
      assert.equal(panel.rendered?.items, 40, 'the host heard the paint');
      await pageUntil('the hold ended', () => panel.startup.feedHeld !== undefined);
      assert.equal(panel.startup.feedHeld?.by, 'painted');
      await rig.emulator.waitForStats((st) => (st.subscriptions[STREAM] ?? 0) >= 1, 10_000);
      await pageUntil('the topped-up bars posted', () => receivedByPage(fake.messages).some((m) => m.method === 'chart/snapshot' && m.params.history === undefined && m.params.candles.length > 40));
      free.dispose();
    } finally {
      panel.panel.dispose();
    }
  });

  it('a page that never says it painted (not shown, or broken) holds the feed only for a while: it starts without the paint', async () => {
    const { fake, panel, rig } = await cachedChart(100);
    try {
      await rig.emulator.waitForStats((st) => (st.subscriptions[STREAM] ?? 0) >= 1, 10_000);
      assert.equal(panel.rendered, undefined, 'the page never said it painted');
      assert.equal(panel.startup.feedHeld?.by, 'deadline');
      fake.fromPage({ method: 'webview/ready', params: { kind: 'chart' } });
      await pageUntil('the topped-up bars posted', () => receivedByPage(fake.messages).some((m) => m.method === 'chart/snapshot' && m.params.history === undefined && m.params.candles.length > 40));
    } finally {
      panel.panel.dispose();
    }
  });
});
