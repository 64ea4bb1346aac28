/** Everything the emulator knows about one symbol: its spec, trade log, price generator and order book. */
import { toUnits } from './decimal';
import { buildKlines, type KlineQuery, type KlineRow } from './klines';
import { historyTimestamps, MarketGenerator } from './market';
import { OrderBook } from './orderBook';
import type { MarketStatus, SymbolSpec } from './symbols';
import { TradeLog } from './tradeLog';
import type { EmulatorSide, EmulatorTicker, EmulatorTrade, TradeInput } from './types';

const MAX_TICKERS = 100_000;

export interface SymbolMarketOptions {
  readonly seed: number;
  readonly startTime: number;
  readonly historyMinutes: number;
  readonly historyTradesPerMinute: number;
  /** The history trades' amounts are multiplied by this (EmulatorOptions.historyVolumeScale). */
  readonly historyVolumeScale: number;
  readonly bookLevels: number;
  readonly maxTrades: number;
}

/** Where a market's klines come from. */
export interface KlineSource {
  query(query: KlineQuery, now: number): KlineRow[];
}

export class SymbolMarket {
  readonly log: TradeLog;
  readonly book: OrderBook;
  /** Every ticker event sent (the ground truth for bid/ask, spread and derivatives rules); the oldest half goes when full. */
  private tickerLog: EmulatorTicker[] = [];
  private readonly generator: MarketGenerator;
  private klineSource: KlineSource = { query: (query, now) => buildKlines(this.log, query, now) };

  private currentSpec: SymbolSpec;

  constructor(spec: SymbolSpec, opts: SymbolMarketOptions) {
    this.currentSpec = spec;
    this.log = new TradeLog(spec, opts.maxTrades);
    this.generator = new MarketGenerator(spec, opts.seed);
    const times = historyTimestamps(opts.seed, spec.symbol, opts.startTime, opts.historyMinutes, opts.historyTradesPerMinute);
    for (const ts of times) {
      const g = this.generator.next(ts);
      this.log.append(ts, g.priceUnits, Math.round(g.amountUnits * opts.historyVolumeScale), g.side);
    }
    const mid = this.log.lastPriceUnits() ?? this.generator.commonUnitsAt(opts.startTime);
    this.book = new OrderBook(spec, opts.seed, opts.bookLevels, mid);
  }

  get spec(): SymbolSpec {
    return this.currentSpec;
  }

  /** The exchange halts or delists the market now, or lists it as trading again: its trades and book steps follow. */
  setStatus(status: MarketStatus): void {
    this.currentSpec = { ...this.currentSpec, status };
  }

  /** /api/v3/klines as of `now`. */
  klines(query: KlineQuery, now: number): KlineRow[] {
    return this.klineSource.query(query, now);
  }

  /** Answers klines from `source` instead of aggregating the log (a replay serves the official klines). */
  serveKlines(source: KlineSource): void {
    this.klineSource = source;
  }

  /** Appends the next generated trade at max(now, last + 1); returns its log index. */
  generate(now: number): number {
    const ts = this.nextTimestamp(now);
    const g = this.generator.next(ts);
    this.log.append(ts, g.priceUnits, g.amountUnits, g.side);
    return this.log.length - 1;
  }

  /**
   * Validates and appends scripted trades (prices/amounts rounded to tick/step); all or nothing.
   * Returns the log indexes of the appended trades.
   */
  inject(inputs: readonly TradeInput[], now: number): number[] {
    const { pricePrecision: pp, amountPrecision: ap, symbol } = this.spec;
    const prepared: { ts: number; price: number; amount: number; side: EmulatorSide }[] = [];
    let last = this.log.last()?.timestamp ?? -Infinity;
    inputs.forEach((input, i) => {
      const where = `${symbol} trade #${i}`;
      if (typeof input.price !== 'number' || !Number.isFinite(input.price) || input.price <= 0) throw new Error(`${where}: price must be a positive number`);
      if (typeof input.amount !== 'number' || !Number.isFinite(input.amount) || input.amount <= 0) throw new Error(`${where}: amount must be a positive number`);
      if (input.side !== 'buy' && input.side !== 'sell') throw new Error(`${where}: side must be 'buy' or 'sell'`);
      const price = toUnits(input.price, pp);
      const amount = toUnits(input.amount, ap);
      if (price < 1) throw new Error(`${where}: price ${input.price} is below the tick size 1e-${pp}`);
      if (amount < 1) throw new Error(`${where}: amount ${input.amount} is below the lot step 1e-${ap}`);
      let ts: number;
      if (input.timestamp === undefined) {
        ts = Math.max(now, last + 1);
      } else {
        if (!Number.isSafeInteger(input.timestamp)) throw new Error(`${where}: timestamp must be an integer (ms)`);
        // Equal: trades of one millisecond, as a taker order filled against several makers makes them.
        if (input.timestamp < last) throw new Error(`${where}: timestamp ${input.timestamp} must not be before the previous trade's (${last})`);
        ts = input.timestamp;
      }
      prepared.push({ ts, price, amount, side: input.side });
      last = ts;
    });
    for (const p of prepared) {
      this.log.append(p.ts, p.price, p.amount, p.side);
      this.generator.setPrice(p.price);
    }
    // Indexes after the last append: one of them may have trimmed the log's oldest trades, moving every index.
    const end = this.log.length;
    return prepared.map((_, k) => end - prepared.length + k);
  }

  logTicker(ticker: EmulatorTicker): void {
    if (this.tickerLog.length >= MAX_TICKERS) this.tickerLog = this.tickerLog.slice(MAX_TICKERS / 2);
    this.tickerLog.push(ticker);
  }

  /** A copy of the tickers sent with timestamp >= since (all when since is undefined). */
  tickersSince(since: number | undefined): EmulatorTicker[] {
    return since === undefined ? [...this.tickerLog] : this.tickerLog.filter((t) => t.timestamp >= since);
  }

  /** A copy of the trades with timestamp >= since (all when since is undefined). */
  tradesSince(since: number | undefined): EmulatorTrade[] {
    return this.log.all.slice(since === undefined ? 0 : this.log.lowerBound(since));
  }

  private nextTimestamp(now: number): number {
    const last = this.log.last();
    return last === undefined ? now : Math.max(now, last.timestamp + 1);
  }
}
