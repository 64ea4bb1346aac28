/**
 * A trade stream's socket that closes while no read waits fails no watch: ccxt forgets it and its next watch dials a
 * new one without a word. Here the reader is away between two reads (a trade stamped ahead of the exchange's clock has
 * it measure that clock, and the answer is held), the socket is dropped, and more trades are made than a new
 * subscription's snapshot carries (Coinbase's 50). Read on as if nothing happened, the trades between the two sockets
 * reached nobody and no bar said so (chaos seed 208). The stream must pass through reconnecting, fill the hole from
 * REST, and every trade reach a consumer that takes holes (as the rules do) once, every bar true. Real ccxt. Not Binance here: its aggTrade ids
 * run on without a break, so the new socket's first trade shows the jump (binanceTradeGap.test.ts), and the reader
 * cannot be held this way (the emulator's trade stamped ahead carries an id past every other).
 */
import * as assert from 'node:assert/strict';
import type { CcxtMarketDataClient } from '../../src/core/exchange/ccxtClient';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { Timeframe } from '../../src/core/timeframes';
import type { ExchangeId } from '../../src/emulator';
import { expectEveryBarTrue } from '../helpers/barsTrue';
import { Recorder, type Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';
import { rigsPerTest } from '../helpers/rigsPerTest';
import type { CandleReq } from '../helpers/threeExchanges';

type TradesReq = Extract<SubscriptionRequest, { kind: 'trades' }>;

const TIMEFRAMES: readonly Timeframe[] = ['1m', '5m'];

interface SocketInternals {
  onCloseCallback(client: unknown, event: unknown): void;
}

/** Resolves once ccxt has handled the close of every socket the exchange has now. */
function closedForCcxt(ex: ProExchange): Promise<void> {
  const sockets = Object.values((ex as unknown as { clients: Record<string, SocketInternals> }).clients);
  assert.ok(sockets.length > 0, 'a socket to close');
  return Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          const onClose = socket.onCloseCallback.bind(socket);
          socket.onCloseCallback = (client, event) => {
            onClose(client, event);
            resolve();
          };
        }),
    ),
  ).then(() => undefined);
}

const statuses = (events: ReadonlyArray<{ type: string; state?: { status: string } }>, from: number): string[] =>
  events.slice(from).flatMap((e) => (e.type === 'state' && e.state ? [e.state.status] : []));

interface Case {
  exchange: ExchangeId;
  symbol: string;
  clockPath: string;
}

const CASES: readonly Case[] = [
  { exchange: 'coinbase', symbol: 'BTC/USD', clockPath: '/v2/time' },
  { exchange: 'bybit', symbol: 'BTC/USDT:USDT', clockPath: '/v5/market/time' },
];

