/** Keeps one MarketRecorder per market of a changing set ("record what is open"), all writing to one sink. */
import { KeyMap, marketId } from '../keys';
import { errorMessage, silentLogger, type Logger } from '../util/log';
import { MarketRecorder, type EarlierRecording, type MarketRecorderOptions } from './marketRecorder';
import type { RecordedMarket } from './recordTypes';
import type { RecorderState } from './recorderState';
import { TRADES_LEFT_OUT, TradeContinuity } from './tradeContinuity';

export type RecordingSetOptions = Omit<MarketRecorderOptions, 'market' | 'onState' | 'log' | 'continuity' | 'earlier'> & {
  readonly log?: Logger;
  readonly onState?: (market: RecordedMarket, state: RecorderState) => void;
};

export class RecordingSet {
  private readonly recorders = new KeyMap<RecordedMarket, MarketRecorder>(marketId);
  /** Each market's recorded trades, kept across a stop and start so the stream's repeats of them are not stored twice. */
  private readonly continuities = new KeyMap<RecordedMarket, TradeContinuity>(marketId);
  /** Each market's last stopped recording: the next one continues from its end (the time between is fetched, or a hole). */
  private readonly earlier = new KeyMap<RecordedMarket, EarlierRecording>(marketId);
  private readonly stopping = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly opts: RecordingSetOptions) {}

  /** Starts recording the markets not yet recorded and stops (flushing) those no longer in the set. */
  setMarkets(markets: readonly RecordedMarket[]): void {
    if (this.closed) return;
    const wanted = new KeyMap<RecordedMarket, RecordedMarket>(marketId);
    for (const m of markets) wanted.set(m, m);
    for (const [market, recorder] of [...this.recorders]) {
      if (wanted.has(market)) continue;
      this.recorders.delete(market);
      const stopped = recorder.asEarlier();
      this.earlier.set(market, stopped);
      this.track(stopped.stopped);
    }
    for (const market of wanted.values()) {
      if (this.recorders.has(market)) continue;
      const log = this.opts.log ?? silentLogger;
      let continuity = this.continuities.get(market);
      if (!continuity) this.continuities.set(market, (continuity = new TradeContinuity((n) => log.warn(`recording ${market.exchange} ${market.symbol}: ${n} ${TRADES_LEFT_OUT}`))));
      const earlier = this.earlier.get(market);
      this.earlier.delete(market); // the new recorder holds it now
      const recorder = new MarketRecorder({ ...this.opts, market, log, continuity, ...(earlier ? { earlier } : {}), onState: (s) => this.opts.onState?.(market, s) }).start();
      this.recorders.set(market, recorder);
      log.info(`recording ${market.exchange} ${market.symbol} to ${this.opts.sink.name}`);
    }
  }

  states(): Array<{ readonly market: RecordedMarket; readonly state: RecorderState }> {
    return [...this.recorders].map(([market, recorder]) => ({ market, state: recorder.state }));
  }

  /** Resolves once no recorder is filling a reconnect's hole. */
  async gapsFilled(): Promise<void> {
    await Promise.all(this.recorders.values().map((r) => r.gapFilled()));
  }

  /** Stops every recorder (each flushes what it holds), then closes the sink. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [market, recorder] of [...this.recorders]) {
      this.recorders.delete(market);
      this.track(recorder.close());
    }
    await Promise.all([...this.stopping]);
    await this.opts.sink.close();
  }

  private track(closing: Promise<void>): void {
    const p = closing.catch((err: unknown) => (this.opts.log ?? silentLogger).error(`a recorder failed to stop: ${errorMessage(err)}`));
    this.stopping.add(p);
    void p.finally(() => this.stopping.delete(p));
  }
}
