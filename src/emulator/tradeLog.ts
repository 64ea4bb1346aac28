/**
 * Ground-truth trade log of one symbol: ids increase by one, timestamps never decrease (a replayed recording
 * appends Binance aggregate trades instead: recorded ids, trade-id ranges, same-millisecond bursts). Keeps per-block summaries so range statistics (klines, 24h tickers) cost O(range / BLOCK + BLOCK).
 * Memory: roughly 100-150 bytes per trade; once the log exceeds `maxTrades` (default 500,000 per symbol, about
 * 28 hours at 5 trades/s) by 10 %, the oldest whole blocks are discarded.
 */
import { unitsToNumber } from './decimal';
import type { SymbolSpec } from './symbols';
import type { EmulatorSide, EmulatorTrade } from './types';

const BLOCK = 256;

/** Exact statistics of a contiguous run of trades, in integer units. */
export interface RangeStats {
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly open: number;
  readonly close: number;
  readonly high: number;
  readonly low: number;
  /** Sum of amounts, in amount units. */
  readonly volume: number;
  /** Sum of taker-buy amounts, in amount units. */
  readonly buyVolume: number;
  /** Sum of price × amount, in price units × amount units. */
  readonly quote: bigint;
  readonly buyQuote: bigint;
  readonly count: number;
}

/** A recorded aggregate trade in integer units, as `appendRecorded` takes it. */
export interface RecordedUnits {
  readonly id: number;
  readonly firstTradeId: number;
  readonly lastTradeId: number;
  readonly timestamp: number;
  readonly priceUnits: number;
  readonly amountUnits: number;
  readonly side: EmulatorSide;
}

/** Individual trades in the log's entries [from, to): Binance's kline and ticker `count` (trade ids have no gaps). */
export function tradeCount(log: TradeLog, from: number, to: number): number {
  return to > from ? log.lastTradeIdAt(to - 1) - log.firstTradeIdAt(from) + 1 : 0;
}

interface Block {
  high: number;
  low: number;
  volume: number;
  buyVolume: number;
  quote: bigint;
  buyQuote: bigint;
}

export class TradeLog {
  private readonly items: EmulatorTrade[] = [];
  private readonly priceUnits: number[] = [];
  private readonly amountUnits: number[] = [];
  private readonly blocks: Block[] = [];
  /** First / last individual trade id of each aggregate; only recorded logs have them (else both are the id). */
  private tradeIds: { readonly first: number[]; readonly last: number[] } | undefined;
  private nextId: number;
  /** Trades discarded from the front so far: `index + trimmed` names a trade for good, whatever is trimmed later. */
  private trimmedTrades = 0;

  constructor(
    readonly spec: SymbolSpec,
    private readonly maxTrades: number = 500_000,
    firstId = 1,
  ) {
    this.nextId = firstId;
  }

  get length(): number {
    return this.items.length;
  }

  /** Trades discarded from the front so far (see `trim`): an index held across later appends must add it. */
  get trimmed(): number {
    return this.trimmedTrades;
  }

  /** All retained trades, oldest first. Do not mutate. */
  get all(): readonly EmulatorTrade[] {
    return this.items;
  }

  at(index: number): EmulatorTrade {
    const trade = this.items[index];
    if (trade === undefined) throw new RangeError(`trade index ${index} out of range`);
    return trade;
  }

  last(): EmulatorTrade | undefined {
    return this.items[this.items.length - 1];
  }

  lastPriceUnits(): number | undefined {
    return this.priceUnits[this.priceUnits.length - 1];
  }

  priceUnitsAt(index: number): number {
    return this.priceUnits[index] as number;
  }

  amountUnitsAt(index: number): number {
    return this.amountUnits[index] as number;
  }

  /** Appends a trade given in integer units; throws if `timestamp` is before the last one (trades of one millisecond share it). */
  append(timestamp: number, priceUnits: number, amountUnits: number, side: EmulatorSide): EmulatorTrade {
    if (this.tradeIds !== undefined) throw new Error(`${this.spec.symbol}: a recorded trade log only takes recorded trades`);
    const previous = this.last();
    if (previous !== undefined && timestamp < previous.timestamp) {
      throw new Error(`${this.spec.symbol}: trade timestamp ${timestamp} must not be before the last one (${previous.timestamp})`);
    }
    return this.push(this.nextId++, timestamp, priceUnits, amountUnits, side);
  }

  /**
   * Appends a recorded Binance aggregate trade: its own id (greater than the last), its individual trade ids
   * [firstTradeId, lastTradeId], and a timestamp that may equal the last one (trades of one millisecond).
   */
  appendRecorded(trade: RecordedUnits): EmulatorTrade {
    const previous = this.last();
    if (previous !== undefined && this.tradeIds === undefined) throw new Error(`${this.spec.symbol}: recorded trades cannot follow generated ones`);
    if (previous !== undefined && (trade.timestamp < previous.timestamp || trade.id <= previous.id)) {
      throw new Error(`${this.spec.symbol}: recorded trade ${trade.id} at ${trade.timestamp} must follow trade ${previous.id} at ${previous.timestamp}`);
    }
    if (!(Number.isSafeInteger(trade.firstTradeId) && trade.lastTradeId >= trade.firstTradeId)) {
      throw new Error(`${this.spec.symbol}: recorded trade ${trade.id} has a bad trade id range [${trade.firstTradeId}, ${trade.lastTradeId}]`);
    }
    const ids = (this.tradeIds ??= { first: [], last: [] });
    const appended = this.push(trade.id, trade.timestamp, trade.priceUnits, trade.amountUnits, trade.side);
    ids.first.push(trade.firstTradeId);
    ids.last.push(trade.lastTradeId);
    this.nextId = trade.id + 1;
    return appended;
  }

