/** A chart's pages of older bars (scrolling left): one request in flight, its answer, and the bars kept for resyncs. */
import type { OlderBars } from '../../core/history/historyService';
import { historyTrouble } from '../../core/history/historyTrouble';
import { mergeCandles } from '../../core/history/candleCache';
import type { Candle } from '../../core/types';
import { errorMessage, type Logger } from '../../core/util/log';
import { MAX_OLDER_BARS_ERROR_CHARS, type CandleWire } from '../../shared/protocol';
import { clip } from '../../shared/util/clip';
import { candleWire } from './chartMessages';

export type OlderBarsSource = (before: number, count: number, signal: AbortSignal) => Promise<OlderBars>;

export interface OlderBarsAnswer {
  readonly requestId: number;
  readonly candles: readonly CandleWire[];
  readonly exhausted: boolean;
  readonly cappedAt?: number;
  readonly error?: string;
}

/** Older bars a chart holds at most: past them the answer is `exhausted` (the cache keeps as many per series). */
export const MAX_OLDER_BARS = 50_000;

/**
 * Serves one chart series' `chart/loadOlderBars`. A new request cancels the one in flight (its webview reloaded or
 * moved on; nobody waits for that answer), so a panel never has two; dispose() cancels it too (panel closed,
 * timeframe changed). The bars loaded are kept and put before every snapshot of the series, so a resync or a
 * topped-up snapshot does not take them away from the user.
 */
export class OlderBarsLoader {
  private bars: Candle[] = [];
  private inFlight: AbortController | undefined;

  constructor(
    private readonly source: OlderBarsSource,
    private readonly answer: (a: OlderBarsAnswer) => void,
    private readonly log: Logger,
  ) {}

  get loading(): boolean {
    return this.inFlight !== undefined;
  }

  /** The bars loaded so far, oldest first. */
  get held(): readonly Candle[] {
    return this.bars;
  }

  /** `bars` (a snapshot of the series) with the loaded bars older than its first one before it. */
  prependTo(bars: readonly Candle[]): readonly Candle[] {
    const first = bars[0]?.time ?? Number.POSITIVE_INFINITY;
    let n = 0;
    while ((this.bars[n]?.time ?? first) < first) n++;
    return n === 0 ? bars : [...this.bars.slice(0, n), ...bars];
  }

  request(requestId: number, before: number, count: number): void {
    this.inFlight?.abort();
    if (this.bars.length >= MAX_OLDER_BARS) {
      this.inFlight = undefined;
      this.answer({ requestId, candles: [], exhausted: true, cappedAt: MAX_OLDER_BARS });
      return;
    }
    const abort = (this.inFlight = new AbortController());
    this.source(before, count, abort.signal)
      .then(
        (page) => {
          if (abort.signal.aborted) return;
          this.bars = mergeCandles(page.candles, this.bars);
          this.answer({ requestId, candles: page.candles.map(candleWire), exhausted: page.exhausted });
        },
        (err: unknown) => {
          if (abort.signal.aborted) return;
          const trouble = historyTrouble(err);
          this.log.warn(`older bars before ${new Date(before).toISOString()}: ${trouble.message}`);
          this.answer({ requestId, candles: [], exhausted: false, error: clip(trouble.reason, MAX_OLDER_BARS_ERROR_CHARS) });
        },
      )
      .catch((err: unknown) => this.log.error(`older bars: answering failed: ${errorMessage(err)}`))
      .finally(() => {
        if (this.inFlight === abort) this.inFlight = undefined;
      });
  }

  dispose(): void {
    this.inFlight?.abort();
    this.inFlight = undefined;
  }
}
