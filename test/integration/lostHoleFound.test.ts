/**
 * A reconnect's hole whose REST fetch fails is told lost at once (the rules start their windows over and stay timely),
 * then asked again for the panels: once REST is back, the tape, the DOM and the heatmap withdraw their `trades
 * missing` note and hold every trade once, the hole's included; the rule is never sent the hole. Both fetch paths: the
 * hub's own hole fetch (no chart on the market) and the candle factory's gap backfill (a chart open). Real ccxt
 * against the emulator: the trade socket dropped, trades made while it is down, the trades REST answering 503 until
 * the loss was told.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { EngineHost } from '../../src/extension/engineHost';
import { DomPanel } from '../../src/extension/panels/domPanel';
import { HeatmapPanel } from '../../src/extension/panels/heatmapPanel';
import type { PanelContext } from '../../src/extension/panels/panelContext';
import { TapePanel } from '../../src/extension/panels/tapePanel';
import { readSettings } from '../../src/extension/settings';
import { isLateRow, type TradesMissingWire } from '../../src/shared/protocol';
import { domTraded, holeUnderDom, ladderAroundBook, received, sorted, truthByRow } from '../helpers/domPage';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../helpers/fakeWebviewPanel';
import { shownTapeRows } from '../helpers/tapePage';

type TradesReq = Extract<SubscriptionRequest, { kind: 'trades' }>;
type CandlesReq = Extract<SubscriptionRequest, { kind: 'candles' }>;
const market = { exchange: 'binance', symbol: 'BTC/USDT' } as const;

const spans = (list: readonly TradesMissingWire[] | undefined) => (list ?? []).map((s) => [s.from, s.until]);
// The spans each page showed, in turn, as it folds its messages: a snapshot (the rows again) carries the list too.
const tapeMissing = (fake: FakePanel) =>
  receivedByPage(fake.messages).flatMap((m) => (m.method === 'tape/missing' ? [spans(m.params.missing)] : m.method === 'tape/snapshot' ? [spans(m.params.missing)] : []));
const domMissing = (fake: FakePanel) => received(fake, 'dom/update').map((m) => spans(m.params.tradesMissing));
const heatmapMissing = (fake: FakePanel) =>
  receivedByPage(fake.messages).flatMap((m) => (m.method === 'heatmap/tradesMissing' ? [spans(m.params.missing)] : m.method === 'heatmap/snapshot' ? [spans(m.params.tradesMissing)] : []));

interface Opened {
  readonly rule: Recorder<TradesReq>;
  readonly tape: FakePanel;
  readonly dom: FakePanel;
  readonly heat: FakePanel;
  readonly at: (ticks: number) => number;
  readonly edge: { readonly timestamp: number; readonly price: number };
  readonly tick: number;
  readonly multiple: number;
  /** The chart's candles subscription, when one was opened. */
  readonly chart: { dispose(): void } | undefined;
}

