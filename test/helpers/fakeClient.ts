import { buildableTimeframes, type ExchangeCapabilities } from '../../src/core/exchange/capabilities';
import type { MarketDataClient, MarketInfo } from '../../src/core/exchange/marketDataClient';
import type { StreamKind } from '../../src/core/keys';
import { TIMEFRAMES, type Timeframe } from '../../src/core/timeframes';
import type { Candle, Liquidation, MarketTicker, OrderBook, Ticker, Trade } from '../../src/core/types';
import { referenceCandles } from './referenceCandles';

type Waiter<T> = { resolve: (v: T) => void; reject: (e: unknown) => void };

/**
 * An in-memory exchange behind our own MarketDataClient interface (not a ccxt mock): REST answers come from a
 * trade log, and each stream hands out what the test pushes. Used for unit tests of the hub's bookkeeping;
 * integration tests use real ccxt against the emulator.
 */
export class FakeClient implements MarketDataClient {
  /** Tests may narrow it (how trades page, which klines are served) to exercise each history strategy. */
  caps: ExchangeCapabilities = { klineTimeframes: TIMEFRAMES.filter((t) => t !== '1s'), maxCandlesPerPage: 50, candlePagesAreWindows: false, tradePaging: 'forward', maxTradesPerPage: 20, watchTickers: true, klineLagMinutes: 0, tradeWindowMs: undefined, historyStart: 0 };
  readonly log: Trade[] = [];
  readonly calls: string[] = [];
  readonly stopped: string[] = [];
  private readonly waiters = new Map<string, Waiter<unknown>[]>();
  private readonly queued = new Map<string, unknown[]>();
  readonly watching = new Set<string>();
  /** Pushes to a stopped stream are dropped, like a socket that is gone; anything else queues until the next watch. */
  private readonly stoppedKinds = new Set<string>();
  restDelay: Promise<void> | undefined;

  constructor(
    readonly exchangeId = 'fake',
    readonly symbols: readonly string[] = ['BTC/USDT', 'ETH/USDT'],
  ) {}

  async loadMarkets(): Promise<readonly MarketInfo[]> {
    return this.symbols.map((symbol) => {
      const [base = '', quote = ''] = symbol.split('/');
      return { symbol, base, quote, active: true, tickSize: 0.01 };
    });
  }

  async capabilities(): Promise<ExchangeCapabilities> {
    return this.caps;
  }

  async supportedTimeframes(): Promise<readonly Timeframe[]> {
    return buildableTimeframes(this.caps.klineTimeframes);
  }

  async fetchCandles(symbol: string, timeframe: Timeframe, since: number, limit: number): Promise<Candle[]> {
    this.calls.push(`candles ${symbol} ${timeframe}`);
    await this.restDelay;
    return referenceCandles(this.log, timeframe).filter((c) => c.time >= since).slice(0, limit);
  }

  /** As the capabilities say: forward from `since`, the newest within [since, until], or the newest. */
  async fetchTrades(symbol: string, since: number | undefined, limit: number, until?: number): Promise<Trade[]> {
    this.calls.push(`trades ${symbol}`);
    await this.restDelay;
    // Forward paging (Binance aggTrades' startTime, and endTime within its window): the oldest from `since` on.
    if (since !== undefined && (until === undefined || this.caps.tradePaging === 'forward')) return this.log.filter((t) => t.timestamp >= since && (until === undefined || t.timestamp <= until)).slice(0, limit);
    return this.log.filter((t) => (since === undefined || t.timestamp >= since) && (until === undefined || t.timestamp <= until)).slice(-limit);
  }

  /** A trade happens at the exchange: logged, and delivered to the trade stream if one is open. */
  trade(t: Trade, deliver = true): void {
    this.log.push(t);
    if (deliver) this.push('trades', [t]);
  }

  push(kind: StreamKind, value: unknown): void {
    const ws = this.waiters.get(kind);
    const w = ws?.shift();
    if (w) w.resolve(kind === 'trades' && Array.isArray(value) ? [...value] : value);
    else if (!this.stoppedKinds.has(kind)) {
      const q = this.queued.get(kind) ?? [];
      if (kind === 'trades' && q.length > 0 && Array.isArray(value)) (q[q.length - 1] as unknown[]).push(...value);
      else q.push(kind === 'trades' && Array.isArray(value) ? [...value] : value);
      this.queued.set(kind, q);
    }
  }

  /** Makes the pending watch of `kind` fail, as a dropped connection does. */
  fail(kind: StreamKind, err: unknown): void {
    for (const w of this.waiters.get(kind) ?? []) w.reject(err);
    this.waiters.set(kind, []);
  }

  watchTrades(): Promise<Trade[]> {
    return this.next<Trade[]>('trades');
  }

  watchOrderBook(): Promise<OrderBook> {
    return this.next<OrderBook>('orderbook');
  }

  watchTicker(): Promise<Ticker> {
    return this.next<Ticker>('ticker');
  }

  watchTickers(): Promise<MarketTicker[]> {
    return this.next<MarketTicker[]>('tickers');
  }

  watchLiquidations(): Promise<Liquidation[]> {
    return this.next<Liquidation[]>('liquidations');
  }

  async stopWatching(kind: StreamKind, symbol: string): Promise<void> {
    this.stopped.push(`${kind} ${symbol}`);
    this.watching.delete(kind);
    this.stoppedKinds.add(kind);
    this.queued.delete(kind);
    this.fail(kind, Object.assign(new Error('unsubscribed'), { name: 'UnsubscribeError' }));
  }

  async close(): Promise<void> {}

  private next<T>(kind: StreamKind): Promise<T> {
    this.watching.add(kind);
    this.stoppedKinds.delete(kind);
    const q = this.queued.get(kind);
    if (q && q.length > 0) return Promise.resolve(q.shift() as T);
    return new Promise<T>((resolve, reject) => {
      const list = this.waiters.get(kind) ?? [];
      list.push({ resolve: resolve as (v: unknown) => void, reject });
      this.waiters.set(kind, list);
    });
  }
}

export function fakeLookup(client: FakeClient) {
  return {
    ids: () => [client.exchangeId],
    has: (id: string) => id === client.exchangeId,
    get: async () => client,
  };
}

/** Resolves on the first event matching `predicate`, or rejects after `ms` naming what it waited for. */
export function waitForEvent<E>(subscribe: (cb: (e: E) => void) => void, predicate: (e: E) => boolean, what: string, ms = 5000): Promise<E> {
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    subscribe((e) => {
      if (done || !predicate(e)) return;
      done = true;
      clearTimeout(timer);
      resolve(e);
    });
  });
}