describe('a trade socket that closes between two reads (no watch waiting) is a reconnect, not a silent gap (real ccxt, emulator)', function () {
  this.timeout(180_000);
  const rigs = rigsPerTest();

  for (const { exchange, symbol, clockPath } of CASES) {
    it(`${exchange}: the trades made between the two sockets reach a consumer taking holes once, and every bar is true`, async () => {
      const rig: Rig<ExchangeId> = await rigs.start<ExchangeId>({ exchange, tradesPerSecond: 20, historyMinutes: 10 });
      const emu = rig.emulator;
      const context = () => `\nlog:\n${rig.log.lines.slice(-30).join('\n')}`;
      const tape = new Recorder<TradesReq>();
      // As the alert rules take trades: a reconnect's hole is owed to it, sent late (a plain subscriber in time order
      // leaves late trades).
      const tapeSub = rig.hub.subscribe({ kind: 'trades', exchange, symbol }, tape.consume, { lateTrades: true });
      const recs = new Map(TIMEFRAMES.map((tf) => [tf, new Recorder<CandleReq>()]));
      const subs = TIMEFRAMES.map((tf) => rig.hub.subscribe({ kind: 'candles', exchange, symbol, timeframe: tf }, recs.get(tf)!.consume));
      for (const rec of recs.values()) await rec.next((e) => e.type === 'snapshot', 'a snapshot', 30_000);
      for (const rec of recs.values()) await rec.next((e) => e.type === 'state' && e.state.status === 'live', 'live', 30_000);
      await tape.next((e) => e.type === 'trades' && e.trades.length > 0, 'a first trade on the tape', 30_000);
      emu.setTradesPerSecond(0);
      const price = emu.trades(symbol).at(-1)!.price;
      const tapeAt = tape.events.length;
      const at = [...recs.values()].map((rec) => rec.events.length);

      // The reader away: its read of a trade stamped ahead of the clock waits on the clock's measure, held.
      const client = (await rig.registry.get(exchange)) as CcxtMarketDataClient;
      const ex = await (client as unknown as { exchange(): Promise<ProExchange> }).exchange();
      const releaseTime = emu.holdRest(clockPath);
      assert.ok(emu.sendMalformed('future-trade', undefined, symbol) > 0, 'the future trade sent');
      await emu.waitForStats((s) => s.restHeld === 1, 30_000).catch((error: unknown) => {
        throw new Error(`the clock's measure not asked: ${String(error)}${context()}`);
      });
      // The socket dropped while no watch waits; ccxt has seen it close before anything else happens.
      const closed = closedForCcxt(ex);
      assert.ok(emu.dropConnections() > 0, 'a socket to drop');
      await closed;
      // More trades than a new subscription's snapshot carries, on no socket.
      const between = await emu.playPath(symbol, Array.from({ length: 60 }, (_, i) => price + (i % 7) - 3), { intervalMs: 0 });
      releaseTime();

      for (const [i, rec] of [...recs.values()].entries()) {
        const reconnectedLive = () => statuses(rec.events, at[i]!).join(',').includes('reconnecting,live');
        await rec.next(reconnectedLive, 'reconnecting, then live', 60_000).catch((error: unknown) => {
          throw new Error(`${String(error)}\nstates ${statuses(rec.events, at[i]!).join(' → ')}${context()}`);
        });
      }
      // The new socket's first trades end the hole; then every trade made since the reader went away is on the tape.
      await emu.playPath(symbol, [price + 4, price + 5], { intervalMs: 0 });
      const want = emu
        .trades(symbol)
        .filter((t) => t.timestamp >= between[0]!.timestamp)
        .map((t) => emu.wireTradeId(symbol, t));
      const got = (): string[] => tape.events.slice(tapeAt).flatMap((e) => (e.type === 'trades' ? e.trades.map((t) => t.id) : []));
      const missing = (): string[] => {
        const seen = new Set(got());
        return want.filter((id) => !seen.has(id));
      };
      await tape.next(() => missing().length === 0, 'every trade on the tape', 60_000).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${missing().length} of ${want.length} trades never reached the tape: ${missing().join(' ')}${context()}`);
      });
      assert.equal(got().length, new Set(got()).size, 'no trade twice on the tape');
      // Whole before the closing trade (stamped at the next 5m bar, ahead of the clock): a seam check's backfill still
      // running would find that bar's klines behind it.
      for (const [tf, rec] of recs) {
        const whole = (): boolean => {
          const truth = new Map(referenceCandles(emu.trades(symbol), tf).map((c) => [c.time, JSON.stringify(roundCandle(c))]));
          return rec.candles.length > 0 && rec.candles.every((c) => !c.partial && truth.get(c.time) === JSON.stringify(roundCandle(c)));
        };
        await rec.next(whole, `${tf}: every bar whole and true`, 60_000).catch((error: unknown) => {
          throw new Error(`${String(error)}${context()}`);
        });
      }
      await expectEveryBarTrue(rig, symbol, recs, '5m', context);
      tapeSub.dispose();
      for (const sub of subs) sub.dispose();
    });
  }
});
