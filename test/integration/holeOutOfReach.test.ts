/**
 * A reconnect's hole longer than the exchange's REST gives back (Bybit's recent trades: the newest 1,000) on a market
 * with no chart: the hub's own hole fetch must not send the part REST gave as if it were the whole hole. It is told
 * lost, saying why, to the rules (their windows start over) and to the tape (a `trades missing` line), and it is not
 * asked again: REST's window only moves away from it. Real ccxt against the Bybit emulator: the trade socket dropped,
 * 1,200 trades made while it is down.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { EngineHost } from '../../src/extension/engineHost';
import type { PanelContext } from '../../src/extension/panels/panelContext';
import { TapePanel } from '../../src/extension/panels/tapePanel';
import { readSettings } from '../../src/extension/settings';
import { received } from '../helpers/domPage';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage } from '../helpers/fakeWebviewPanel';
import { shownTapeRows } from '../helpers/tapePage';
import type { ExchangeId } from '../../src/emulator';

type TradesReq = Extract<SubscriptionRequest, { kind: 'trades' }>;
const market = { exchange: 'bybit', symbol: 'BTC/USDT:USDT' } as const;

describe("a reconnect's hole longer than REST reaches back, with no chart (real ccxt, Bybit emulator)", function () {
  this.timeout(120_000);
  let rig: Rig<ExchangeId> | undefined;
  let panel: TapePanel | undefined;
  const subs: Array<{ dispose(): void }> = [];
  afterEach(async () => {
    for (const s of subs.splice(0)) s.dispose();
    panel?.panel.dispose();
    panel = undefined;
    await rig?.close();
    rig = undefined;
  });

  it('1,200 trades made while down, REST giving the newest 1,000: told lost to the rule and the tape, none of them sent late, not asked again', async () => {
    rig = await Rig.start<ExchangeId>({ exchange: 'bybit', tradesPerSecond: 5, historyMinutes: 5 });
    const r = rig;
    const rule = new Recorder<TradesReq>();
    subs.push(r.hub.subscribe({ kind: 'trades', ...market }, rule.consume, { lateTrades: true }));
    const settings = readSettings().settings;
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: r.hub } as unknown as EngineHost, log: r.log, settings: () => ({ ...settings, timeAndSales: { minSize: 0, highlightSize: 0 } }) };
    const page = fakeWebviewPanel({ keep: true });
    panel = new TapePanel(page.panel, { kind: 'tape', ...market }, ctx);
    page.fromPage({ method: 'webview/ready', params: { kind: 'tape' } });
    r.emulator.setTradesPerSecond(0);
    await rule.next((e) => e.type === 'state' && e.state.status === 'live', 'the stream live', 30_000);
    const [edge] = r.emulator.injectTrades(market.symbol, [{ price: 60_000, amount: 0.1, side: 'buy' }]);
    const edgeId = r.emulator.wireTradeId(market.symbol, edge!);
    await rule.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === edgeId), 'the edge trade', 30_000);
    await pageUntil('the edge on the tape', () => shownTapeRows(page).some((row) => row[2] === 60_000), 30_000);

    const liveAgain = rule.upcoming((e) => e.type === 'state' && e.state.status === 'live', 'live again', 30_000);
    assert.ok(r.emulator.dropConnections(market.symbol) > 0, 'a socket carried the market');
    const made = r.emulator.injectTrades(market.symbol, Array.from({ length: 1200 }, (_, i) => ({ price: 60_001 + (i % 50), amount: 0.01, side: i % 2 === 0 ? ('buy' as const) : ('sell' as const) })));
    await liveAgain;
    const [pickUp] = r.emulator.injectTrades(market.symbol, [{ price: 59_000, amount: 0.2, side: 'sell' }]);
    const lost = await rule.next((e) => e.type === 'trades' && e.lost !== undefined, 'the hole told lost (rule)', 60_000);
    assert.ok(lost.type === 'trades' && lost.lost);
    assert.equal(lost.lost.from, edge!.timestamp);
    assert.equal(lost.lost.until, pickUp!.timestamp);
    assert.match(lost.lost.reason, /do not reach back/, lost.lost.reason);

    const madeIds = new Set(made.map((t) => r.emulator.wireTradeId(market.symbol, t)));
    const lateToRule = rule.events.flatMap((e) => (e.type === 'trades' && e.late ? e.trades : []));
    assert.deepEqual(lateToRule.filter((t) => madeIds.has(t.id)).length, 0, 'none of the part REST gave went out as if it were the whole hole');
    await pageUntil('the tape naming it', () => receivedByPage(page.messages).some((m) => (m.method === 'tape/missing' && m.params.missing.length > 0) || (m.method === 'tape/snapshot' && (m.params.missing?.length ?? 0) > 0)), 30_000);
    assert.ok(!shownTapeRows(page).some((row) => row[2] !== 60_000 && row[2] !== 59_000), 'no row of the hole on the tape');
    assert.equal(r.hub.holeFetchState(market)?.kind, 'failed');
    assert.ok(r.log.lines.some((l) => l.includes("the reconnect's hole") && l.includes('do not reach back')), r.log.lines.filter((l) => l.includes('hole')).join('\n'));
    // Not asked again (its trades only move on): no refetch started, as there is for a failed fetch (lostHoleFound).
    assert.equal(r.hub.holesAskedAgain(market), 0);
    assert.deepEqual(received(page, 'panel/connection').at(-1)?.params.status, 'live');
    assert.deepEqual(page.invalid, []);
  });
});
