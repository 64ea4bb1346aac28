/**
 * A chart restored after a window reload (VS Code calling the registry's panel serializer with the state its webview
 * kept) sets its page as a new chart does: with the cached bars in the HTML, as soon as the disk cache was read. The
 * registry and ChartPanel on a plain-Node webview stand-in, real ccxt against the emulator.
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
import { VIEW_TYPES } from '../../src/extension/panels/panelContext';
import { PanelRegistry } from '../../src/extension/panels/panelRegistry';
import { readSettings } from '../../src/extension/settings';
import { parseHostMessage } from '../../src/shared/protocol';
import { INLINE_MESSAGES_ID } from '../../src/shared/util/inlineJson';
import { Rig } from '../helpers/emulatorHub';
import { restorePanel } from '../helpers/fakeVscode';
import { fakeWebviewPanel, pageUntil, receivedByPage } from '../helpers/fakeWebviewPanel';

function inlineOf(html: string) {
  const match = new RegExp(`<script type="application/json" id="${INLINE_MESSAGES_ID}" data-page="([0-9a-f]{16})">([^<]*)</script>`).exec(html);
  if (!match) return undefined;
  const parsed = parseHostMessage(JSON.parse(match[2] ?? ''));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return { page: match[1], message: parsed.message };
}

describe('chart panel restored after a window reload: its page (real ccxt, emulator)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  let registry: PanelRegistry | undefined;
  afterEach(async () => {
    registry?.dispose();
    registry = undefined;
    await rig?.close();
  });

  const start = async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 30 });
    const settings = readSettings().settings;
    const engine = { hub: rig.hub, warm: () => undefined } as unknown as EngineHost;
    registry = new PanelRegistry({ extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine, log: silentLogger, settings: () => settings });
    return rig;
  };
  const saved = (symbol: string) => ({ panel: { kind: 'chart', exchange: 'binance', symbol, timeframe: '1m' }, inlinePage: '0123456789abcdef' });

  it('carries the cached bars in the HTML, like a new chart, and answers the page\'s ready with a newer snapshot of them', async () => {
    const r = await start();
    const now = bucketStart('1m', Date.now());
    const bars: Candle[] = Array.from({ length: 40 }, (_, i) => ({ time: now - (41 - i) * 60_000, open: 2, high: 2.2, low: 1.9, close: 2.1, volume: 7, final: true }));
    await new CandleCache(r.cacheDir, silentLogger).merge({ exchange: 'binance', symbol: 'ETH/USDT', timeframe: '1m' }, bars);
    // A reload's new extension host: the markets are not loaded yet when VS Code restores the panel.
    r.emulator.failRest({ status: 503, count: 100_000, path: 'exchangeInfo' });
    const fake = fakeWebviewPanel({ keep: true });
    await restorePanel(VIEW_TYPES.chart, fake.panel, saved('ETH/USDT'));
    const [panel] = registry?.all() ?? [];
    assert.ok(panel, 'restored');
    assert.equal(fake.panel.title, 'ETH/USDT · 1m · binance');
    await pageUntil('the page set', () => fake.panel.webview.html !== '');
    const inline = inlineOf(fake.panel.webview.html);
    assert.ok(inline, 'the HTML carries the cached bars');
    assert.notEqual(inline.page, saved('ETH/USDT').inlinePage, 'named anew: the restored page uses it');
    assert.equal(inline.message.method, 'chart/snapshot');
    if (inline.message.method !== 'chart/snapshot') return;
    assert.deepEqual(inline.message.params.candles.map((c) => c[0]), bars.map((b) => b.time));
    assert.equal(inline.message.params.history, 'cached');
    assert.equal(inline.message.params.timeframe, '1m');
    assert.equal(panel.startup.inline, true);

    fake.fromPage({ method: 'webview/ready', params: { kind: 'chart' } });
    await pageUntil('the answer to the ready', () => receivedByPage(fake.messages).some((m) => m.method === 'chart/snapshot'));
    const answer = receivedByPage(fake.messages).find((m) => m.method === 'chart/snapshot');
    if (answer?.method !== 'chart/snapshot') return assert.fail('no snapshot');
    assert.ok((answer.params.rev ?? 0) > (inline.message.params.rev ?? Infinity), `rev ${answer.params.rev} after the HTML's ${inline.message.params.rev}`);
    assert.deepEqual(answer.params.candles, inline.message.params.candles, 'the same cached bars (the page draws them once)');
  });

  it('with nothing cached, sets the page without data once the cache was read, without waiting for the markets', async () => {
    const r = await start();
    r.emulator.failRest({ status: 503, count: 100_000, path: 'exchangeInfo' });
    const fake = fakeWebviewPanel({ keep: true });
    await restorePanel(VIEW_TYPES.chart, fake.panel, saved('BTC/USDT'));
    await pageUntil('the page set', () => fake.panel.webview.html !== '', 5_000);
    assert.equal(inlineOf(fake.panel.webview.html), undefined);
    assert.equal(registry?.all()[0]?.startup.inline, false);
  });

  it('disposes a panel whose saved state is not a chart\'s, setting no page', async () => {
    await start();
    const fake = fakeWebviewPanel({ keep: true });
    let disposed = false;
    fake.panel.onDidDispose(() => (disposed = true));
    await restorePanel(VIEW_TYPES.chart, fake.panel, { panel: { kind: 'chart', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '7x' } });
    assert.equal(disposed, true);
    assert.equal(fake.panel.webview.html, '');
    assert.equal(registry?.all().length, 0);
  });
});