describe("a reconnect's hole told lost is found for the panels after all (real ccxt, emulator)", function () {
  this.timeout(120_000);
  let rig: Rig | undefined;
  const panels: Array<TapePanel | DomPanel | HeatmapPanel> = [];
  const subs: Array<{ dispose(): void }> = [];
  afterEach(async () => {
    for (const s of subs.splice(0)) s.dispose();
    for (const p of panels.splice(0)) p.panel.dispose();
    await rig?.close();
    rig = undefined;
  });

  /** A tape, a DOM and a heatmap on the market, a rule's trades subscriber, and a chart if asked; only injected trades from here on. */
  async function open(r: Rig, withChart: boolean): Promise<Opened> {
    let chart: { dispose(): void } | undefined;
    const settings = readSettings().settings;
    const ctx: PanelContext = {
      extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')),
      engine: { hub: r.hub } as unknown as EngineHost,
      log: r.log,
      settings: () => ({ ...settings, domMultiples: [1], timeAndSales: { minSize: 0, highlightSize: 0 } }),
    };
    r.emulator.setTradesPerSecond(0);
    const rule = new Recorder<TradesReq>();
    subs.push(r.hub.subscribe({ kind: 'trades', ...market }, rule.consume, { lateTrades: true }));
    if (withChart) {
      const bars = new Recorder<CandlesReq>();
      chart = r.hub.subscribe({ kind: 'candles', ...market, timeframe: '1m' }, bars.consume);
      subs.push(chart);
      await bars.next((e) => e.type === 'snapshot', "the chart's bars", 60_000);
    }
    const tape = fakeWebviewPanel({ keep: true });
    const dom = fakeWebviewPanel({ keep: true });
    const heat = fakeWebviewPanel({ keep: true });
    panels.push(new TapePanel(tape.panel, { kind: 'tape', ...market }, ctx), new DomPanel(dom.panel, { kind: 'dom', ...market }, ctx), new HeatmapPanel(heat.panel, { kind: 'heatmap', ...market }, ctx));
    tape.fromPage({ method: 'webview/ready', params: { kind: 'tape' } });
    dom.fromPage({ method: 'webview/ready', params: { kind: 'dom' } });
    heat.fromPage({ method: 'webview/ready', params: { kind: 'heatmap' } });
    await ladderAroundBook(dom);
    const update = received(dom, 'dom/update').at(-1)!.params;
    const mid = update.rows[Math.floor(update.rows.length / 2)]!.price;
    const at = (ticks: number) => Number((mid + ticks * update.tickSize).toFixed(8));
    // The edge: the last trade the socket sends before the drop, on every page and the rule's.
    const [edge] = r.emulator.injectTrades(market.symbol, [{ price: at(0), amount: 0.1, side: 'buy' }]);
    const edgeId = r.emulator.wireTradeId(market.symbol, edge!);
    await rule.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === edgeId), 'the edge trade (rule)', 20_000);
    await pageUntil('the edge trade on the tape and the DOM', () => shownTapeRows(tape).some((row) => row[2] === edge!.price) && domTraded(dom).size > 0, 20_000);
    return { rule, tape, dom, heat, at, edge: edge!, tick: update.tickSize, multiple: update.multiple, chart };
  }

  const paths = [
    { name: "no chart: the hub's own hole fetch fails", withChart: false, closeChart: 'never' },
    { name: "a chart open: the candle factory's gap backfill fails", withChart: true, closeChart: 'never' },
    { name: 'a chart open, closed once the hole was told lost (the asking outlives its factory)', withChart: true, closeChart: 'after the loss' },
    { name: "a chart open, closed while its gap backfill waits on REST for the hole (told lost as the chart closes, handed on)", withChart: true, closeChart: 'while fetching' },
  ] as const;
  for (const { name, withChart, closeChart } of paths) {
    it(`${name}; told lost to all at once, then found for the tape, the DOM and the heatmap, which withdraw their notes and hold every trade once; the rule never gets it`, async () => {
      // Asked again up to 30 times (the rig's backoff: 0.2 s growing to 1.6 s): the fault is cleared within that span however loaded the machine.
      rig = await Rig.start({ exchange: 'binance', tradesPerSecond: 5, historyMinutes: 5 }, { restMaxAttempts: 2, backfillMaxAttempts: 30 });
      const r = rig;
      const { rule, tape, dom, heat, at, edge, tick, multiple, chart } = await open(r, withChart);
      // REST fails for the hole, or (the chart closed while fetching it) holds it unanswered until released.
      const releaseRest = closeChart === 'while fetching' ? r.emulator.holdRest('/api/v3/aggTrades') : undefined;
      if (!releaseRest) r.emulator.failRest({ status: 503, count: 100_000, path: 'aggTrades' });
      const { made, pickUp } = await holeUnderDom(r.emulator, market.symbol, dom, at);
      const span = [[edge.timestamp, pickUp.timestamp]];
      if (closeChart === 'while fetching') {
        // The pick-up streamed (the factory heard it as the tape did): the hole's span is known when the chart closes.
        await pageUntil('the pick-up on the tape', () => shownTapeRows(tape).some((row) => row[2] === pickUp.price), 20_000);
        assert.equal(r.hub.holeFetchState(market)?.kind, 'factory', "the factory's backfill owes the hole");
        assert.equal(rule.events.filter((e) => e.type === 'trades' && e.lost).length, 0, 'nothing lost yet: REST has not answered');
        chart?.dispose();
        assert.equal(r.hub.candleFactoryCount, 0, 'no candle factory left');
      }

      const lost = await rule.next((e) => e.type === 'trades' && e.lost !== undefined, 'the lost hole (rule)', 60_000);
      if (closeChart === 'while fetching') assert.match(lost.type === 'trades' ? (lost.lost?.reason ?? '') : '', /candle series fetching them was closed/);
      await pageUntil('every page naming it', () => tapeMissing(tape).some((s) => s.length > 0) && domMissing(dom).some((s) => s.length > 0) && heatmapMissing(heat).some((s) => s.length > 0), 30_000);
      assert.deepEqual(tapeMissing(tape).at(-1), span, "the tape's span is the hole's");
      assert.deepEqual(domMissing(dom).at(-1), span);
      assert.deepEqual(heatmapMissing(heat).at(-1), span);
      if (closeChart !== 'while fetching') assert.equal(r.hub.holeFetchState(market)?.kind, withChart ? 'factory' : 'failed', 'the path under test');
      assert.equal(r.hub.holesAskedAgain(market), 1, 'the hole is being asked again for the panels');
      if (closeChart === 'after the loss') {
        chart?.dispose();
        assert.equal(r.hub.candleFactoryCount, 0, 'no candle factory left');
      }

      // REST back: the hole asked again is found.
      r.emulator.clearFaults();
      releaseRest?.();
      await pageUntil('every note withdrawn', () => tapeMissing(tape).at(-1)?.length === 0 && domMissing(dom).at(-1)?.length === 0 && heatmapMissing(heat).at(-1)?.length === 0, 60_000);

      assert.equal(r.hub.holesAskedAgain(market), 0, 'found: no longer asked');
      const rows = shownTapeRows(tape);
      assert.deepEqual(
        made.map((t) => rows.filter((row) => row[2] === t.price).map((row) => [row[1], row[3], row[4], isLateRow(row)])),
        made.map((t) => [[t.timestamp, t.amount, t.side, true]]),
        'each trade made while down is one tape row, flagged late, at the exchange’s time',
      );
      assert.equal(rows.filter(isLateRow).length, made.length, 'no other row is late');
      assert.equal(rows.filter((row) => row[2] === pickUp.price).length, 1, 'the pick-up once');
      const truth = r.emulator.trades(market.symbol).filter((t) => t.timestamp >= edge.timestamp);
      assert.equal(truth.length, 5, 'the edge, the three made while down and the pick-up');
      await pageUntil('the DOM holding the hole', () => JSON.stringify(sorted(domTraded(dom))) === JSON.stringify(sorted(truthByRow(truth, tick, multiple))), 30_000).catch((err: unknown) => {
        throw new Error(`${String(err)}: ${JSON.stringify(sorted(domTraded(dom)))} vs ${JSON.stringify(sorted(truthByRow(truth, tick, multiple)))}`);
      });

      // The rule: told lost once, never sent the hole's trades (its windows started over), and not held meanwhile.
      const ruleTrades = rule.events.flatMap((e) => (e.type === 'trades' ? [e] : []));
      assert.equal(ruleTrades.filter((e) => e.lost).length, 1, 'told lost once');
      assert.deepEqual(ruleTrades.filter((e) => e.found || (e.late && e.trades.length > 0)), [], 'no late trades for the rule');
      const madeIds = new Set(made.map((t) => r.emulator.wireTradeId(market.symbol, t)));
      assert.ok(!ruleTrades.some((e) => e.trades.some((t) => madeIds.has(t.id))), 'none of the hole’s trades reached the rule');
      assert.ok(r.log.lines.some((l) => l.includes('was fetched on attempt') && l.includes('BTC/USDT')), 'the log says it was found');
      for (const page of [tape, dom, heat]) assert.deepEqual(page.invalid, []);
    });
  }
});
