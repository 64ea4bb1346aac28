/**
 * A reconnect's hole whose REST fetch fails on every retry is named to every `trades` subscriber, not only to the
 * rules: a tape (a plain trades consumer) is told the exact span its trades are missing from, and the time & sales
 * page shows it. Real ccxt against the emulator: the trade socket dropped, trades made while it is down, the
 * exchange's trades REST answering 503 throughout. The chaos checker takes the span told as a gap announced, and
 * still finds the same trades missing when nothing says so.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LostHole, SubscriptionRequest, TradesEvent } from '../../src/core/hub/requests';
import type { EngineHost } from '../../src/extension/engineHost';
import type { PanelContext } from '../../src/extension/panels/panelContext';
import { TapePanel } from '../../src/extension/panels/tapePanel';
import { readSettings } from '../../src/extension/settings';
import type { ExchangeId } from '../../src/emulator';
import { announcedGaps, assertTradesTrue } from '../helpers/chaos/invariants';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../helpers/fakeWebviewPanel';

type TradesReq = Extract<SubscriptionRequest, { kind: 'trades' }>;
const market = { exchange: 'binance', symbol: 'BTC/USDT' } as const;

const lostOf = (rec: Recorder<TradesReq>): LostHole[] => rec.events.flatMap((e) => (e.type === 'trades' && e.lost ? [e.lost] : []));
const streamed = (events: readonly TradesEvent[]) => events.flatMap((e) => (e.type === 'trades' && e.late !== true ? e.trades : []));

describe("a reconnect's hole lost for good is named to every trades subscriber (real ccxt, emulator)", function () {
  this.timeout(90_000);
  let rig: Rig<ExchangeId> | undefined;
  let panel: TapePanel | undefined;
  afterEach(async () => {
    panel?.panel.dispose();
    panel = undefined;
    await rig?.close();
    rig = undefined;
  });

  it("the trades REST failing on every retry: the rule's subscriber, a plain one and the tape's page are told the span from the drop's edge to the pick-up, which holds exactly the trades they never got", async () => {
    rig = await Rig.start<ExchangeId>({ exchange: 'binance', tradesPerSecond: 5, historyMinutes: 5 }, { restMaxAttempts: 2 });
    const r = rig;
    const tape = new Recorder<TradesReq>();
    const rule = new Recorder<TradesReq>();
    const subs = [r.hub.subscribe({ kind: 'trades', ...market }, tape.consume), r.hub.subscribe({ kind: 'trades', ...market }, rule.consume, { lateTrades: true })];
    const settings = readSettings().settings;
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: r.hub } as unknown as EngineHost, log: r.log, settings: () => ({ ...settings, timeAndSales: { minSize: 0, highlightSize: 0 } }) };
    const page: FakePanel = fakeWebviewPanel({ keep: true });
    panel = new TapePanel(page.panel, { kind: 'tape', ...market }, ctx);
    page.fromPage({ method: 'webview/ready', params: { kind: 'tape' } });
    await Promise.all(subs.map((s) => s.ready));
    // Both live with trades streamed: the drop below is a reconnect's hole, not a start.
    await tape.next((e) => e.type === 'trades' && e.trades.length > 0, 'a streamed trade', 30_000);
    await rule.next((e) => e.type === 'trades' && e.trades.length > 0, 'a streamed trade (rule)', 30_000);
    // From here on only the trades made below: the edge is the last one the socket sent before the drop.
    r.emulator.setTradesPerSecond(0);
    const [edge] = r.emulator.injectTrades(market.symbol, [{ price: 60_000, amount: 0.1, side: 'buy' }]);
    const edgeId = r.emulator.wireTradeId(market.symbol, edge!);
    await tape.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === edgeId), 'the edge trade', 20_000);

    r.emulator.failRest({ status: 503, count: 100_000, path: 'aggTrades' });
    const atDrop = tape.events.length;
    const liveAgain = tape.upcoming((e) => e.type === 'state' && e.state.status === 'live', 'live again', 30_000);
    assert.ok(r.emulator.dropConnections(market.symbol) > 0, 'a socket carried the market');
    // Made while the socket is down: only REST could bring them.
    const made = r.emulator.injectTrades(market.symbol, [
      { price: 60_001, amount: 0.5, side: 'buy' },
      { price: 60_002, amount: 0.25, side: 'sell' },
      { price: 60_003, amount: 1, side: 'buy' },
    ]);
    // Live again once the exchange confirmed the new socket's subscription: a trade made now is sent on it.
    await liveAgain;
    // The pick-up: the first trade the new socket sends, where the hole ends.
    const [pickUp] = r.emulator.injectTrades(market.symbol, [{ price: 60_004, amount: 0.2, side: 'sell' }]);
    await rule.next((e) => e.type === 'trades' && e.lost !== undefined, 'the lost hole (rule)', 60_000);

    // Told to every subscriber in the same turn.
    const [hole, ...more] = lostOf(rule);
    assert.equal(more.length, 0, 'told once');
    assert.deepEqual(lostOf(tape), [hole], 'the plain subscriber is told the same span');
    assert.equal(streamed(tape.events.slice(atDrop))[0]?.id, r.emulator.wireTradeId(market.symbol, pickUp!), 'the first trade the tape got after the drop is the pick-up');
    assert.equal(hole!.from, edge!.timestamp, 'from the last trade streamed before the drop');
    assert.equal(hole!.until, pickUp!.timestamp, "to the stream's first trade after it");
    assert.match(hole!.reason, /503|not available|unavailable/i, hole!.reason);
    assert.ok(made.every((t) => t.timestamp >= hole!.from && t.timestamp <= hole!.until!), 'the trades made while down are in the span');
    const got = new Set(streamed(tape.events).map((t) => t.id));
    assert.ok(made.every((t) => !got.has(r.emulator.wireTradeId(market.symbol, t))), 'and none reached the tape');
    assert.ok(r.log.lines.some((l) => l.includes("could not be fetched") && l.includes('BTC/USDT')), 'the log says so, naming the market');

    await pageUntil('the page told the span', () => receivedByPage(page.messages).some((m) => m.method === 'tape/missing'));
    const shown = receivedByPage(page.messages).filter((m) => m.method === 'tape/missing').at(-1);
    assert.ok(shown?.method === 'tape/missing');
    assert.deepEqual(shown.params.missing.map((s) => [s.from, s.until]), [[hole!.from, hole!.until]], "the page's span is the hub's");
    assert.deepEqual(page.invalid, []);

    // The chaos checker: the span told is a gap announced, not trades lost.
    assert.deepEqual(announcedGaps(tape.events), [{ from: hole!.from, until: hole!.until! }]);
    assertTradesTrue(r, market.symbol, tape, 'tape');
    const silent = new Recorder<TradesReq>();
    for (const e of tape.events) if (!(e.type === 'trades' && e.lost)) silent.consume(e);
    assert.throws(() => assertTradesTrue(r, market.symbol, silent, 'silent'), /never came, in no span told lost/, 'without the span told, the same trades are missing unannounced');
    for (const s of subs) s.dispose();
  });
});
