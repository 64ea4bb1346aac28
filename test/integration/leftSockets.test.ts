/**
 * A socket we leave can still deliver until the server answers our close (the `ws` library emits every message it
 * receives until then), and ccxt's caches are the exchange's, not the socket's: what the old socket sent late joined
 * the new socket's first read, the seam of the gap backfill was taken at the oldest of those trades, and the trades
 * between the two sockets ended in no bar while the bar read whole. Here the user's Reconnect of a market's only
 * stream (the exchange's sockets closed): the old socket sends trades after we left it, then goes quiet; trades follow
 * that no socket gets. Every bar must be true. Real ccxt.
 */
import * as assert from 'node:assert/strict';
import type { CcxtMarketDataClient } from '../../src/core/exchange/ccxtClient';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';
import type { Timeframe } from '../../src/core/timeframes';
import type { ExchangeId } from '../../src/emulator';
import { expectEveryBarTrue } from '../helpers/barsTrue';
import { Recorder, type Rig } from '../helpers/emulatorHub';
import { rigsPerTest } from '../helpers/rigsPerTest';
import { stateMoves } from '../helpers/stateMoves';
import type { CandleReq } from '../helpers/threeExchanges';

const symbol = 'BTC/USDT';
const TIMEFRAMES: readonly Timeframe[] = ['1m', '5m'];

interface SocketInternals {
  onMessageCallback(client: unknown, message: unknown): void;
}

/** Resolves once ccxt has handled a message of one of the exchange's sockets of now and `done()` holds. */
function afterAMessage(ex: ProExchange, done: () => boolean): Promise<void> {
  const sockets = Object.values((ex as unknown as { clients: Record<string, SocketInternals> }).clients);
  return new Promise((resolve) => {
    for (const socket of sockets) {
      const handle = socket.onMessageCallback.bind(socket);
      socket.onMessageCallback = (client, message) => {
        handle(client, message);
        if (done()) resolve();
      };
    }
  });
}

const statuses = (rec: Recorder<CandleReq>, from = 0): string[] => rec.events.slice(from).flatMap((e) => (e.type === 'state' ? [e.state.status] : []));

/**
 * Charts of every timeframe on `market`, each seeded and live, then the emulator's trades stopped. `at`: each chart's
 * event count then (what came after it is the test's); `price`: the last trade's.
 */
async function liveCharts(rig: Rig<ExchangeId>, market: string) {
  const recs = new Map(TIMEFRAMES.map((tf) => [tf, new Recorder<CandleReq>()]));
  const subs = TIMEFRAMES.map((tf) => rig.hub.subscribe({ kind: 'candles', exchange: rig.emulator.exchange, symbol: market, timeframe: tf }, recs.get(tf)!.consume));
  for (const rec of recs.values()) await rec.next((e) => e.type === 'snapshot', 'a snapshot', 30_000);
  for (const rec of recs.values()) await rec.next(() => statuses(rec).includes('live'), 'live', 30_000);
  const context = () => `\nlog:\n${rig.log.lines.slice(-30).join('\n')}`;
  rig.emulator.setTradesPerSecond(0);
  const at = [...recs.values()].map((rec) => rec.events.length);
  const price = rig.emulator.trades(market).at(-1)!.price;
  /** Resolves once every chart, since `at`, went reconnecting and then live again (and nothing else). */
  const reconnectedLive = async (): Promise<void> => {
    for (const [i, rec] of [...recs.values()].entries()) {
      await rec.next(() => stateMoves(rec.events, at[i]!).join(',') === 'reconnecting,live', 'reconnecting then live', 90_000).catch((error: unknown) => {
        throw new Error(`${String(error)}\nstates ${statuses(rec, at[i]).join(' → ')}${context()}`);
      });
    }
  };
  return { recs, at, price, context, reconnectedLive, dispose: () => subs.forEach((sub) => sub.dispose()) };
}

/**
 * Bybit's reader away between two reads with three trades waiting in ccxt's cache: a trade stamped ahead of the
 * exchange's clock has the reader measure that clock again before its next read, and the answer is held (until
 * `releaseTime()`); the three trades the socket delivers meanwhile stay in the cache.
 */
async function bybitReaderAwayWithThreeCached(r: Rig<'bybit'>, market: string, price: number, context: () => string) {
  const emu = r.emulator;
  const client = (await r.registry.get('bybit')) as CcxtMarketDataClient;
  const ex = await (client as unknown as { exchange(): Promise<ProExchange> }).exchange();
  const releaseTime = emu.holdRest('/v5/market/time');
  assert.ok(emu.sendMalformed('future-trade', undefined, market) > 0);
  await emu.waitForStats((s) => s.restHeld === 1, 30_000).catch((error: unknown) => {
    throw new Error(`the clock's measure not asked: ${String(error)}${context()}`);
  });
  const cache = () => (ex as unknown as { trades: Record<string, unknown[] | undefined> }).trades[market]?.length ?? 0;
  const cached = afterAMessage(ex, () => cache() === 3);
  const early = await emu.playPath(market, [price + 1, price + 2, price + 3], { intervalMs: 0 });
  await cached;
  return { early, releaseTime };
}

