/** Samples a market's order book at a fixed interval of its own clock into heatmap columns, with the trades between samples merged per price. No vscode import. */
import type { OrderBook, Trade } from '../../core/types';
import type { HeatmapColumnWire } from '../../shared/protocol';
import { HeatmapBuffer } from './heatmapBuffer';

/** What a user sets (`tradesuite.heatmap.*`); an open heatmap takes new ones with `reconfigure`. */
export interface HeatmapSampling {
  readonly sampleMs: number;
  /** Levels per side kept in a column (the book may hold fewer). */
  readonly levels: number;
  /** How much history is kept, in minutes: the buffer holds minutes × 60,000 / sampleMs columns. */
  readonly minutes: number;
}

export interface HeatmapSamplerOptions extends HeatmapSampling {
  /** The market's clock (a replay's own time); columns are `sampleMs` apart on it. */
  readonly now?: () => number;
  /** Real time, against which a clock running faster (a replay above 1×) is told apart. */
  readonly realNow?: () => number;
}

/**
 * The most columns one catch-up makes: a replay at 100× passes 100 samples per sampleMs of real time. More than
 * that is a jump of the clock (a seek), where columns of one unchanged book would be filler: sampling starts again.
 */
const MAX_CATCH_UP = 200;

/** The columns a buffer of `minutes` at one sample per `sampleMs` holds. */
export const columnsFor = (minutes: number, sampleMs: number): number => Math.max(1, Math.ceil((minutes * 60_000) / sampleMs));

/**
 * Holds the newest book (only while its stream is live: a dropped stream leaves a gap, never a stale copy) and the
 * trades since the last sample; `sample()` turns them into one column, stores it and hands it on. O(levels) per
 * sample, O(1) per trade. The timer samples on the market's clock: a replay at 10× gets ten columns per 100 ms of
 * real time, 100 ms of its time apart, each with the trades up to its time.
 */
export class HeatmapSampler {
  readonly buffer: HeatmapBuffer;
  private book: OrderBook | undefined;
  /** The trade batches since the last sample, in arrival order, and how far into the first one a sample took. */
  private pending: Array<readonly Trade[]> = [];
  private taken = 0;
  /** Trades taken while there was no book, per price: they go in the next column (held per price, so bounded). */
  private waiting = new Map<number, [number, number]>();
  /** Late trades older than every column held since the last clear (see tradesBeforeColumns). */
  private beforeColumns = 0;
  private readonly now: () => number;
  /** The market and real time of the last catch-up, and whether a book was held then (undefined: start afresh). */
  private last: { readonly at: number; readonly real: number; readonly book: boolean } | undefined;
  private readonly realNow: () => number;

  private sampling: HeatmapSampling;
  /** Columns held that were sampled at a wider interval than now: up to which time, and that interval. */
  private sampledWider: { readonly through: number; readonly sampleMs: number } | undefined;
  /** The running timers' restarts (a new interval). */
  private readonly restarts = new Set<() => void>();

  constructor(
    options: HeatmapSamplerOptions,
    private readonly onColumn: (column: HeatmapColumnWire) => void,
  ) {
    this.sampling = { sampleMs: options.sampleMs, levels: options.levels, minutes: options.minutes };
    this.buffer = new HeatmapBuffer(columnsFor(options.minutes, options.sampleMs));
    this.now = options.now ?? Date.now;
    this.realNow = options.realNow ?? Date.now;
  }

  get options(): HeatmapSampling {
    return this.sampling;
  }

  /**
   * New settings for the samples to come: the columns held stay (the newest that fit the new bound), later ones have
   * the new levels, and a running timer samples at the new interval from now on.
   */
  reconfigure(next: HeatmapSampling): void {
    const before = this.sampling;
    const widest = this.gapSampleMs;
    const newest = this.buffer.newestTime;
    this.sampling = { sampleMs: next.sampleMs, levels: next.levels, minutes: next.minutes };
    this.buffer.resize(columnsFor(next.minutes, next.sampleMs));
    this.sampledWider = newest !== undefined && widest > next.sampleMs ? { through: newest, sampleMs: widest } : undefined;
    if (next.sampleMs !== before.sampleMs) for (const restart of this.restarts) restart();
  }

  /**
   * The interval against which the page tells a gap between neighbouring columns: the widest at which a column held
   * was sampled. After the interval was made finer, the older columns are still as far apart as they were sampled;
   * told against the new one, the page marked every space between them "no data". Once they have left, the new one.
   */
  get gapSampleMs(): number {
    const wider = this.sampledWider;
    const oldest = this.buffer.oldestTime;
    if (wider === undefined || oldest === undefined || oldest > wider.through) return this.sampling.sampleMs;
    return Math.max(wider.sampleMs, this.sampling.sampleMs);
  }

  onBook(book: OrderBook): void {
    this.book = book;
  }

  /** The book stream is not live: sample nothing until a fresh book arrives. */
  bookLost(): void {
    this.book = undefined;
  }

