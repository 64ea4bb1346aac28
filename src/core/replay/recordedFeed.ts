/** The recorded events of a replay in time order, each kind on its own cursor (a day of the recording held at a time). */
import type { RecordedDay } from '../record/recordReader';
import type { BookRow, TickerRow } from '../record/recordTypes';
import type { Trade } from '../types';
import { TradeColumns } from '../record/tradeColumns';

/** What a release hands on, kind by kind, each in recorded order. */
export interface RecordedSink {
  /** Trades in order, a run of a day at a time. */
  trades(trades: Trade[]): void;
  book(row: BookRow): void;
  ticker(row: TickerRow): void;
}

const EMPTY: RecordedDay = { trades: TradeColumns.EMPTY, book: [], tickers: [] };

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

  /** The time of the last event in the day held. */
  heldLastTime(): number | undefined {
    const { trades } = this.day;
    const last = Math.max(trades.length > 0 ? trades.timeAt(trades.length - 1) : -Infinity, this.day.book.at(-1)?.ts ?? -Infinity, this.day.tickers.at(-1)?.ts ?? -Infinity);
    return last === -Infinity ? undefined : last;
  }

  /**
   * Takes every event at or before `ts`, kind by kind (each in order; the kinds go to separate outputs, so their
   * interleaving within one release does not matter), awaiting only between days.
   */
  async takeThrough(ts: number, sink: RecordedSink): Promise<void> {
    for (;;) {
      const { trades, book, tickers } = this.day;
      let i = this.trade;
      while (i < trades.length && trades.timeAt(i) <= ts) i++;
      if (i > this.trade) sink.trades(trades.trades(this.trade, i));
      this.trade = i;
      for (let row = book[this.book]; row !== undefined && row.ts <= ts; row = book[++this.book]) sink.book(row);
      for (let row = tickers[this.ticker]; row !== undefined && row.ts <= ts; row = tickers[++this.ticker]) sink.ticker(row);
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
    for (let i = this.book; i < book.length && out.length < limit; i++) if ((book[i] as BookRow).amount > 0) out.push((book[i] as BookRow).price);
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
    const b = this.day.book[this.book]?.ts;
    const k = this.day.tickers[this.ticker]?.ts;
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
