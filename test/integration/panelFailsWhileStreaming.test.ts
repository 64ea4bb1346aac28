/**
 * A market halted while its panels stream (real ccxt, Binance emulator): each kind of panel says why in its error
 * banner, not only in the badge (a red dot in a narrow pane), once; listed as trading again, the banner goes by itself
 * and a page that loads afterwards does not get it. The extension's own panels on a plain-Node webview stand-in.
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

const SOL = 'SOL/USDT';
const REASON = /^binance no longer trades SOL\/USDT: the markets downloaded again do not list it as trading/;

type Open = (fake: FakePanel, ctx: PanelContext) => TradePanel;
const KINDS: Readonly<Record<PanelKind, Open>> = {
  chart: (f, ctx) => new ChartPanel(f.panel, { kind: 'chart', exchange: 'binance', symbol: SOL, timeframe: '1m' }, ctx),
  orderbook: (f, ctx) => new OrderBookPanel(f.panel, { kind: 'orderbook', exchange: 'binance', symbol: SOL }, ctx),
  dom: (f, ctx) => new DomPanel(f.panel, { kind: 'dom', exchange: 'binance', symbol: SOL }, ctx),
  tape: (f, ctx) => new TapePanel(f.panel, { kind: 'tape', exchange: 'binance', symbol: SOL }, ctx),
  heatmap: (f, ctx) => new HeatmapPanel(f.panel, { kind: 'heatmap', exchange: 'binance', symbol: SOL }, ctx),
};

type Of<M extends HostMessage['method']> = Extract<HostMessage, { method: M }>;
const received = <M extends HostMessage['method']>(fake: FakePanel, method: M) => receivedByPage(fake.messages).filter((m): m is Of<M> => m.method === method);
const lastBadge = (fake: FakePanel) => received(fake, 'panel/connection').at(-1)?.params.status;

describe('a market halted while its panels stream: the banner says why, and goes when it trades again (real ccxt, emulator)', function () {
  this.timeout(90_000);
  let rig: Rig | undefined;
  const panels: TradePanel[] = [];
  after(async () => {
    for (const p of panels.splice(0)) p.panel.dispose();
    await rig?.close();
  });

  it('chart, order book, DOM, tape and heatmap: one error naming why while halted, resolved when live again, not resent to a page loaded after', async () => {
    rig = await Rig.start({ seed: 9, tradesPerSecond: 40, historyMinutes: 30 }, { historyBars: 50 });
    const settings = readSettings().settings;
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: rig.hub } as unknown as EngineHost, log: silentLogger, settings: () => settings };
    const open = (Object.keys(KINDS) as PanelKind[]).map((kind) => {
      const fake = fakeWebviewPanel({ keep: true });
      panels.push(KINDS[kind](fake, ctx));
      fake.fromPage({ method: 'webview/ready', params: { kind } });
      return { kind, fake };
    });
    for (const { kind, fake } of open) await pageUntil(`${kind}: live`, () => lastBadge(fake) === 'live', 20_000);

    rig.emulator.setMarketStatus(SOL, 'halted');
    await rig.hub.reloadMarkets('binance');
    for (const { kind, fake } of open) {
      await pageUntil(`${kind}: the error banner`, () => received(fake, 'panel/error').length > 0 && lastBadge(fake) === 'failed', 20_000);
      const errors = received(fake, 'panel/error');
      assert.equal(errors.length, 1, `${kind}: the error once`);
      assert.match(errors[0]!.params.message, REASON, kind);
      assert.equal(received(fake, 'panel/errorResolved').length, 0, kind);
    }

    rig.emulator.setMarketStatus(SOL, 'trading');
    await rig.hub.reloadMarkets('binance');
    for (const { kind, fake } of open) {
      await pageUntil(`${kind}: the banner resolved`, () => received(fake, 'panel/errorResolved').length > 0 && lastBadge(fake) === 'live', 30_000);
      assert.deepEqual(
        received(fake, 'panel/errorResolved').map((m) => m.params.message),
        received(fake, 'panel/error').map((m) => m.params.message),
        `${kind}: the very failure it said is resolved`,
      );
    }

    // A page loaded after (hidden, then shown again): the live badge, not the old error.
    const { kind, fake } = open[0]!;
    const errorsBefore = received(fake, 'panel/error').length;
    fake.setVisible(false);
    fake.setVisible(true);
    fake.fromPage({ method: 'webview/ready', params: { kind } });
    await pageUntil(`${kind}: resynced`, () => received(fake, 'chart/snapshot').length >= 2 && lastBadge(fake) === 'live', 20_000);
    assert.equal(received(fake, 'panel/error').length, errorsBefore, `${kind}: the resolved error is not sent again`);
  });
});
