/**
 * The order book, the DOM, time & sales and the heatmap send the market's lot step with their updates, read by the real ccxt from the exchange's
 * own listing (Binance's LOT_SIZE filter), so the pages show sizes with its decimals (0.007, not 0.007000). The
 * extension's own panels on a plain-Node webview stand-in, real ccxt against the emulator.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { silentLogger } from '../../src/core/util/log';
import type { EngineHost } from '../../src/extension/engineHost';
import { DomPanel } from '../../src/extension/panels/domPanel';
import { HeatmapPanel } from '../../src/extension/panels/heatmapPanel';
import { OrderBookPanel } from '../../src/extension/panels/orderBookPanel';
import { TapePanel } from '../../src/extension/panels/tapePanel';
import type { PanelContext, TradePanel } from '../../src/extension/panels/panelContext';
import { readSettings } from '../../src/extension/settings';
import type { HostMessage } from '../../src/shared/protocol';
import { AGGREGATE_EXCHANGE } from '../../src/core/aggregate/aggregateDefinition';
import { DEFINITION, LEGS, NAME } from '../helpers/aggregateTruth';
import { captureLog, Rig } from '../helpers/emulatorHub';
import { LegsRig } from '../helpers/legsRig';
import { fakeWebviewPanel, pageUntil, receivedByPage } from '../helpers/fakeWebviewPanel';

/** The LOT_SIZE stepSize the exchange lists for a symbol, read from its raw exchangeInfo. */
async function listedLotStep(url: string, id: string): Promise<number> {
  const info = (await (await fetch(`${url}/api/v3/exchangeInfo`)).json()) as { symbols: Array<{ symbol: string; filters: Array<{ filterType: string; stepSize?: string }> }> };
  const step = info.symbols.find((s) => s.symbol === id)?.filters.find((f) => f.filterType === 'LOT_SIZE')?.stepSize;
  assert.ok(step !== undefined, `${id} lists a LOT_SIZE filter`);
  return Number(step);
}

/** Each leg's lot step as its exchange lists it: Binance's LOT_SIZE, Coinbase's base_increment, Bybit's qtyStep (a linear contract of 1 base unit). */
async function listedLegSteps(rig: LegsRig): Promise<number[]> {
  const binance = rig.emulator('binance');
  const coinbase = (await (await fetch(`${rig.emulator('coinbase').url}/api/v3/brokerage/market/products`)).json()) as { products: Array<{ product_id: string; base_increment: string }> };
  const bybit = (await (await fetch(`${rig.emulator('bybit').url}/v5/market/instruments-info?category=linear`)).json()) as { result: { list: Array<{ symbol: string; lotSizeFilter: { qtyStep: string } }> } };
  return [
    await listedLotStep(binance.url, binance.marketId(LEGS[0].symbol)),
    Number(coinbase.products.find((p) => p.product_id === rig.emulator('coinbase').marketId(LEGS[1].symbol))?.base_increment),
    Number(bybit.result.list.find((i) => i.symbol === rig.emulator('bybit').marketId(LEGS[2].symbol))?.lotSizeFilter.qtyStep),
  ];
}

