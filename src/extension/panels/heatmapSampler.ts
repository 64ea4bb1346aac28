/** Samples a market's order book at a fixed interval into heatmap columns, with the trades between samples merged per price. No vscode import. */
import type { OrderBook, Trade } from '../../core/types';
import type { HeatmapColumnWire } from '../../shared/protocol';
import { HeatmapBuffer } from './heatmapBuffer';

export interface HeatmapSamplerOptions {
  readonly sampleMs: number;
  /** Levels per side kept in a column (the book may hold fewer). */
  readonly levels: number;
  /** How much history is kept, in minutes: the buffer holds minutes × 60,000 / sampleMs columns. */
  readonly minutes: number;
  readonly now?: () => number;
}

/** The columns a buffer of `minutes` at one sample per `sampleMs` holds. */
export const columnsFor = (minutes: number, sampleMs: number): number => Math.max(1, Math.ceil((minutes * 60_000) / sampleMs));

/**
 * Holds the newest book (only while its stream is live: a dropped stream leaves a gap, never a stale copy) and the
 * trades since the last sample; `sample()` turns them into one column, stores it and hands it on. O(levels) per
 * sample, O(1) per trade.
 */
export class HeatmapSampler {
  readonly buffer: HeatmapBuffer;
  private book: OrderBook | undefined;
  /** price → [buy, sell] since the last sample. */
  private trades = new Map<number, [number, number]>();
  private readonly now: () => number;

  constructor(
    readonly options: HeatmapSamplerOptions,
    private readonly onColumn: (column: HeatmapColumnWire) => void,
  ) {
    this.buffer = new HeatmapBuffer(columnsFor(options.minutes, options.sampleMs));
    this.now = options.now ?? Date.now;
  }

  onBook(book: OrderBook): void {
    this.book = book;
  }

  /** The book stream is not live: sample nothing until a fresh book arrives. */
  bookLost(): void {
    this.book = undefined;
  }

  onTrades(trades: readonly Trade[]): void {
    for (const t of trades) {
      const at = this.trades.get(t.price);
      if (at) at[t.side === 'buy' ? 0 : 1] += t.amount;
      else this.trades.set(t.price, t.side === 'buy' ? [t.amount, 0] : [0, t.amount]);
    }
  }

  /** Forgets every column and the trades since the last sample (a replay went back in time); the next book starts afresh. */
  clear(): void {
    this.buffer.clear();
    this.book = undefined;
    this.trades = new Map();
  }

  /** Takes one sample (nothing without a live book; the trades wait for the next one). */
  sample(): HeatmapColumnWire | undefined {
    const book = this.book;
    if (!book) return undefined;
    const n = this.options.levels;
    const trades: number[] = [];
    for (const [price, [buy, sell]] of this.trades) trades.push(price, buy, sell);
    this.trades = new Map();
    const column: HeatmapColumnWire = [this.now(), flat(book.bids, n), flat(book.asks, n), trades];
    this.buffer.push(column);
    this.onColumn(column);
    return column;
  }

  /** Samples every `sampleMs` until disposed. */
  start(): { dispose(): void } {
    const timer = setInterval(() => this.sample(), this.options.sampleMs);
    return { dispose: () => clearInterval(timer) };
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