describe('a socket we left delivers nothing into ccxt’s shared caches (real ccxt, emulator)', function () {
  this.timeout(120_000);
  const rigs = rigsPerTest();

  it('binance, the Reconnect command: trades the old socket sent after we left it and trades no socket got are all in the bars, none twice', async () => {
    const rig = await rigs.start({ tradesPerSecond: 20, historyMinutes: 10 });
    const emu = rig.emulator;
    const charts = await liveCharts(rig, symbol);
    const { price } = charts;
    // Our close is in flight (its frames unread by the server) while the server still sends the old socket trades,
    // one read each: the aborted stream's last pending read takes the first, the others were left in ccxt's cache for
    // the next socket's first read. Then it goes quiet (our close is never answered: ws gives up after its close
    // timeout), and trades follow that no socket gets (the new one waits for the old one's close).
    const hold = emu.holdClientFrames(symbol);
    assert.equal(hold.held, 1, 'the one socket');
    rig.hub.reconnect({ kind: 'trades', exchange: 'binance', symbol });
    const late = await emu.playPath(symbol, [price + 1, price + 2, price + 3, price + 4], { intervalMs: 50 });
    assert.equal(emu.silenceConnections(symbol), 1, 'the one old socket');
    hold.release();
    const unsent = await emu.playPath(symbol, [price + 5, price + 6, price + 7], { intervalMs: 0 });
    await charts.reconnectedLive();
    assert.deepEqual([late.length, unsent.length], [4, 3]);
    // The new socket's first trades (the closer of expectEveryBarTrue follows them).
    await emu.playPath(symbol, [price + 8, price + 9], { intervalMs: 0 });
    await expectEveryBarTrue(rig, symbol, charts.recs, '5m', charts.context);
    charts.dispose();
  });

  it('bybit, trades cached before the decision to leave (the reader away between two reads), then the Reconnect: all in the bars, none twice', async () => {
    const symbol = 'BTC/USDT:USDT';
    const r = await rigs.start<'bybit'>({ exchange: 'bybit', tradesPerSecond: 20, historyMinutes: 10 });
    const charts = await liveCharts(r, symbol);
    const { price } = charts;
    const { early, releaseTime } = await bybitReaderAwayWithThreeCached(r, symbol, price, charts.context);
    // Left now, with those three unread. What the old socket sends after the decision is dropped (the late ones).
    r.hub.reconnect({ kind: 'trades', exchange: 'bybit', symbol });
    const late = await r.emulator.playPath(symbol, [price + 4, price + 5], { intervalMs: 0 });
    releaseTime();
    await charts.reconnectedLive();
    assert.deepEqual([early.length, late.length], [3, 2]);
    // The new socket's first trades (the closer of expectEveryBarTrue follows them).
    await r.emulator.playPath(symbol, [price + 6, price + 7], { intervalMs: 0 });
    await expectEveryBarTrue(r, symbol, charts.recs, '5m', charts.context);
    charts.dispose();
  });

  it('bybit, trades cached while the reader was away, its read then refused (a malformed trade, no hole): the next read still takes them, every bar true', async () => {
    const symbol = 'BTC/USDT:USDT';
    const r = await rigs.start<'bybit'>({ exchange: 'bybit', tradesPerSecond: 20, historyMinutes: 10 });
    const { recs, at, price, context, dispose } = await liveCharts(r, symbol);
    const { early, releaseTime } = await bybitReaderAwayWithThreeCached(r, symbol, price, context);
    assert.equal(early.length, 3);
    releaseTime();
    // The future trade is refused and the stream goes on as it was: its next read, with the next trade, takes the three.
    await r.log.line(/skipped a malformed message/, 30_000);
    const [next] = await r.emulator.playPath(symbol, [price + 4], { intervalMs: 0 });
    const [tf1m, rec1m] = [...recs.entries()][0]!;
    await rec1m.next(() => rec1m.candles.at(-1)?.close === next!.price, `${tf1m}: the next trade`, 30_000).catch((error: unknown) => {
      throw new Error(`${String(error)}${context()}`);
    });
    for (const [i, rec] of [...recs.values()].entries()) assert.deepEqual(stateMoves(rec.events, at[i]!), [], 'no hole: the stream never left live');
    await expectEveryBarTrue(r, symbol, recs, '5m', context);
    dispose();
  });
});