describe("the order book, DOM, time & sales and heatmap carry the market's lot step (real ccxt, emulator)", function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  const panels: TradePanel[] = [];
  afterEach(async () => {
    for (const p of panels.splice(0)) p.panel.dispose();
    await rig?.close();
    rig = undefined;
  });

  it('book/update, dom/update, tape/snapshot and heatmap/snapshot hold the LOT_SIZE step of BTC/USDT', async () => {
    rig = await Rig.start({ tradesPerSecond: 20, historyMinutes: 5 });
    const step = await listedLotStep(rig.emulator.url, rig.emulator.marketId('BTC/USDT'));
    const settings = readSettings().settings;
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: rig.hub } as unknown as EngineHost, log: silentLogger, settings: () => settings };
    const book = fakeWebviewPanel({ keep: true });
    const dom = fakeWebviewPanel({ keep: true });
    const tape = fakeWebviewPanel({ keep: true });
    const heatmap = fakeWebviewPanel({ keep: true });
    panels.push(new OrderBookPanel(book.panel, { kind: 'orderbook', exchange: 'binance', symbol: 'BTC/USDT' }, ctx));
    panels.push(new DomPanel(dom.panel, { kind: 'dom', exchange: 'binance', symbol: 'BTC/USDT' }, ctx));
    panels.push(new TapePanel(tape.panel, { kind: 'tape', exchange: 'binance', symbol: 'BTC/USDT' }, ctx));
    panels.push(new HeatmapPanel(heatmap.panel, { kind: 'heatmap', exchange: 'binance', symbol: 'BTC/USDT' }, ctx));
    book.fromPage({ method: 'webview/ready', params: { kind: 'orderbook' } });
    dom.fromPage({ method: 'webview/ready', params: { kind: 'dom' } });
    tape.fromPage({ method: 'webview/ready', params: { kind: 'tape' } });
    heatmap.fromPage({ method: 'webview/ready', params: { kind: 'heatmap' } });
    const books = () => receivedByPage(book.messages).filter((m): m is Extract<HostMessage, { method: 'book/update' }> => m.method === 'book/update');
    const ladders = () => receivedByPage(dom.messages).filter((m): m is Extract<HostMessage, { method: 'dom/update' }> => m.method === 'dom/update');
    await pageUntil('a book update with the lot step', () => books().some((m) => m.params.amountStep !== undefined));
    await pageUntil('a DOM update with the lot step', () => ladders().some((m) => m.params.amountStep !== undefined));
    const tapes = () => receivedByPage(tape.messages).filter((m): m is Extract<HostMessage, { method: 'tape/snapshot' }> => m.method === 'tape/snapshot');
    await pageUntil('a tape snapshot with the lot step', () => tapes().some((m) => m.params.amountStep !== undefined));
    assert.equal(tapes().at(-1)!.params.amountStep, step);
    assert.equal(tapes().at(-1)!.params.base, 'BTC', "the tape's volume is in BTC");
    const heatmaps = () => receivedByPage(heatmap.messages).filter((m): m is Extract<HostMessage, { method: 'heatmap/snapshot' }> => m.method === 'heatmap/snapshot');
    await pageUntil('a heatmap snapshot with the lot step', () => heatmaps().some((m) => m.params.amountStep !== undefined));
    assert.equal(heatmaps().at(-1)!.params.amountStep, step);
    assert.equal(books().at(-1)!.params.amountStep, step);
    assert.equal(ladders().at(-1)!.params.amountStep, step);
    // The book's sizes are multiples of it, so its decimals show them exactly.
    for (const [, amount] of books().at(-1)!.params.bids) assert.ok(Math.abs(amount / step - Math.round(amount / step)) < 1e-6, `${amount} is a multiple of ${step}`);
  });

  it("an aggregate's tape/snapshot holds each leg's lot step, as its exchange lists it, for that leg's rows", async () => {
    const legs = await LegsRig.start({ seed: 5, tradesPerSecond: 5, historyMinutes: 2 }, captureLog());
    try {
      const expected = await listedLegSteps(legs);
      assert.ok(expected.every((s) => Number.isFinite(s) && s > 0), `listed steps ${expected.join(', ')}`);
      assert.equal(new Set(expected).size, expected.length, 'the legs list different steps (else the test proves little)');
      const settings = { ...readSettings().settings, aggregates: [DEFINITION] };
      const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: legs.hub } as unknown as EngineHost, log: silentLogger, settings: () => settings };
      const tape = fakeWebviewPanel({ keep: true });
      panels.push(new TapePanel(tape.panel, { kind: 'tape', exchange: AGGREGATE_EXCHANGE, symbol: NAME }, ctx));
      tape.fromPage({ method: 'webview/ready', params: { kind: 'tape' } });
      const tapes = () => receivedByPage(tape.messages).filter((m): m is Extract<HostMessage, { method: 'tape/snapshot' }> => m.method === 'tape/snapshot');
      await pageUntil("a tape snapshot with the legs' lot steps", () => tapes().some((m) => m.params.legAmountSteps !== undefined), 30_000);
      const last = tapes().at(-1)!.params;
      assert.deepEqual(last.legAmountSteps, expected);
      assert.equal(last.amountStep, undefined, 'no single step for an aggregate');
      assert.equal(last.base, 'BTC', "the legs' base");
    } finally {
      for (const p of panels.splice(0)) p.panel.dispose();
      await legs.close();
    }
  });

  it("an aggregate's dom/update holds each leg's lot step, as its exchange lists it, and its rows the legs that traded in them", async () => {
    const legs = await LegsRig.start({ seed: 5, tradesPerSecond: 5, historyMinutes: 2 }, captureLog());
    try {
      const expected = await listedLegSteps(legs);
      const settings = { ...readSettings().settings, aggregates: [DEFINITION] };
      const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: legs.hub } as unknown as EngineHost, log: silentLogger, settings: () => settings };
      const dom = fakeWebviewPanel({ keep: true });
      panels.push(new DomPanel(dom.panel, { kind: 'dom', exchange: AGGREGATE_EXCHANGE, symbol: NAME }, ctx));
      dom.fromPage({ method: 'webview/ready', params: { kind: 'dom' } });
      const ladders = () => receivedByPage(dom.messages).filter((m): m is Extract<HostMessage, { method: 'dom/update' }> => m.method === 'dom/update');
      await pageUntil("a DOM update with the legs' lot steps", () => ladders().some((m) => m.params.legAmountSteps !== undefined), 30_000);
      const first = ladders().find((m) => m.params.legAmountSteps !== undefined)!.params;
      assert.deepEqual(first.legAmountSteps, expected);
      assert.equal(first.legs?.length, expected.length, 'one step per leg');
      assert.equal(first.amountStep, undefined, 'no single step for an aggregate');
      await pageUntil('a row of traded volume naming its legs', () => ladders().some((m) => m.params.rows.some((r) => r.tradedLegs !== undefined)), 30_000);
      for (const m of ladders()) {
        for (const r of m.params.rows) {
          if (r.traded > 0) assert.ok(r.tradedLegs !== undefined && r.tradedLegs > 0 && r.tradedLegs < 1 << expected.length, `row ${r.price}: traded ${r.traded}, legs ${r.tradedLegs}`);
          else assert.equal(r.tradedLegs, undefined, `row ${r.price} has no volume and names no leg`);
        }
      }
    } finally {
      for (const p of panels.splice(0)) p.panel.dispose();
      await legs.close();
    }
  });
});

