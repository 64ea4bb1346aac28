/** A day of recorded tickers held as columns (a missing bid, ask or change is NaN: the reader never keeps a NaN value). */
import type { Ticker } from '../types';
import type { TickerRow } from './recordTypes';
import { gathered, stableOrder } from './columnOrder';

export class TickerColumns {
  constructor(
    readonly ts: Float64Array,
    readonly last: Float64Array,
    /** NaN where none was recorded. */
    readonly bid: Float64Array,
    readonly ask: Float64Array,
    readonly change24hPercent: Float64Array,
    readonly length: number = ts.length,
  ) {}

  static readonly EMPTY = new TickerColumns(new Float64Array(0), new Float64Array(0), new Float64Array(0), new Float64Array(0), new Float64Array(0));

  /** From rows already decoded one by one (a server's answer, tests). */
  static of(rows: readonly TickerRow[]): TickerColumns {
    const n = rows.length;
    const c = new TickerColumns(new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n));
    rows.forEach((r, i) => {
      c.ts[i] = r.ts;
      c.last[i] = r.last;
      c.bid[i] = r.bid ?? Number.NaN;
      c.ask[i] = r.ask ?? Number.NaN;
      c.change24hPercent[i] = r.change24hPercent ?? Number.NaN;
    });
    return c;
  }

  static concat(parts: readonly TickerColumns[]): TickerColumns {
    if (parts.length === 1 && parts[0]) return parts[0];
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new TickerColumns(new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n));
    let at = 0;
    for (const p of parts) {
      for (const k of COLUMNS) out[k].set(p[k].subarray(0, p.length), at);
      at += p.length;
    }
    return out;
  }

  rowAt(i: number): TickerRow {
    return { ts: this.ts[i] as number, last: this.last[i] as number, bid: orNull(this.bid[i]), ask: orNull(this.ask[i]), change24hPercent: orNull(this.change24hPercent[i]) };
  }

  /** The i-th as the engine's ticker. */
  tickerAt(i: number): Ticker {
    return { timestamp: this.ts[i] as number, last: this.last[i] as number, bid: orUndefined(this.bid[i]), ask: orUndefined(this.ask[i]), change24hPercent: orUndefined(this.change24hPercent[i]) };
  }

  rows(): TickerRow[] {
    const out: TickerRow[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.rowAt(i));
    return out;
  }

  within(from: number, until: number): TickerColumns {
    const keep: number[] = [];
    for (let i = 0; i < this.length; i++) {
      const t = this.ts[i] as number;
      if (t >= from && t < until) keep.push(i);
    }
    return keep.length === this.length ? this : this.picked(keep);
  }

  /** In time order, the recorded order kept at one millisecond; sorted only when it is not. */
  inRecordedOrder(): TickerColumns {
    const ts = this.ts;
    for (let i = 1; i < this.length; i++) if ((ts[i] as number) < (ts[i - 1] as number)) return this.picked(stableOrder(this.length, (a, b) => (ts[a] as number) - (ts[b] as number)));
    return this;
  }

  private picked(order: readonly number[]): TickerColumns {
    return new TickerColumns(gathered(this.ts, order), gathered(this.last, order), gathered(this.bid, order), gathered(this.ask, order), gathered(this.change24hPercent, order));
  }
}

const COLUMNS = ['ts', 'last', 'bid', 'ask', 'change24hPercent'] as const;

const orNull = (v: number | undefined): number | null => (v === undefined || Number.isNaN(v) ? null : v);
const orUndefined = (v: number | undefined): number | undefined => (v === undefined || Number.isNaN(v) ? undefined : v);
