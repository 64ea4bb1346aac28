/**
 * A chart opened on a market whose bars are on disk but which the exchange no longer serves (delisted, status BREAK in
 * the real-size universe): the panel paints the cached bars while the market is checked, then withdraws them and
 * says why (failed badge, error naming the market). The extension's own ChartPanel on a plain-Node webview stand-in,
 * real ccxt against the emulator.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CandleCache } from '../../src/core/history/candleCache';
import { bucketStart } from '../../src/core/timeframes';
import type { Candle } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import type { EngineHost } from '../../src/extension/engineHost';
import { ChartPanel } from '../../src/extension/panels/chartPanel';
import { readSettings } from '../../src/extension/settings';
import type { HostMessage } from '../../src/shared/protocol';
import { Rig } from '../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage } from '../helpers/fakeWebviewPanel';

/** A market the real-size universe lists as delisted, with 40 of its 1m bars in the candle cache. */
async function delistedWithCachedBars(rig: Rig): Promise<string> {
  const symbol = rig.emulator.symbols.find((s) => rig.emulator.marketStatus(s) === 'delisted');
  assert.ok(symbol, 'the real-size universe has delisted markets');
  const now = bucketStart('1m', Date.now());
  const bars: Candle[] = Array.from({ length: 40 }, (_, i) => ({ time: now - (40 - i) * 60_000, open: 2, high: 2.2, low: 1.9, close: 2.1, volume: 7, final: true }));
  await new CandleCache(rig.cacheDir, silentLogger).merge({ exchange: 'binance', symbol, timeframe: '1m' }, bars);
  return symbol;
}

describe('chart panel: cached bars of a market that is no longer served (real ccxt, emulator)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(() => rig?.close());

  it('paints the cached bars while the market is checked, then withdraws them: failed badge and an error naming the market', async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 30, markets: 'real-size' });
    const symbol = await delistedWithCachedBars(rig);
    // The markets are held back until the cached bars are painted: the order a slow first load gives.
    rig.emulator.failRest({ status: 503, count: 100_000, path: 'exchangeInfo' });

    const settings = readSettings().settings;
    const engine = { hub: rig.hub } as unknown as EngineHost;
    const fake = fakeWebviewPanel({ keep: true });
    const panel = new ChartPanel(fake.panel, { kind: 'chart', exchange: 'binance', symbol, timeframe: '1m' }, { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine, log: silentLogger, settings: () => settings });
    try {
      fake.fromPage({ method: 'webview/ready', params: { kind: 'chart' } });
      const snapshots = () => receivedByPage(fake.messages).filter((m): m is Extract<HostMessage, { method: 'chart/snapshot' }> => m.method === 'chart/snapshot');
      await pageUntil('the cached bars painted', () => snapshots().some((s) => s.params.candles.length === 40));
      const first = snapshots().find((s) => s.params.candles.length === 40)!;
      assert.equal(first.params.history, 'cached', "the legend says the bars are cached and being topped up");

      rig.emulator.clearFaults();
      await pageUntil('the error', () => receivedByPage(fake.messages).some((m) => m.method === 'panel/error'));
      await pageUntil('the cached bars withdrawn', () => snapshots().at(-1)?.params.candles.length === 0);
      const all = receivedByPage(fake.messages);
      const withdrawn = all.lastIndexOf(snapshots().at(-1)!);
      const lastError = all.map((m) => m.method).lastIndexOf('panel/error');
      assert.ok(lastError > withdrawn, 'the error is shown after the withdrawal (a snapshot clears the banner on the page)');
      const error = all[lastError] as Extract<HostMessage, { method: 'panel/error' }>;
      assert.match(error.params.message, new RegExp(`${symbol.replace('/', '\\/')} on binance is not trading`));
      assert.equal(snapshots().at(-1)!.params.history, undefined, 'no "topping up" note on a market that will not be topped up');
      const connection = all.filter((m): m is Extract<HostMessage, { method: 'panel/connection' }> => m.method === 'panel/connection').at(-1);
      assert.equal(connection?.params.status, 'failed');
      assert.equal(panel.connection, 'failed');
    } finally {
      panel.panel.dispose();
    }
  });

  it('the market check fails before the page listens: the page that says ready gets no bars, then the error and the failed badge', async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 30, markets: 'real-size' });
    const symbol = await delistedWithCachedBars(rig);

    const settings = readSettings().settings;
    const engine = { hub: rig.hub } as unknown as EngineHost;
    const fake = fakeWebviewPanel({ keep: true });
    const panel = new ChartPanel(fake.panel, { kind: 'chart', exchange: 'binance', symbol, timeframe: '1m' }, { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine, log: silentLogger, settings: () => settings });
    try {
      await new Promise<void>((resolve) => {
        const watch = panel.onDidChange(() => {
          if (panel.connection !== 'failed') return;
          watch.dispose();
          setImmediate(resolve); // the subscription's rejection is handled in the microtasks after its failed state
        });
      });
      fake.fromPage({ method: 'webview/ready', params: { kind: 'chart' } });
      await pageUntil('the error', () => receivedByPage(fake.messages).some((m) => m.method === 'panel/error'));
      const all = receivedByPage(fake.messages);
      assert.deepEqual(
        all.filter((m) => m.method === 'chart/snapshot' || m.method === 'panel/error' || m.method === 'panel/connection').map((m) => (m.method === 'chart/snapshot' ? `snapshot ${m.params.candles.length}` : m.method === 'panel/connection' ? m.params.status : 'error')),
        ['snapshot 0', 'failed', 'error'],
        'the withdrawn bars, then the badge and the error (after the snapshot, which clears the banner on the page), once each',
      );
      const error = all.find((m) => m.method === 'panel/error') as Extract<HostMessage, { method: 'panel/error' }>;
      assert.match(error.params.message, new RegExp(`${symbol.replace('/', '\\/')} on binance is not trading`));
    } finally {
      panel.panel.dispose();
    }
  });
});
