/** The recorded events of a replay in time order, each kind on its own cursor (a day of the recording held at a time). */
import type { RecordedDay } from '../record/recordReader';
import type { Trade } from '../types';
import { TradeColumns } from '../record/tradeColumns';
import { BookColumns } from '../record/bookColumns';
import { TickerColumns } from '../record/tickerColumns';

/** What a release hands on, kind by kind, each in recorded order, a run of a day at a time. */
export interface RecordedSink {
  trades(trades: Trade[]): void;
  /** The book rows [from, to) of `book`. */
  book(book: BookColumns, from: number, to: number): void;
  /** The tickers [from, to) of `tickers`. */
  tickers(tickers: TickerColumns, from: number, to: number): void;
}

const EMPTY: RecordedDay = { trades: TradeColumns.EMPTY, book: BookColumns.EMPTY, tickers: TickerColumns.EMPTY };

export class RecordedFeed {
  private day: RecordedDay = EMPTY;
  private trade = 0;
  private book = 0;
  private ticker = 0;
  private done = false;

  /** `days`: readRecordedDays, each kind of a day in time order. */
  constructor(private readonly days: AsyncGenerator<RecordedDay>) {}

  /** The time of the next event of any kind; undefined at the end of the recording. */
  async nextTime(): Promise<number | undefined> {
    for (;;) {
      const next = this.heldNext();
      if (next !== undefined || !(await this.nextDay())) return next;
    }
  }

  /** The time of the next trade in the day held; undefined when none is left in it. */
  heldTradeTime(): number | undefined {
    const { trades } = this.day;
    return this.trade < trades.length ? trades.timeAt(this.trade) : undefined;
  }

  /**
   * The `n`-th distinct trade time from the next trade on in the day held (n ≥ 1: a step releases every trade of one
   * time), and how many distinct times that is: fewer than `n` when the day's trades run out first. Undefined when
   * no trade is left in the day. Reads nothing; O(trades passed).
   */
  tradeTimeAhead(n: number): { time: number; steps: number } | undefined {
    const { trades } = this.day;
    if (this.trade >= trades.length) return undefined;
    let time = trades.timeAt(this.trade);
    let steps = 1;
    for (let i = this.trade + 1; i < trades.length && steps < n; i++) {
      const t = trades.timeAt(i);
      if (t === time) continue;
      time = t;
      steps++;
    }
    return { time, steps };
  }

  /** The time of the last event in the day held. */
  heldLastTime(): number | undefined {
    const { trades } = this.day;
    const { book, tickers } = this.day;
    const last = Math.max(trades.length > 0 ? trades.timeAt(trades.length - 1) : -Infinity, book.length > 0 ? (book.ts[book.length - 1] as number) : -Infinity, tickers.length > 0 ? (tickers.ts[tickers.length - 1] as number) : -Infinity);
    return last === -Infinity ? undefined : last;
  }

  /**
   * Takes every event at or before `ts`, kind by kind (each in order; the kinds go to separate outputs, so their
   * interleaving within one release does not matter), awaiting only between days.
   */
  async takeThrough(ts: number, sink: RecordedSink): Promise<void> {
    for (;;) {
      const { trades, book, tickers } = this.day;
      const i = through(trades.timestamp, trades.length, this.trade, ts);
      if (i > this.trade) sink.trades(trades.trades(this.trade, i));
      this.trade = i;
      const b = through(book.ts, book.length, this.book, ts);
      if (b > this.book) sink.book(book, this.book, b);
      this.book = b;
      const k = through(tickers.ts, tickers.length, this.ticker, ts);
      if (k > this.ticker) sink.tickers(tickers, this.ticker, k);
      this.ticker = k;
      // The day is not over (something after `ts` is held), or the next day starts after `ts`.
      if (this.heldNext() !== undefined) return;
      if (!(await this.nextDay())) return;
      if ((this.heldNext() ?? Infinity) > ts) return;
    }
  }

  /** Prices of up to `limit` trades and resting book levels ahead, from the day held (nothing is read or taken). */
  pricesAhead(limit: number): number[] {
    const out: number[] = [];
    const { trades, book } = this.day;
    for (let i = this.trade; i < trades.length && out.length < limit; i++) out.push(trades.price[i] as number);
    for (let i = this.book; i < book.length && out.length < limit; i++) if ((book.amount[i] as number) > 0) out.push(book.price[i] as number);
    return out;
  }

  get ended(): boolean {
    return this.done && this.heldNext() === undefined;
  }

  /** Stops reading (the generator's files are not opened further). */
  async close(): Promise<void> {
    this.done = true;
    this.day = EMPTY;
    await this.days.return(undefined);
  }

  private heldNext(): number | undefined {
    const t = this.heldTradeTime();
    const { book, tickers } = this.day;
    const b = this.book < book.length ? book.ts[this.book] : undefined;
    const k = this.ticker < tickers.length ? tickers.ts[this.ticker] : undefined;
    const next = Math.min(t ?? Infinity, b ?? Infinity, k ?? Infinity);
    return next === Infinity ? undefined : next;
  }

  /** Loads the next day once the one held is used up; false at the end of the recording. */
  private async nextDay(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.days.next();
    if (r.done) {
      this.done = true;
      this.day = EMPTY;
      return false;
    }
    this.day = r.value;
    this.trade = this.book = this.ticker = 0;
    return true;
  }
}

/** The index after the last time at or before `ts`, from `i` on (times in order). */
function through(times: Float64Array, length: number, i: number, ts: number): number {
  while (i < length && (times[i] as number) <= ts) i++;
  return i;
}
