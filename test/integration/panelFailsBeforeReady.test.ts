/**
 * A panel whose market check fails while its page cannot listen (not yet loaded, or hidden and so discarded): the page
 * that then says ready gets the error and the `failed` badge, once each, for every panel kind. Issue #13: a delisted
 * market gets a clear message, not a chart stuck at "loading…" and "connecting". The extension's own panels on a
 * plain-Node webview stand-in, real ccxt against the emulator's real-size universe (its delisted markets).
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { silentLogger } from '../../src/core/util/log';
import type { EngineHost } from '../../src/extension/engineHost';
import { ChartPanel } from '../../src/extension/panels/chartPanel';
import { DomPanel } from '../../src/extension/panels/domPanel';
import { HeatmapPanel } from '../../src/extension/panels/heatmapPanel';
import { OrderBookPanel } from '../../src/extension/panels/orderBookPanel';
import type { PanelContext, TradePanel } from '../../src/extension/panels/panelContext';
import { TapePanel } from '../../src/extension/panels/tapePanel';
import { readSettings } from '../../src/extension/settings';
import type { HostMessage, PanelKind } from '../../src/shared/protocol';
import { Rig } from '../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../helpers/fakeWebviewPanel';

type Open = (fake: FakePanel, symbol: string, ctx: PanelContext) => TradePanel;
const KINDS: Readonly<Record<PanelKind, Open>> = {
  chart: (f, symbol, ctx) => new ChartPanel(f.panel, { kind: 'chart', exchange: 'binance', symbol, timeframe: '1m' }, ctx),
  orderbook: (f, symbol, ctx) => new OrderBookPanel(f.panel, { kind: 'orderbook', exchange: 'binance', symbol }, ctx),
  dom: (f, symbol, ctx) => new DomPanel(f.panel, { kind: 'dom', exchange: 'binance', symbol }, ctx),
  tape: (f, symbol, ctx) => new TapePanel(f.panel, { kind: 'tape', exchange: 'binance', symbol }, ctx),
  heatmap: (f, symbol, ctx) => new HeatmapPanel(f.panel, { kind: 'heatmap', exchange: 'binance', symbol }, ctx),
};

/** Settles once the panel's badge is `failed`, and the rejections of its subscriptions (microtasks after it) are handled. */
function failed(panel: TradePanel): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (panel.connection !== 'failed') return;
      watch.dispose();
      setImmediate(resolve);
    };
    const watch = panel.onDidChange(check);
    check();
  });
}

const errors = (fake: FakePanel) => receivedByPage(fake.messages).filter((m): m is Extract<HostMessage, { method: 'panel/error' }> => m.method === 'panel/error');
const badges = (fake: FakePanel) => receivedByPage(fake.messages).filter((m): m is Extract<HostMessage, { method: 'panel/connection' }> => m.method === 'panel/connection');

describe('a panel whose delisted market fails before its page listens (real ccxt, emulator)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  let symbol = '';
  let ctx: PanelContext;
  const panels: TradePanel[] = [];
  before(async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 5, markets: 'real-size' });
    symbol = rig.emulator.symbols.find((s) => rig!.emulator.marketStatus(s) === 'delisted') ?? '';
    assert.ok(symbol, 'the real-size universe has delisted markets');
    const settings = readSettings().settings;
    ctx = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: rig.hub } as unknown as EngineHost, log: silentLogger, settings: () => settings };
  });
  afterEach(() => {
    for (const p of panels.splice(0)) p.panel.dispose();
  });
  after(() => rig?.close());

  const notTrading = () => new RegExp(`${symbol.replace('/', '\\/')} on binance is not trading`);

  for (const kind of Object.keys(KINDS) as PanelKind[]) {
    it(`${kind}: the page that says ready after the failure gets the error and the failed badge, once each`, async () => {
      const fake = fakeWebviewPanel({ keep: true });
      const panel = KINDS[kind](fake, symbol, ctx);
      panels.push(panel);
      await failed(panel);
      assert.equal(receivedByPage(fake.messages).length, 0, 'nothing reached a page that does not listen yet');

      fake.fromPage({ method: 'webview/ready', params: { kind } });
      await pageUntil('the error and the failed badge', () => errors(fake).length > 0 && badges(fake).at(-1)?.params.status === 'failed');
      assert.equal(errors(fake).length, 1, 'the error once');
      assert.match(errors(fake)[0]!.params.message, notTrading());
      assert.deepEqual(badges(fake).map((b) => b.params.status), ['failed'], 'the failed badge once, no stale connecting before it');
      // Every kind's toolbar names the market from its HTML, with or without data (the book and DOM get none).
      assert.ok(fake.panel.webview.html.includes(`data-exchange="binance" data-symbol="${symbol}"`), `${kind}: the page names the market`);
      if (kind === 'chart') {
        const snapshots = receivedByPage(fake.messages).filter((m): m is Extract<HostMessage, { method: 'chart/snapshot' }> => m.method === 'chart/snapshot');
        assert.deepEqual(
          snapshots.map((s) => [s.params.market.symbol, s.params.candles.length]),
          [[symbol, 0]],
          'one snapshot without bars names the market (the toolbar says which market failed, not "loading…")',
        );
      }
    });
  }

  it('a panel hidden when its market fails: its reloaded page gets the error and the failed badge when shown again', async () => {
    const fake = fakeWebviewPanel({ keep: true });
    const panel = KINDS.orderbook(fake, symbol, ctx);
    panels.push(panel);
    fake.fromPage({ method: 'webview/ready', params: { kind: 'orderbook' } });
    fake.setVisible(false); // VS Code discards a hidden page: what is sent meanwhile is lost
    await failed(panel);
    assert.equal(errors(fake).length, 0);

    fake.setVisible(true);
    fake.fromPage({ method: 'webview/ready', params: { kind: 'orderbook' } });
    await pageUntil('the error and the failed badge', () => errors(fake).length > 0 && badges(fake).at(-1)?.params.status === 'failed');
    assert.equal(errors(fake).length, 1, 'the error once');
    assert.match(errors(fake)[0]!.params.message, notTrading());
  });
});