  /** First individual trade id of the (aggregate) trade at `index`. */
  firstTradeIdAt(index: number): number {
    return this.tradeIds === undefined ? this.at(index).id : (this.tradeIds.first[index] as number);
  }

  /** Last individual trade id of the (aggregate) trade at `index`. */
  lastTradeIdAt(index: number): number {
    return this.tradeIds === undefined ? this.at(index).id : (this.tradeIds.last[index] as number);
  }

  private push(id: number, timestamp: number, priceUnits: number, amountUnits: number, side: EmulatorSide): EmulatorTrade {
    if (!Number.isSafeInteger(timestamp)) throw new Error(`trade timestamp must be an integer, got ${timestamp}`);
    if (!(priceUnits > 0) || !(amountUnits > 0)) {
      throw new Error(`${this.spec.symbol}: price and amount must be at least one tick / step`);
    }
    const trade: EmulatorTrade = Object.freeze({
      id,
      timestamp,
      price: unitsToNumber(priceUnits, this.spec.pricePrecision),
      amount: unitsToNumber(amountUnits, this.spec.amountPrecision),
      side,
    });
    const index = this.items.length;
    this.items.push(trade);
    this.priceUnits.push(priceUnits);
    this.amountUnits.push(amountUnits);
    this.addToBlock(index);
    this.trim();
    return trade;
  }

  /** First index in [lo, hi) whose timestamp is >= ts (hi if none). */
  lowerBound(ts: number, lo = 0, hi: number = this.items.length): number {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.items[mid] as EmulatorTrade).timestamp < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose timestamp is > ts (length if none). */
  upperBound(ts: number): number {
    return this.lowerBound(ts + 1);
  }

  /** Index of the first retained trade with id >= `id` (length if none). */
  indexOfId(id: number): number {
    return this.search((i) => (this.items[i] as EmulatorTrade).id < id);
  }

  /** Index of the first retained trade whose individual trade ids reach `tradeId` (length if none). */
  indexOfTradeId(tradeId: number): number {
    return this.search((i) => this.lastTradeIdAt(i) < tradeId);
  }

  /** First index for which `before` is false; `before` must hold for a prefix of the log. */
  private search(before: (index: number) => boolean): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(mid)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Statistics of trades [from, to); `to` > `from`. */
  rangeStats(from: number, to: number): RangeStats {
    if (!(from >= 0 && to <= this.items.length && to > from)) throw new RangeError(`bad trade range [${from}, ${to})`);
    const acc: Block = { high: -Infinity, low: Infinity, volume: 0, buyVolume: 0, quote: 0n, buyQuote: 0n };
    let i = from;
    while (i < to) {
      if (i % BLOCK === 0 && i + BLOCK <= to) {
        const block = this.blocks[i / BLOCK] as Block;
        acc.high = Math.max(acc.high, block.high);
        acc.low = Math.min(acc.low, block.low);
        acc.volume += block.volume;
        acc.buyVolume += block.buyVolume;
        acc.quote += block.quote;
        acc.buyQuote += block.buyQuote;
        i += BLOCK;
      } else {
        this.accumulate(acc, i);
        i++;
      }
    }
    return {
      firstIndex: from,
      lastIndex: to - 1,
      open: this.priceUnits[from] as number,
      close: this.priceUnits[to - 1] as number,
      high: acc.high,
      low: acc.low,
      volume: acc.volume,
      buyVolume: acc.buyVolume,
      quote: acc.quote,
      buyQuote: acc.buyQuote,
      count: to - from,
    };
  }

  private accumulate(acc: Block, index: number): void {
    const price = this.priceUnits[index] as number;
    const amount = this.amountUnits[index] as number;
    const quote = BigInt(price) * BigInt(amount);
    acc.high = Math.max(acc.high, price);
    acc.low = Math.min(acc.low, price);
    acc.volume += amount;
    acc.quote += quote;
    if ((this.items[index] as EmulatorTrade).side === 'buy') {
      acc.buyVolume += amount;
      acc.buyQuote += quote;
    }
  }

  private addToBlock(index: number): void {
    const b = Math.floor(index / BLOCK);
    let block = this.blocks[b];
    if (block === undefined) {
      block = { high: -Infinity, low: Infinity, volume: 0, buyVolume: 0, quote: 0n, buyQuote: 0n };
      this.blocks[b] = block;
    }
    this.accumulate(block, index);
  }

  /** Drops the oldest whole blocks once the log exceeds maxTrades by 10 %. */
  private trim(): void {
    const excess = this.items.length - this.maxTrades;
    if (excess <= Math.max(BLOCK, this.maxTrades / 10)) return;
    const dropBlocks = Math.floor(excess / BLOCK);
    const drop = dropBlocks * BLOCK;
    this.items.splice(0, drop);
    this.priceUnits.splice(0, drop);
    this.amountUnits.splice(0, drop);
    this.tradeIds?.first.splice(0, drop);
    this.tradeIds?.last.splice(0, drop);
    this.blocks.splice(0, dropBlocks);
    this.trimmedTrades += drop;
  }
}
