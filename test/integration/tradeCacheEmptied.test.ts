/**
 * ccxt keeps the newest 1,000 trades of a market and, once full, shifts them all for every trade it appends and
 * copies them all into every read. The client empties that cache after each read it takes: the trades still arrive
 * exactly once and in order, over more trades than the cache holds, on every exchange (real ccxt, emulators).
 */
import * as assert from 'node:assert/strict';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { ExchangeId } from '../../src/emulator';
import { TRADE_CACHE_SIZE } from '../../src/core/exchange/ccxtClient';
import { Recorder, Rig } from '../helpers/emulatorHub';

type TradesReq = Extract<SubscriptionRequest, { kind: 'trades' }>;

const MARKETS: ReadonlyArray<{ exchange: ExchangeId; symbol: string }> = [
  { exchange: 'binance', symbol: 'BTC/USDT' },
  { exchange: 'coinbase', symbol: 'BTC/USD' },
  { exchange: 'bybit', symbol: 'BTC/USDT:USDT' },
];
const BATCHES = 15;
const PER_BATCH = 100;

/** The length of ccxt's trade cache of a market, read from the client's exchange: what this test is about. */
async function ccxtCacheLength(rig: Rig<ExchangeId>, exchange: ExchangeId, symbol: string): Promise<number> {
  const client = await rig.registry.get(exchange);
  const ex = (client as unknown as { loaded?: { trades?: Record<string, unknown[]> } }).loaded;
  const cache = ex?.trades?.[symbol];
  assert.ok(Array.isArray(cache), `ccxt holds a trade cache for ${symbol}`);
  return cache.length;
}

/**
 * One trade at a time until one arrives: the stream is subscribed (a trade made before goes to no one). Returns the
 * market's last trade before the probes and the next free timestamp.
 */
async function streamSubscribed(rig: Rig<ExchangeId>, symbol: string, tape: Recorder<TradesReq>): Promise<{ last: { price: number; timestamp: number }; next: number }> {
  const last = rig.emulator.trades(symbol).at(-1)!;
  for (let ts = Math.max(last.timestamp + 1, Date.now() - 60_000); ; ) {
    const [probe] = rig.emulator.injectTrades(symbol, [{ price: last.price, amount: 0.01, side: 'buy', timestamp: ts++ }]);
    const wire = rig.emulator.wireTradeId(symbol, probe!);
    if (await tape.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === wire), 'the probe', 500).then(() => true, () => false)) return { last, next: ts };
  }
}

describe("ccxt's trade cache is emptied after each read (real ccxt, emulators)", function () {
  this.timeout(60_000);
  let rig: Rig<ExchangeId> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });
  /** A rig with no trades of its own, a trades subscription on its hub, and the stream subscribed. */
  const open = async (exchange: ExchangeId, symbol: string) => {
    const started = await Rig.start({ exchange, tradesPerSecond: 0 });
    rig = started;
    const tape = new Recorder<TradesReq>();
    const sub = started.hub.subscribe({ kind: 'trades', exchange, symbol }, tape.consume);
    return { emu: started, tape, sub, ...(await streamSubscribed(started, symbol, tape)) };
  };

  for (const { exchange, symbol } of MARKETS) {
    it(`${exchange}: ${BATCHES * PER_BATCH} trades, more than ccxt's default cache keeps, arrive once each and in order; the cache holds none once they are read`, async () => {
      const { emu, tape, sub, last, next } = await open(exchange, symbol);
      try {
        let ts = next;
        const wires: string[] = [];
        for (let b = 0; b < BATCHES; b++) {
          const made = emu.emulator.injectTrades(symbol, Array.from({ length: PER_BATCH }, (_, i) => ({ price: last.price + (i % 5), amount: 0.01, side: i % 2 === 0 ? ('buy' as const) : ('sell' as const), timestamp: ts++ })));
          const lastWire = emu.emulator.wireTradeId(symbol, made.at(-1)!);
          for (const t of made) wires.push(emu.emulator.wireTradeId(symbol, t));
          await tape.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === lastWire), `batch ${b + 1}`, 20_000);
        }
        const received = tape.events.flatMap((e) => (e.type === 'trades' ? e.trades.map((t) => t.id) : []));
        const injected = new Set(wires);
        const ours = received.filter((id) => injected.has(id));
        assert.equal(ours.length, wires.length, `every injected trade once: ${ours.length} of ${wires.length} received`);
        assert.deepEqual(ours, wires, 'every injected trade once, in the order made');
        assert.ok(!tape.events.some((e) => e.type === 'state' && e.state.status === 'reconnecting'), 'no overflow, no reconnect');
        assert.equal(await ccxtCacheLength(emu, exchange, symbol), 0, "ccxt's cache is empty once its trades were read");
      } finally {
        sub.dispose();
      }
    });

    it(`${exchange}: an update of 2,500 trades (ccxt's default cache keeps 1,000) is read whole, without a gap, with the cache the client sets (${TRADE_CACHE_SIZE})`, async () => {
      const { emu, tape, sub, last, next } = await open(exchange, symbol);
      try {
        let ts = next;
        const burst = emu.emulator.injectTrades(symbol, Array.from({ length: 2500 }, (_, i) => ({ price: last.price + (i % 7), amount: 0.001, side: i % 3 === 0 ? ('sell' as const) : ('buy' as const), timestamp: ts++ })));
        const wires = burst.map((t) => emu.emulator.wireTradeId(symbol, t));
        await tape.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === wires.at(-1)), 'the end of the burst', 20_000);
        const injected = new Set(wires);
        const ours = tape.events.flatMap((e) => (e.type === 'trades' ? e.trades.map((t) => t.id) : [])).filter((id) => injected.has(id));
        assert.deepEqual(ours, wires, 'every trade of the update once, in order');
        assert.ok(!tape.events.some((e) => e.type === 'state' && e.state.status === 'reconnecting'), 'no overflow named: nothing was dropped');
        assert.equal(await ccxtCacheLength(emu, exchange, symbol), 0);
      } finally {
        sub.dispose();
      }
    });
  }
});
