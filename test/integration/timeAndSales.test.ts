import * as assert from 'node:assert/strict';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { TradeTape } from '../../src/extension/panels/tradeTape';
import type { TapeRowWire } from '../../src/shared/protocol';
import { applyTapeRows } from '../../src/webviews/tape/tapeView';
import { loadRecording } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { REPLAY_FIXTURE } from '../helpers/replayFixture';

const XRP = { exchange: 'binance', symbol: 'XRP/ETH' } as const;
type Row = [time: number, price: number, amount: number, side: 'buy' | 'sell', trades: number];

/** The reference merge, written from the rule: every trade of one (millisecond, price, side) in one row, rows in order of their first trade. */
function mergeLog(log: readonly { timestamp: number; price: number; amount: number; side: 'buy' | 'sell' }[]): Row[] {
  const rows = new Map<string, Row>();
  for (const t of log) {
    const key = `${t.timestamp}|${t.price}|${t.side}`;
    const row = rows.get(key);
    if (row) {
      row[2] += t.amount;
      row[4]++;
    } else rows.set(key, [t.timestamp, t.price, t.amount, t.side, 1]);
  }
  return [...rows.values()];
}

describe('time & sales against the emulator (real ccxt)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it("a replayed real market: tape rows equal the recording's trades merged per millisecond, price and side; the webview's rows equal the host's; the per-minute count equals the log's", async () => {
    // An hour of Binance XRP/ETH with same-millisecond bursts (30+ trades) and prints of one millisecond, price and side.
    const from = Date.parse('2019-10-11T05:10:00Z');
    const until = Date.parse('2019-10-11T06:12:00Z');
    const recording = await loadRecording(REPLAY_FIXTURE);
    rig = await Rig.start({ replay: { dir: REPLAY_FIXTURE, from, paused: true, speed: 1200 } });
    const r = rig;
    const tape = new TradeTape(100_000);
    let shown: TapeRowWire[] = [];
    const trades = new Recorder<Extract<SubscriptionRequest, { kind: 'trades' }>>();
    const sub = r.hub.subscribe({ kind: 'trades', ...XRP }, (e) => {
      if (e.type === 'trades') shown = applyTapeRows(shown, tape.add(e.trades), 100_000);
      trades.consume(e);
    });
    await sub.ready;
    await r.emulator.waitForStats((s) => Object.keys(s.subscriptions).some((k) => k.startsWith('xrpeth@')), 10_000);
    const expectedTrades = recording.trades.filter((t) => t.timestamp > from && t.timestamp <= until);
    const lastTime = expectedTrades.at(-1)!.timestamp;
    r.emulator.replay?.resume();
    await r.emulator.replay?.waitUntil(until);
    r.emulator.replay?.pause();
    await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.timestamp === lastTime), 'the last trade of the span', 20_000);
    sub.dispose();

    const expected = mergeLog(expectedTrades);
    const rows = tape.rows().reverse().filter((row) => row[1] <= until);
    assert.deepEqual(rows.map(([, time, price, amount, side, n]) => [time, price, amount, side, n]), expected);
    assert.ok(expected.length < expectedTrades.length, `trades merged (${expectedTrades.length} trades → ${expected.length} rows)`);
    assert.ok(rows.some((row) => row[5] === 3), 'three prints of one millisecond, price and side (06:10:04.419) make one row');
    assert.deepEqual(shown, tape.rows(), 'the webview model fed the changed rows holds what the host holds');
    // The minute up to the newest trade the tape took: the replay, paused once it reached `until`, may have sent more
    // by then (under load it did), and the window follows them.
    const newestSeen = trades.events.reduce((m, e) => (e.type === 'trades' ? e.trades.reduce((n, t) => Math.max(n, t.timestamp), m) : m), lastTime);
    const newestSecond = Math.floor(newestSeen / 1000);
    const inMinute = recording.trades.filter((t) => Math.floor(t.timestamp / 1000) > newestSecond - 60 && t.timestamp <= newestSeen);
    assert.equal(tape.stats().tradesPerMinute, inMinute.length);
    assert.ok(Math.abs(tape.stats().volumePerMinute - inMinute.reduce((s, t) => s + t.amount, 0)) < 1e-9);
    assert.deepEqual(r.hub.activeStreams(), [], 'nothing left subscribed');
  });
});
