/** A run of recorded trades held as columns; the engine's Trade objects are made only for the trades being released. */
import type { Trade, TradeSide } from '../types';
import type { TradeRow } from './recordTypes';

/** A trade's id by its index: strings as read, or built from a numeric id column when a trade is released. */
/** The side codes of `TradeColumns.side`. */
export const SIDES: readonly TradeSide[] = ['buy', 'sell'];

export type TradeIds = ArrayLike<string> | { readonly numeric: Float64Array };

/**
 * A day of a market holds millions of trades: as objects they outlive many young-generation collections and are
 * copied into the old one (most of a replay's garbage-collection time). As columns they are a few typed arrays,
 * and each release makes short-lived objects for its own trades only. In time order (the reader sorts).
 */
export class TradeColumns implements Iterable<Trade> {
  constructor(
    readonly timestamp: Float64Array,
    private readonly ids: TradeIds,
    readonly price: Float64Array,
    readonly amount: Float64Array,
    /** 0 buy, 1 sell (SIDES). */
    readonly side: Uint8Array,
    readonly length: number = timestamp.length,
  ) {}

  static readonly EMPTY = new TradeColumns(new Float64Array(0), [], new Float64Array(0), new Float64Array(0), new Uint8Array(0));

  /** From rows already decoded one by one (a server's answer). */
  static of(trades: ReadonlyArray<Pick<TradeRow, 'ts' | 'id' | 'price' | 'amount' | 'side'>>): TradeColumns {
    const n = trades.length;
    const ts = new Float64Array(n);
    const price = new Float64Array(n);
    const amount = new Float64Array(n);
    const ids: string[] = [];
    const side = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const t = trades[i] as TradeRow;
      ts[i] = t.ts;
      ids.push(t.id);
      price[i] = t.price;
      amount[i] = t.amount;
      side[i] = t.side === 'buy' ? 0 : 1;
    }
    return new TradeColumns(ts, ids, price, amount, side);
  }

  /** The runs one after another (parts of a partition, in the order given). */
  static concat(parts: readonly TradeColumns[]): TradeColumns {
    if (parts.length === 1 && parts[0]) return parts[0];
    let n = 0;
    for (const p of parts) n += p.length;
    const ts = new Float64Array(n);
    const price = new Float64Array(n);
    const amount = new Float64Array(n);
    const side = new Uint8Array(n);
    const numeric = parts.every((p) => 'numeric' in p.ids);
    const numbers = numeric ? new Float64Array(n) : undefined;
    const texts: string[] | undefined = numeric ? undefined : []; // grown, not pre-sized: a large holey array is a slow dictionary
    let at = 0;
    for (const p of parts) {
      ts.set(p.timestamp.subarray(0, p.length), at);
      price.set(p.price.subarray(0, p.length), at);
      amount.set(p.amount.subarray(0, p.length), at);
      side.set(p.side.subarray(0, p.length), at);
      const pid = p.ids;
      if (numbers && 'numeric' in pid) numbers.set(pid.numeric.subarray(0, p.length), at);
      else if (texts) for (let i = 0; i < p.length; i++) texts.push(p.idAt(i));
      at += p.length;
    }
    return new TradeColumns(ts, numbers ? { numeric: numbers } : (texts as string[]), price, amount, side);
  }

  /** The i-th trade's time (epoch ms). */
  timeAt(i: number): number {
    return this.timestamp[i] as number;
  }

  idAt(i: number): string {
    const ids = this.ids;
    return 'numeric' in ids ? String(ids.numeric[i]) : (ids[i] as string);
  }

  /** The engine's trades [from, to): one object each, made now. */
  trades(from: number, to: number): Trade[] {
    const end = Math.min(to, this.length);
    const out: Trade[] = [];
    const { timestamp, price, amount, side, ids } = this;
    if ('numeric' in ids) {
      const numeric = ids.numeric;
      for (let i = from; i < end; i++) out.push({ id: String(numeric[i]), timestamp: timestamp[i] as number, price: price[i] as number, amount: amount[i] as number, side: SIDES[side[i] as number] as TradeSide });
    } else {
      for (let i = from; i < end; i++) out.push({ id: ids[i] as string, timestamp: timestamp[i] as number, price: price[i] as number, amount: amount[i] as number, side: SIDES[side[i] as number] as TradeSide });
    }
    return out;
  }

  /** The trades with a time in [from, until), in their order. */
  within(from: number, until: number): TradeColumns {
    const keep: Array<readonly [TradeColumns, number]> = [];
    for (let i = 0; i < this.length; i++) {
      const t = this.timeAt(i);
      if (t >= from && t < until) keep.push([this, i]);
    }
    return keep.length === this.length ? this : TradeColumns.gather(keep);
  }

  inTimeOrder(): boolean {
    const ts = this.timestamp;
    for (let i = 1; i < this.length; i++) if ((ts[i] as number) < (ts[i - 1] as number)) return false;
    return true;
  }

  /** Sorted by time, the recorded order kept at one millisecond (sort is stable). */
  sortedByTime(): TradeColumns {
    if (this.inTimeOrder()) return this;
    const order = [...range(this.length)].sort((a, b) => this.timeAt(a) - this.timeAt(b));
    return TradeColumns.gather(order.map((i) => [this, i] as const));
  }

  *[Symbol.iterator](): Iterator<Trade> {
    const step = 4096;
    for (let i = 0; i < this.length; i += step) yield* this.trades(i, i + step);
  }

  /** New columns from picked trades (rare: a partial file, files out of order). */
  private static gather(picks: ReadonlyArray<readonly [TradeColumns, number]>): TradeColumns {
    const n = picks.length;
    const ts = new Float64Array(n);
    const price = new Float64Array(n);
    const amount = new Float64Array(n);
    const ids: string[] = [];
    const side = new Uint8Array(n);
    picks.forEach(([c, i], k) => {
      ts[k] = c.timeAt(i);
      ids.push(c.idAt(i));
      price[k] = c.price[i] as number;
      amount[k] = c.amount[i] as number;
      side[k] = c.side[i] as number;
    });
    return new TradeColumns(ts, ids, price, amount, side);
  }
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}