  onTrades(trades: readonly Trade[]): void {
    if (trades.length > 0) this.pending.push(trades);
  }

  /**
   * A reconnect's hole's trades older than every column held (their column has left the buffer): not shown, counted
   * so the page says how many the history it holds cannot show.
   */
  get tradesBeforeColumns(): number {
    return this.beforeColumns;
  }

  /**
   * A reconnect's hole, fetched after the stream moved on (only trades the stream never sent): each into the column of
   * its time; those newer than every column wait for the next with the trades since the last sample; those older than
   * every one are counted (`tradesBeforeColumns`). Returns whether a column held or the count changed (the page is then
   * sent them again).
   */
  onLateTrades(trades: readonly Trade[]): boolean {
    const { newer, older, placed } = this.buffer.addLate(trades);
    for (const t of newer) {
      const at = this.waiting.get(t.price);
      if (at) at[t.side === 'buy' ? 0 : 1] += t.amount;
      else this.waiting.set(t.price, t.side === 'buy' ? [t.amount, 0] : [0, t.amount]);
    }
    this.beforeColumns += older;
    return placed > 0 || older > 0;
  }

  /** Forgets every column and the trades since the last sample (a replay went back in time); the next book starts afresh. */
  clear(): void {
    this.buffer.clear();
    this.sampledWider = undefined;
    this.book = undefined;
    this.pending = [];
    this.taken = 0;
    this.waiting = new Map();
    this.beforeColumns = 0;
    this.last = undefined;
  }

  /** Takes one sample now, with every trade since the last (nothing without a live book; the trades wait for the next one). */
  sample(): HeatmapColumnWire | undefined {
    return this.sampleAt(this.now(), Infinity);
  }

  /**
   * The column(s) due on the market's clock since the last catch-up. Live or at 1×: one, at its now (a late timer
   * never stamps the newest book at an earlier time). On a clock running faster than real time (a replay at 10×):
   * one per `sampleMs` of its time, evenly spaced, the newest at its now, each with the trades up to its time, and
   * only after a catch-up that held a book. A paused replay makes none; a clock that went back or jumped starts again.
   */
  catchUp(): void {
    const now = this.now();
    const real = this.realNow();
    const last = this.last;
    this.last = { at: now, real, book: this.book !== undefined };
    if (last !== undefined && now === last.at) return; // the clock stands still (a paused replay)
    const faster = last !== undefined && now > last.at && now - last.at > 1.5 * Math.max(real - last.real, 0);
    const due = faster ? Math.round((now - last.at) / this.sampling.sampleMs) : 1;
    if (due === 0) return;
    if (!faster || !last.book || due > MAX_CATCH_UP) {
      this.sampleAt(now, Infinity);
      return;
    }
    for (let j = 1; j < due; j++) {
      const time = Math.round(last.at + ((now - last.at) * j) / due);
      this.sampleAt(time, time);
    }
    this.sampleAt(now, Infinity);
  }

  /** Samples on the market's clock (checked every `sampleMs` of real time) until disposed. */
  start(): { dispose(): void } {
    const every = () => setInterval(() => this.catchUp(), this.sampling.sampleMs);
    let timer = every();
    const restart = () => {
      clearInterval(timer);
      timer = every();
    };
    this.restarts.add(restart);
    return {
      dispose: () => {
        clearInterval(timer);
        this.restarts.delete(restart);
      },
    };
  }

  private sampleAt(time: number, tradesThrough: number): HeatmapColumnWire | undefined {
    const book = this.book;
    this.takeTrades(tradesThrough, this.waiting);
    if (!book) return undefined;
    const trades: number[] = [];
    for (const [price, [buy, sell]] of this.waiting) trades.push(price, buy, sell);
    this.waiting = new Map();
    const n = this.sampling.levels;
    const column: HeatmapColumnWire = [time, flat(book.bids, n), flat(book.asks, n), trades];
    this.buffer.push(column);
    this.onColumn(column);
    return column;
  }

  /** The held trades at or before `through` merged per price into `merged` (batches arrive in time order). */
  private takeTrades(through: number, merged: Map<number, [number, number]>): void {
    while (this.pending.length > 0) {
      const batch = this.pending[0] as readonly Trade[];
      let i = this.taken;
      for (; i < batch.length; i++) {
        const t = batch[i] as Trade;
        if (t.timestamp > through) break;
        const at = merged.get(t.price);
        if (at) at[t.side === 'buy' ? 0 : 1] += t.amount;
        else merged.set(t.price, t.side === 'buy' ? [t.amount, 0] : [0, t.amount]);
      }
      if (i < batch.length) {
        this.taken = i;
        break;
      }
      this.pending.shift();
      this.taken = 0;
    }
  }
}

function flat(levels: OrderBook['bids'], n: number): number[] {
  const out: number[] = [];
  const count = Math.min(n, levels.length);
  for (let i = 0; i < count; i++) {
    const level = levels[i];
    if (level) out.push(level[0], level[1]);
  }
  return out;
}
