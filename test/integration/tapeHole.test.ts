/**
 * A reconnect's hole on a market with only a tape open: the tape takes holes late, so the hub fetches the hole from
 * REST for it, and the time & sales page ends up holding every trade the exchange made once, the hole's placed among
 * the rows in time order and flagged late, its status saying it was fetching them meanwhile. Real ccxt against the
 * emulator: the trade socket dropped, trades made while it is down.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EngineHost } from '../../src/extension/engineHost';
import type { PanelContext } from '../../src/extension/panels/panelContext';
import { TapePanel } from '../../src/extension/panels/tapePanel';
import { readSettings } from '../../src/extension/settings';
import { isLateRow } from '../../src/shared/protocol';
import { Rig } from '../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../helpers/fakeWebviewPanel';
import { shownTapeRows } from '../helpers/tapePage';

const market = { exchange: 'binance', symbol: 'BTC/USDT' } as const;


const statuses = (fake: FakePanel): string[] => receivedByPage(fake.messages).flatMap((m) => (m.method === 'panel/connection' ? [m.params.status] : []));
const catchingUp = (fake: FakePanel): boolean[] =>
  receivedByPage(fake.messages).flatMap((m) => (m.method === 'tape/catchingUp' ? [m.params.catchingUp] : m.method === 'tape/snapshot' ? [m.params.catchingUp === true] : []));

/** Trades and amount by millisecond, price and side: a row's trades and amount summed, or the exchange's. */
type Tally = Map<string, { trades: number; amount: number }>;
function tally(entries: Iterable<{ time: number; price: number; side: string; trades: number; amount: number }>): Tally {
  const out: Tally = new Map();
  for (const e of entries) {
    const key = `${e.time} ${e.price} ${e.side}`;
    const t = out.get(key) ?? { trades: 0, amount: 0 };
    out.set(key, { trades: t.trades + e.trades, amount: Math.round((t.amount + e.amount) * 1e8) / 1e8 });
  }
  return out;
}

describe("time & sales: a reconnect's hole with only a tape open (real ccxt, emulator)", function () {
  this.timeout(90_000);
  let rig: Rig | undefined;
  let panel: TapePanel | undefined;
  afterEach(async () => {
    panel?.panel.dispose();
    panel = undefined;
    await rig?.close();
    rig = undefined;
  });

  it('the hub fetches the hole for the tape alone; the page ends up holding every trade once, the hole\'s flagged late in time order, and said it was fetching them', async () => {
    rig = await Rig.start({ exchange: 'binance', tradesPerSecond: 5, historyMinutes: 5 });
    const r = rig;
    const settings = readSettings().settings;
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: r.hub } as unknown as EngineHost, log: r.log, settings: () => ({ ...settings, timeAndSales: { minSize: 0, highlightSize: 0 } }) };
    const page = fakeWebviewPanel({ keep: true });
    panel = new TapePanel(page.panel, { kind: 'tape', ...market }, ctx);
    page.fromPage({ method: 'webview/ready', params: { kind: 'tape' } });
    await pageUntil('streamed rows', () => shownTapeRows(page).length > 2, 30_000);

    // From here on only the trades made below: the edge is the last one the socket sent before the drop.
    r.emulator.setTradesPerSecond(0);
    r.emulator.injectTrades(market.symbol, [{ price: 60_000, amount: 0.1, side: 'buy' }]);
    await pageUntil('the edge trade', () => shownTapeRows(page).some((row) => row[2] === 60_000), 20_000);
    assert.equal(r.hub.holeFetchState(market)?.kind, 'idle', "the tape alone has the market's holes followed");

    const before = statuses(page).length;
    assert.ok(r.emulator.dropConnections(market.symbol) > 0, 'a socket carried the market');
    // Made while the socket is down: only REST can bring them.
    const made = r.emulator.injectTrades(market.symbol, [
      { price: 60_001, amount: 0.5, side: 'buy' },
      { price: 60_002, amount: 0.25, side: 'sell' },
      { price: 60_003, amount: 1, side: 'buy' },
    ]);
    await pageUntil('live again', () => statuses(page).slice(before).includes('reconnecting') && statuses(page).at(-1) === 'live', 30_000);
    // The pick-up: the new socket's first trade, where the hole ends; the hub then asks REST for the hole.
    r.emulator.injectTrades(market.symbol, [{ price: 60_004, amount: 0.2, side: 'sell' }]);
    await pageUntil('the hole on the page', () => made.every((t) => shownTapeRows(page).some((row) => row[2] === t.price)), 60_000);
    await pageUntil('caught up', () => catchingUp(page).at(-1) === false && shownTapeRows(page).some((row) => row[2] === 60_004), 30_000);

    const rows = shownTapeRows(page);
    assert.deepEqual(
      made.map((t) => rows.filter((row) => row[2] === t.price).map((row) => [row[1], row[3], row[4], isLateRow(row)])),
      made.map((t) => [[t.timestamp, t.amount, t.side, true]]),
      "each trade made while down is one row, flagged late, at the exchange's time",
    );
    const times = rows.map((row) => row[1]);
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'the rows are in time order, newest first');
    assert.deepEqual(
      rows.filter(isLateRow).map((row) => row[2]),
      [60_003, 60_002, 60_001],
      'no other row is late',
    );
    assert.ok(catchingUp(page).includes(true), "the page was told a hole was owed while it was fetched (the stream 'live' and catching up)");
    assert.equal(r.hub.holeFetchState(market)?.kind, 'sent');

    // Every trade the exchange made since the tape's oldest row's millisecond is on the page once (each row's trades
    // and amount summed per millisecond, price and side; the oldest millisecond may hold trades made before it opened).
    const oldest = times.at(-1)!;
    const shown = tally(rows.filter((row) => row[1] > oldest).map((row) => ({ time: row[1], price: row[2], side: row[4], trades: row[5], amount: row[3] })));
    const truth = tally(r.emulator.trades(market.symbol).filter((t) => t.timestamp > oldest).map((t) => ({ time: t.timestamp, price: t.price, side: t.side, trades: 1, amount: t.amount })));
    assert.deepEqual(shown, truth);
    assert.deepEqual(page.invalid, []);
  });
});
