/**
 * A reconnect's hole on a market with only a DOM and a heatmap open (no chart, no rule): both take holes late, so the
 * hub fetches the hole from REST for them, and the DOM's traded column and the heatmap's trade bubbles end up holding
 * every trade the exchange made since they opened, the hole's included, once; a hole whose REST fails on every retry
 * is named on both pages with the hub's span. Real ccxt against the emulator: the socket dropped, trades made while
 * it is down.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EngineHost } from '../../src/extension/engineHost';
import { DomPanel } from '../../src/extension/panels/domPanel';
import { HeatmapPanel } from '../../src/extension/panels/heatmapPanel';
import type { PanelContext } from '../../src/extension/panels/panelContext';
import { readSettings } from '../../src/extension/settings';
import type { HeatmapColumnWire, TradesMissingWire } from '../../src/shared/protocol';
import type { EmulatorTrade } from '../../src/emulator';
import { Rig } from '../helpers/emulatorHub';
import { domTraded, holeUnderDom, ladderAroundBook, received, round, sorted, statuses, truthByRow } from '../helpers/domPage';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../helpers/fakeWebviewPanel';

const market = { exchange: 'binance', symbol: 'BTC/USDT' } as const;

/** The heatmap page's columns: the last snapshot's, then those sent after it (as the page holds them). */
function heatmapColumns(fake: FakePanel): HeatmapColumnWire[] {
  const messages = receivedByPage(fake.messages);
  let columns: HeatmapColumnWire[] = [];
  for (const m of messages) {
    if (m.method === 'heatmap/snapshot') columns = [...m.params.columns];
    else if (m.method === 'heatmap/columns') columns.push(...m.params.columns);
  }
  return columns;
}

/** The heatmap's bubbles: [buy, sell] by price, summed over every column. */
function heatmapTraded(fake: FakePanel): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>();
  for (const c of heatmapColumns(fake)) {
    const t = c[3];
    for (let i = 0; i + 2 < t.length; i += 3) {
      const at = out.get(t[i]!) ?? [0, 0];
      out.set(t[i]!, [round(at[0] + t[i + 1]!), round(at[1] + t[i + 2]!)]);
    }
  }
  return out;
}

function truthByPrice(trades: readonly EmulatorTrade[]): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>();
  for (const t of trades) {
    const at = out.get(t.price) ?? [0, 0];
    out.set(t.price, t.side === 'buy' ? [round(at[0] + t.amount), at[1]] : [at[0], round(at[1] + t.amount)]);
  }
  return out;
}

