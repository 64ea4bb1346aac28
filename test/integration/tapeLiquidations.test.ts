/**
 * Liquidation rows in time & sales (issue 15), the extension's TapePanel on a plain-Node webview stand-in, the real
 * hub and ccxt against the emulators: on an aggregate and on a single Bybit perpetual, the page's liquidation rows
 * equal what the Bybit emulator pushed (its log is the ground truth), in a row kind of their own; a spot market's
 * tape has none; one liquidation socket subscription per market, and nothing left once the panels close.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AGGREGATE_EXCHANGE } from '../../src/core/aggregate/aggregateDefinition';
import type { EngineHost } from '../../src/extension/engineHost';
import type { PanelContext } from '../../src/extension/panels/panelContext';
import { TapePanel } from '../../src/extension/panels/tapePanel';
import { readSettings } from '../../src/extension/settings';
import { isLiquidationRow, type HostMessage } from '../../src/shared/protocol';
import { DEFINITION, LEGS, NAME } from '../helpers/aggregateTruth';
import { captureLog } from '../helpers/emulatorHub';
import { LegsRig } from '../helpers/legsRig';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../helpers/fakeWebviewPanel';
import { shownTapeRows } from '../helpers/tapePage';

const PERP = LEGS[2];


const lastOf = <M extends HostMessage['method']>(fake: FakePanel, method: M) => receivedByPage(fake.messages).filter((m): m is Extract<HostMessage, { method: M }> => m.method === method).at(-1);

describe('time & sales: liquidation rows (real ccxt, emulators)', function () {
  this.timeout(90_000);
  let rig: LegsRig | undefined;
  const panels: TapePanel[] = [];
  const log = captureLog();

  beforeEach(async () => {
    rig = await LegsRig.start({ seed: 41, tradesPerSecond: 5, historyMinutes: 2 }, log);
  });
  afterEach(async () => {
    for (const p of panels.splice(0)) p.panel.dispose();
    await rig?.close();
    rig = undefined;
  });

  it("an aggregate's tape and a Bybit perpetual's show every liquidation the emulator pushed as rows of their own (order side, price, base size, exchange); a spot tape has none; nothing outlives the panels", async () => {
    const h = rig!.hub;
    const base = readSettings().settings;
    const settings = { ...base, aggregates: [DEFINITION], timeAndSales: { minSize: 0, highlightSize: 0 } };
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: h } as unknown as EngineHost, log, settings: () => settings };
    const open = (exchange: string, symbol: string): FakePanel => {
      const fake = fakeWebviewPanel({ keep: true });
      panels.push(new TapePanel(fake.panel, { kind: 'tape', exchange, symbol }, ctx));
      fake.fromPage({ method: 'webview/ready', params: { kind: 'tape' } });
      return fake;
    };
    const aggregate = open(AGGREGATE_EXCHANGE, NAME);
    const perp = open(PERP.exchange, PERP.symbol);
    const spot = open(LEGS[0].exchange, LEGS[0].symbol);
    const bybit = rig!.emulator('bybit');
    // The stream says live at its first liquidation; until then the line says it is waiting for one.
    await pageUntil('both liquidation lines shown', () => lastOf(aggregate, 'tape/liquidations') !== undefined && lastOf(perp, 'tape/liquidations') !== undefined);
    await bybit.waitForStats((st) => (st.subscriptions['allLiquidation.BTCUSDT'] ?? 0) >= 1, 30_000);
    await pageUntil('trades on every tape', () => [aggregate, perp, spot].every((f) => shownTapeRows(f).some((r) => !isLiquidationRow(r))));

    bybit.setTradesPerSecond(0); // generated trades come with liquidations: from here on, only the injected ones
    const price = bybit.trades(PERP.symbol).at(-1)!.price;
    const injected = bybit.injectLiquidations(PERP.symbol, [
      { side: 'buy', price, amount: 1.5 },
      { side: 'sell', price: price + 10, amount: 0.25 },
      { side: 'buy', price: price - 10, amount: 3 },
    ]);
    const from = injected[0]!.timestamp;
    // Ground truth: the emulator's log. Bybit's side names the position liquidated (Buy: a long), so the order that
    // closed it is the other side; amounts are in BTC (1 contract = 1 BTC on this linear perpetual).
    const truth = bybit.liquidations(PERP.symbol, from).map((l) => [l.timestamp, l.price, l.amount, l.side === 'buy' ? 'sell' : 'buy', 1] as const);
    assert.equal(truth.length, 3);
    const liquidationRows = (fake: FakePanel) => shownTapeRows(fake).filter((r) => isLiquidationRow(r) && r[1] >= from).reverse();
    await pageUntil('the injected liquidations on both tapes', () => liquidationRows(aggregate).length >= truth.length && liquidationRows(perp).length >= truth.length);

    assert.deepEqual(liquidationRows(perp).map(([, t, p, a, s, n]) => [t, p, a, s, n]), truth);
    assert.deepEqual(liquidationRows(aggregate).map(([, t, p, a, s, n]) => [t, p, a, s, n]), truth);
    assert.deepEqual(new Set(liquidationRows(aggregate).map((r) => r[6])), new Set([2]), "the aggregate's rows name their leg (bybit)");
    assert.deepEqual(new Set(liquidationRows(perp).map((r) => r[6])), new Set([null]), "a single market's rows name no leg");
    assert.deepEqual(lastOf(aggregate, 'tape/snapshot')?.params.legs, ['binance', 'coinbase', 'bybit']);
    assert.equal(shownTapeRows(spot).some(isLiquidationRow), false, 'a spot tape has no liquidation row');
    assert.equal(receivedByPage(spot.messages).some((m) => m.method === 'tape/liquidations' || (m.method === 'tape/snapshot' && m.params.liquidations !== undefined)), false, 'nor a liquidation line');
    assert.deepEqual(
      h.activeStreams().filter((k) => k.kind === 'liquidations'),
      [{ kind: 'liquidations', exchange: 'bybit', symbol: PERP.symbol }],
      'one liquidation stream serves both tapes',
    );

    // A page reloaded gets them back in its snapshot, with the stream's state.
    aggregate.fromPage({ method: 'webview/ready', params: { kind: 'tape' } });
    await pageUntil('the snapshot sent again', () => (lastOf(aggregate, 'tape/snapshot')?.params.rows.filter(isLiquidationRow).length ?? 0) >= truth.length);
    assert.equal(lastOf(aggregate, 'tape/snapshot')?.params.liquidations?.status, 'live');
    assert.equal(lastOf(perp, 'tape/liquidations')?.params.status, 'live');

    for (const p of panels.splice(0)) p.panel.dispose();
    await h.whenStreamsIdle();
    assert.deepEqual(h.activeStreams(), [], 'nothing left subscribed');
  });
});
