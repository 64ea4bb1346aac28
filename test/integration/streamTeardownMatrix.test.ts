/**
 * Nothing outlives its last consumer, on every exchange protocol: two markets each hold every stream kind the market
 * has (trades, order book, ticker, a one-market ticker group, liquidations on a perpetual); all of one market's leave
 * at once. The exchange then holds none of that market's topics and all of the other's, which keep flowing; when the
 * other's leave too, no socket is left. Real ccxt against each emulator; topics and sockets read from the emulator.
 * (ccxt alone failed this on Coinbase, whose concurrent unsubscribes it refuses, and for liquidations, which it cannot
 * unsubscribe; Bybit's ticker and one-market group share a topic.)
 */
import * as assert from 'node:assert/strict';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { symbolsKey } from '../../src/core/keys';
import type { ExchangeId } from '../../src/emulator';
import { Rig } from '../helpers/emulatorHub';

interface Case {
  readonly name: string;
  readonly exchange: ExchangeId;
  readonly markets: readonly [string, string];
  /** The markets' ids on the exchange's wire (its topics name them). */
  readonly ids: readonly [string, string];
  readonly perpetual: boolean;
  /** Streams every market's tickers on one subscription (no one-market group). */
  readonly everyMarketTickers: boolean;
  readonly hub?: { exchangeOptions?: Record<string, unknown> };
}

const CASES: readonly Case[] = [
  { name: 'Binance spot', exchange: 'binance', markets: ['BTC/USDT', 'ETH/USDT'], ids: ['btcusdt', 'ethusdt'], perpetual: false, everyMarketTickers: true },
  { name: 'Binance USDⓈ-M', exchange: 'binance', markets: ['BTC/USDT:USDT', 'ETH/USDT:USDT'], ids: ['btcusdt', 'ethusdt'], perpetual: true, everyMarketTickers: true, hub: { exchangeOptions: { fetchMarkets: { types: ['spot', 'linear'] } } } },
  { name: 'Coinbase', exchange: 'coinbase', markets: ['BTC/USD', 'ETH/USD'], ids: ['BTC-USD', 'ETH-USD'], perpetual: false, everyMarketTickers: false },
  { name: 'Bybit perpetual', exchange: 'bybit', markets: ['BTC/USDT:USDT', 'ETH/USDT:USDT'], ids: ['BTCUSDT', 'ETHUSDT'], perpetual: true, everyMarketTickers: false },
];

/** Every stream kind a market of the case has, for one market. */
function requests(c: Case, symbol: string): SubscriptionRequest[] {
  const { exchange } = c;
  return [
    { kind: 'trades', exchange, symbol },
    { kind: 'orderbook', exchange, symbol },
    { kind: 'ticker', exchange, symbol },
    ...(c.everyMarketTickers ? [] : [{ kind: 'tickers', exchange, symbol: symbolsKey([symbol]) } as const]),
    ...(c.perpetual ? [{ kind: 'liquidations', exchange, symbol } as const] : []),
  ];
}

/** A market's topics on the exchange's wire: those naming its id (btcusdt, BTCUSDT, BTC-USD). */
const topicsOf = (subscriptions: Record<string, number>, id: string): string[] =>
  Object.keys(subscriptions)
    .filter((t) => new RegExp(`(^|[^A-Za-z0-9])${id}([^A-Za-z0-9-]|$)`, 'i').test(t))
    .sort();

describe('every stream kind on every exchange ends with its last consumer (real ccxt, emulators)', function () {
  this.timeout(60_000);

  for (const c of CASES) {
    it(`${c.name}: all of one market's streams leaving at once end its topics; the other market's stay and flow; then no socket is left`, async () => {
      const rig = await Rig.start({ exchange: c.exchange, tradesPerSecond: 20, tickerIntervalMs: 100, liquidationsPerTrade: c.perpetual ? 0.2 : 0 }, c.hub ?? {});
      try {
        const [a, b] = c.markets;
        const ids = { a: c.ids[0], b: c.ids[1] };
        const open = (symbol: string) =>
          requests(c, symbol).map((req) => {
            let resolve: () => void = () => undefined;
            const data = new Promise<void>((r) => (resolve = r));
            const sub = rig.hub.subscribe(req, (e) => {
              if (e.type !== 'state' && e.type !== 'error') resolve();
            });
            return { req, sub, data };
          });
        const heldA = open(a);
        const heldB = open(b);
        await Promise.all([...heldA, ...heldB].map((h, i) => Promise.race([h.data, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no data on ${JSON.stringify(h.req)} (${i})`)), 30_000))])));
        const all = rig.emulator.stats();
        const topicsA = topicsOf(all.subscriptions, ids.a);
        assert.ok(topicsOf(all.subscriptions, ids.b).length > 0 && topicsA.length > 0, JSON.stringify(all.subscriptions));

        for (const h of heldB) h.sub.dispose();
        const after = await rig.emulator.waitForStats((s) => topicsOf(s.subscriptions, ids.b).length === 0, 10_000);
        assert.deepEqual(topicsOf(after.subscriptions, ids.a), topicsA, `${a}'s topics untouched`);
        // Each of the other market's streams still flows.
        const flowing = heldA.map((h) => {
          let resolve: () => void = () => undefined;
          const next = new Promise<void>((r) => (resolve = r));
          const probe = rig.hub.subscribe(h.req, (e) => {
            if (e.type !== 'state' && e.type !== 'error') resolve();
          });
          return next.then(() => probe.dispose());
        });
        await Promise.all(flowing);
        assert.ok(!rig.log.lines.some((l) => /unSubscription is pending|UnsubscribeError|did not confirm/.test(l)), rig.log.lines.filter((l) => /unWatch|unsub/i.test(l)).join('\n'));

        for (const h of heldA) h.sub.dispose();
        await rig.emulator.waitForStats((s) => s.openSockets === 0 && Object.keys(s.subscriptions).length === 0, 10_000);
        await rig.hub.whenStreamsIdle();
        assert.deepEqual(rig.hub.activeStreams(), []);
      } finally {
        await rig.close();
      }
    });
  }
});
