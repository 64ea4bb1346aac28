// What a candle factory tells the world: its events to consumers, and its final bars to the disk cache.
import type { HistoryService } from '../history/historyService';
import type { MarketKey } from '../keys';
import type { Timeframe } from '../timeframes';
import type { Disposable } from '../../shared/util/disposable';
import { Emitter } from '../../shared/util/emitter';
import { errorMessage, type Logger } from '../util/log';
import type { CandleDelta } from './candleDelta';
import type { FactoryEvent } from './factoryEvent';
import type { TimeframeState } from './timeframeState';

/** What the output needs of its candle factory. */
export interface FactoryOutputHost {
  readonly market: MarketKey;
  readonly log: Logger;
  readonly history: Pick<HistoryService, 'persist'>;
  /** The factory's timeframe `tf` now, if it has one (a backfill event's outcome is kept on it). */
  timeframe(tf: Timeframe): TimeframeState | undefined;
  /** The newest trade applied: it dates the deltas for their consumers (alert rules). */
  dataTime(): number | undefined;
}

/** A factory's events (each backfill outcome kept on its timeframe for consumers that join later) and persisting. */
export class FactoryOutput implements Disposable {
  private readonly events: Emitter<[FactoryEvent]>;

  constructor(private readonly host: FactoryOutputHost) {
    this.events = new Emitter<[FactoryEvent]>((err) => host.log.error(`a candle consumer threw: ${errorMessage(err)}`));
  }

  onEvent(listener: (e: FactoryEvent) => void): Disposable {
    return this.events.event(listener);
  }

  emit(e: FactoryEvent): void {
    if (e.type === 'backfill') {
      const state = this.host.timeframe(e.timeframe);
      if (state) state.trouble = e.outcome === 'done' ? undefined : { event: e, at: Date.now() };
    }
    this.events.fire(e);
  }

  /** Every delta goes out through here, so every bar that became final (or was revised) is persisted. */
  emitDeltas(tf: Timeframe, state: TimeframeState, deltas: readonly CandleDelta[], cachedUpTo = -Infinity): void {
    if (deltas.length === 0) return;
    this.keepClosed(state, deltas, cachedUpTo);
    // Built directly, not spread: this runs once per timeframe for every trade batch.
    const dataTime = this.host.dataTime();
    this.emit(dataTime === undefined ? { type: 'deltas', timeframe: tf, deltas } : { type: 'deltas', timeframe: tf, deltas, dataTime });
  }

  /** The cache stores only final bars: closed ones, and revised ones rewritten (none up to `cachedUpTo`: already there). */
  keepClosed(state: TimeframeState, deltas: readonly CandleDelta[], cachedUpTo = -Infinity): void {
    for (const d of deltas) if (d.kind !== 'updated' && !d.candle.partial && d.candle.time > cachedUpTo) state.unpersisted.push(d.candle);
  }

  persist(tf: Timeframe, state: TimeframeState): void {
    if (state.unpersisted.length === 0) return;
    const bars = state.unpersisted;
    state.unpersisted = [];
    this.host.history.persist({ ...this.host.market, timeframe: tf }, bars).catch((err: unknown) => this.host.log.warn(`could not persist ${tf} candles: ${errorMessage(err)}`));
  }

  dispose(): void {
    this.events.dispose();
  }
}