describe("a reconnect's hole with only a DOM and a heatmap open (real ccxt, emulator)", function () {
  this.timeout(120_000);
  let rig: Rig | undefined;
  const panels: Array<DomPanel | HeatmapPanel> = [];
  afterEach(async () => {
    for (const p of panels.splice(0)) p.panel.dispose();
    await rig?.close();
    rig = undefined;
  });

  /** A DOM and a heatmap on the market, their trades the injected ones only (the emulator makes none of its own). */
  async function open(r: Rig) {
    const settings = readSettings().settings;
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: r.hub } as unknown as EngineHost, log: r.log, settings: () => ({ ...settings, domMultiples: [1] }) };
    r.emulator.setTradesPerSecond(0);
    const dom = fakeWebviewPanel({ keep: true });
    const heat = fakeWebviewPanel({ keep: true });
    panels.push(new DomPanel(dom.panel, { kind: 'dom', ...market }, ctx), new HeatmapPanel(heat.panel, { kind: 'heatmap', ...market }, ctx));
    dom.fromPage({ method: 'webview/ready', params: { kind: 'dom' } });
    heat.fromPage({ method: 'webview/ready', params: { kind: 'heatmap' } });
    await ladderAroundBook(dom);
    await pageUntil('heatmap columns', () => heatmapColumns(heat).length > 0, 30_000);
    const update = received(dom, 'dom/update').at(-1)!.params;
    const rows = update.rows;
    // Near the spread: inside the ladder's window of rows.
    const mid = rows[Math.floor(rows.length / 2)]!.price;
    const at = (ticks: number) => Number((mid + ticks * update.tickSize).toFixed(8));
    // The edge: the last trade the socket sends before the drop.
    const [edge] = r.emulator.injectTrades(market.symbol, [{ price: at(0), amount: 0.1, side: 'buy' }]);
    await pageUntil('the edge trade on both pages', () => domTraded(dom).size > 0 && heatmapTraded(heat).has(edge!.price), 20_000);
    return { dom, heat, at, edge: edge!, tick: update.tickSize, multiple: update.multiple, since: edge!.timestamp };
  }

  it("the hub fetches the hole for them alone: the traded column and the bubbles hold every trade once, the hole's included", async () => {
    rig = await Rig.start({ exchange: 'binance', tradesPerSecond: 5, historyMinutes: 5 });
    const r = rig;
    const { dom, heat, at, tick, multiple, since } = await open(r);
    // The hub asks REST for the hole once the new socket's first trade shows where it ends.
    const { made, pickUp } = await holeUnderDom(r.emulator, market.symbol, dom, at);
    const truth = r.emulator.trades(market.symbol).filter((t) => t.timestamp >= since);
    assert.equal(truth.length, 5, 'the edge, the three made while down and the pick-up');
    assert.ok(made.every((t) => truth.includes(t)) && truth.includes(pickUp));
    await pageUntil('the DOM holding the hole', () => JSON.stringify(sorted(domTraded(dom))) === JSON.stringify(sorted(truthByRow(truth, tick, multiple))), 60_000).catch((err: unknown) => {
      throw new Error(`${String(err)}: ${JSON.stringify(sorted(domTraded(dom)))} vs ${JSON.stringify(sorted(truthByRow(truth, tick, multiple)))}`);
    });
    await pageUntil('the heatmap holding the hole', () => JSON.stringify(sorted(heatmapTraded(heat))) === JSON.stringify(sorted(truthByPrice(truth))), 60_000).catch((err: unknown) => {
      throw new Error(`${String(err)}: ${JSON.stringify(sorted(heatmapTraded(heat)))} vs ${JSON.stringify(sorted(truthByPrice(truth)))}`);
    });
    assert.equal(r.hub.holeFetchState(market)?.kind, 'sent', 'fetched by the hub, for them');
    assert.equal(received(dom, 'dom/update').at(-1)?.params.lastPrice, pickUp.price, "the DOM's last price is the stream's newest, not the hole's");
    // Each bubble of the hole in a column at or after its time (a column holds the trades since the one before).
    for (const t of made) {
      const column = heatmapColumns(heat).find((c) => c[0] >= t.timestamp && c[3].some((x, i) => i % 3 === 0 && x === t.price));
      assert.ok(column, `a column at or after ${t.timestamp} holds ${t.price}`);
    }
    assert.deepEqual(dom.invalid, []);
    assert.deepEqual(heat.invalid, []);
  });

  it('the trades REST failing on every retry: both pages name the span from the drop’s edge to the pick-up', async () => {
    rig = await Rig.start({ exchange: 'binance', tradesPerSecond: 5, historyMinutes: 5 }, { restMaxAttempts: 2 });
    const r = rig;
    const { dom, heat, at, edge } = await open(r);
    r.emulator.failRest({ status: 503, count: 100_000, path: 'aggTrades' });
    const before = statuses(dom).length;
    assert.ok(r.emulator.dropConnections(market.symbol) > 0, 'a socket carried the market');
    r.emulator.injectTrades(market.symbol, [{ price: at(1), amount: 0.5, side: 'buy' }]);
    await pageUntil('live again', () => statuses(dom).slice(before).includes('reconnecting') && statuses(dom).at(-1) === 'live', 30_000);
    const [pickUp] = r.emulator.injectTrades(market.symbol, [{ price: at(-1), amount: 0.2, side: 'sell' }]);
    const span: TradesMissingWire[] = [{ from: edge.timestamp, until: pickUp!.timestamp, reason: '' }];
    const spans = (list: readonly TradesMissingWire[] | undefined) => (list ?? []).map((s) => [s.from, s.until]);
    await pageUntil('the DOM naming it', () => spans(received(dom, 'dom/update').at(-1)?.params.tradesMissing).length > 0, 60_000);
    await pageUntil('the heatmap naming it', () => received(heat, 'heatmap/tradesMissing').length > 0, 60_000);
    assert.deepEqual(spans(received(dom, 'dom/update').at(-1)?.params.tradesMissing), spans(span));
    const told = received(heat, 'heatmap/tradesMissing').at(-1)!.params.missing;
    assert.deepEqual(spans(told), spans(span));
    assert.match(told[0]!.reason, /503|not available|unavailable/i);
    assert.deepEqual(dom.invalid, []);
    assert.deepEqual(heat.invalid, []);
  });
});
