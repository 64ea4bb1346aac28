/**
 * Two legs (binance BTC/USDT spot, okx BTC/USDT:USDT perp of 0.01 BTC a contract) on a fake hub the test drives:
 * it pushes each leg's stream events, and a leg's REST fill answers only when the test gives its trades, so a
 * reconnect's hole can be filled after the merged stream has passed it.
 */
import type { AggregateDefinition } from '../../src/core/aggregate/aggregateDefinition';
import type { AggregateSource } from '../../src/core/aggregate/aggregateMarket';
import { SharedAggregates } from '../../src/core/aggregate/sharedAggregates';
import type { AggregateMarketsHub } from '../../src/core/alerts/aggregateAlertHub';
import type { MarketInfo } from '../../src/core/exchange/marketDataClient';
import type { TradesSince } from '../../src/core/history/seamTrades';
import type { HubEvent, TradesEvent } from '../../src/core/hub/requests';
import type { Trade } from '../../src/core/types';

const MARKETS: Record<string, MarketInfo[]> = {
  binance: [{ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.01 }],
  okx: [{ symbol: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.1, contract: { segment: 'perp', settlement: 'linear', contractSize: 0.01 } }],
};

export const HOLE_DEF: AggregateDefinition = { name: 'agg', legs: [{ exchange: 'binance', symbol: 'BTC/USDT' }, { exchange: 'okx', symbol: 'BTC/USDT:USDT' }], price: { kind: 'vwap' }, usdtIsUsd: false };

export interface HoleLegs extends AggregateMarketsHub {
  push(exchange: string, e: TradesEvent): void;
  /** The leg's next REST fill waits: resolves with the time it asks from, and `answer` gives its trades. */
  holdFill(exchange: string): { readonly asked: Promise<number>; answer(trades: Trade[]): void };
  /** Open stream subscriptions, as "exchange×n". */
  open(): string[];
}

/** The two legs on a hub the test drives: it pushes each leg's stream events; `tradesSince` answers their REST fills. */
export function legsOnFakeHub(tradesSince: AggregateSource['tradesSince']): AggregateMarketsHub & Pick<HoleLegs, 'push' | 'open'> {
  const consumers = new Map<string, Set<(e: HubEvent) => void>>();
  const subscribe = (req: { exchange: string }, consumer: (e: HubEvent) => void) => {
    const set = consumers.get(req.exchange) ?? new Set();
    consumers.set(req.exchange, set.add(consumer));
    return { ready: Promise.resolve(), dispose: () => void set.delete(consumer) };
  };
  const source: AggregateSource = {
    markets: (exchange) => Promise.resolve(MARKETS[exchange] ?? []),
    subscribe: (req, consumer) => subscribe(req, consumer as (e: HubEvent) => void),
    tradesSince,
  };
  const shared = new SharedAggregates(source);
  return {
    ...source,
    subscribe: (req: { exchange: string }, consumer: (e: never) => void) => subscribe(req, consumer as (e: HubEvent) => void),
    candlesBetween: () => Promise.resolve([]),
    subscribeAggregate: (def, tf, consumer) => shared.subscribe(def, tf, consumer),
    push: (exchange, e) => consumers.get(exchange)?.forEach((c) => c(e)),
    open: () => [...consumers].filter(([, s]) => s.size > 0).map(([k, s]) => `${k}×${s.size}`),
  };
}

export function holeLegs(): HoleLegs {
  const held = new Map<string, (from: number) => Promise<TradesSince>>();
  return {
    ...legsOnFakeHub((market, from) => {
      const fill = held.get(market.exchange);
      held.delete(market.exchange);
      return fill ? fill(from) : Promise.resolve({ trades: [], complete: true });
    }),
    holdFill: (exchange) => {
      let answer: (trades: Trade[]) => void = () => undefined;
      const asked = new Promise<number>((resolve) =>
        held.set(exchange, (from) => {
          resolve(from);
          return new Promise<TradesSince>((r) => (answer = (trades) => r({ trades, complete: true })));
        }),
      );
      return { asked, answer: (trades) => answer(trades) };
    },
  };
}

/** Lets pending promise callbacks and immediates run. */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
