import { candleId, KeyMap, marketId, type CandleKey, type MarketKey } from '../keys';
import type { StreamSupervisor } from '../streams/streamSupervisor';
import type { Candle, StreamState, Trade } from '../types';
import { DisposableStore, toDisposable, type Disposable } from '../../shared/util/disposable';
import { Emitter } from '../../shared/util/emitter';
import type { Clock } from '../util/clock';
import type { Timeframe } from '../timeframes';
import { errorMessage } from '../util/log';
import { CandleFactory, type CandleFactoryOptions, type FactoryEvent } from './candleFactory';
import type { LostHole } from '../hub/requests';
import type { HoleCut } from './streamHoles';

export interface CandleListener {
  onEvent(event: FactoryEvent): void;
  onState(state: StreamState): void;
}

interface FactoryEntry {
  /** Replaced by `rebuild` (a replay seeked back); listeners follow through `events`. */
  factory: CandleFactory;
  /** The current factory's events, relayed to the listeners of their timeframe only (a batch's deltas reach each one once). */
  readonly events: Map<Timeframe, Emitter<[FactoryEvent]>>;
  relay: Disposable;
  /** The deepest history asked for per timeframe held (what a rebuilt factory is seeded with). */
  readonly depths: Map<CandleKey['timeframe'], number>;
  readonly resources: DisposableStore;
  readonly streamStates: Emitter<[StreamState]>;
  refs: number;
}

/**
 * Candle factories by market, reference-counted apart from the streams: a factory lives while any of its
 * timeframes has a listener, and a timeframe lives while it has one. The first timeframe of a market acquires the
 * market's one trade stream; the last one leaving disposes the factory and releases the stream.
 */
export class CandleFactoryCache {
  private readonly factories = new KeyMap<MarketKey, FactoryEntry>(marketId);
  private readonly timeframeRefs = new KeyMap<CandleKey, number>(candleId);

  constructor(
    private readonly streams: StreamSupervisor,
    private readonly options: Omit<CandleFactoryOptions, 'clock' | 'holeTrades' | 'holeLost' | 'holeRefetch'> & {
      readonly clockOf: (exchange: string) => Clock;
      /** A market's factory fetched trades of a reconnect's hole its stream never sent (CandleFactoryOptions.holeTrades). */
      readonly holeTrades?: (market: MarketKey, trades: readonly Trade[]) => void;
      /** A market's reconnect hole its factory will not send after all (CandleFactoryOptions.holeLost). */
      readonly holeLost?: (market: MarketKey, hole: LostHole) => void;
      /** A market's hole told lost, to be asked again for its panels (CandleFactoryOptions.holeRefetch). */
      readonly holeRefetch?: (market: MarketKey, cut: HoleCut) => void;
    },
  ) {}

  /** `diskRead`: the disk cache's bars of `key` already read with `depth` for this start, for a timeframe new here. */
  acquire(key: CandleKey, depth: number, listener: CandleListener, diskRead?: readonly Candle[]): Disposable {
    const entry = this.factoryFor(key);
    entry.refs++;
    const refs = (this.timeframeRefs.get(key) ?? 0) + 1;
    this.timeframeRefs.set(key, refs);
    let timeframeEvents = entry.events.get(key.timeframe);
    if (!timeframeEvents) entry.events.set(key.timeframe, (timeframeEvents = this.emitter()));
    const events = timeframeEvents.event((e) => listener.onEvent(e));
    const states = entry.streamStates.event((s) => listener.onState(s));
    entry.depths.set(key.timeframe, Math.max(depth, entry.depths.get(key.timeframe) ?? 0));
    entry.factory.addTimeframe(key.timeframe, depth, diskRead);
    // A series whose backfill is failing holds a hole: the newcomer is told so before it gets the bars, as its other
    // consumers were (a rule never reads them as whole).
    const trouble = entry.factory.backfillTrouble(key.timeframe);
    if (trouble) listener.onEvent(trouble);
    if (entry.factory.isReady(key.timeframe)) listener.onEvent({ type: 'ready', timeframe: key.timeframe });
    else {
      const cached = entry.factory.cachedPreview(key.timeframe);
      if (cached) listener.onEvent({ type: 'cached', timeframe: key.timeframe, candles: cached });
    }
    const state = this.streams.state({ kind: 'trades', ...marketOf(key) });
    if (state) listener.onState(state);
    return toDisposable(() => {
      events.dispose();
      states.dispose();
      const left = (this.timeframeRefs.get(key) ?? 1) - 1;
      if (left === 0) {
        this.timeframeRefs.delete(key);
        entry.events.get(key.timeframe)?.dispose();
        entry.events.delete(key.timeframe);
        entry.depths.delete(key.timeframe);
        entry.factory.removeTimeframe(key.timeframe);
      } else this.timeframeRefs.set(key, left);
      if (--entry.refs === 0) {
        this.factories.delete(key);
        entry.resources.dispose();
      }
    });
  }

  /**
   * Every factory of `exchange` starts afresh (seeded again from history, on the same trade stream): its listeners
   * get `ready` and a new snapshot. For a replay seeked back, whose bars after the new position must go.
   */
  rebuild(exchange: string): void {
    for (const [market, entry] of [...this.factories]) {
      if (market.exchange !== exchange) continue;
      entry.relay.dispose();
      entry.factory.dispose();
      Object.assign(entry, this.relayed(market, entry.events));
      for (const [tf, depth] of entry.depths) entry.factory.addTimeframe(tf, depth);
    }
  }

  get(market: MarketKey): CandleFactory | undefined {
    return this.factories.get(market)?.factory;
  }

  get size(): number {
    return this.factories.size;
  }

  dispose(): void {
    for (const entry of this.factories.values()) entry.resources.dispose();
  }

  private factoryFor(key: CandleKey): FactoryEntry {
    const market = marketOf(key);
    let entry = this.factories.get(market);
    if (entry) return entry;
    const events = new Map<Timeframe, Emitter<[FactoryEvent]>>();
    const created: FactoryEntry = { ...this.relayed(market, events), events, depths: new Map(), resources: new DisposableStore(), streamStates: new Emitter<[StreamState]>(), refs: 0 };
    // Order matters on teardown (reverse): the stream is released after the factory stops listening.
    created.resources.add(
      this.streams.acquire(
        { kind: 'trades', ...market },
        {
          onData: (trades) => created.factory.ingest(trades),
          onState: (state) => {
            created.factory.onStreamState(state);
            created.streamStates.fire(state);
          },
        },
      ),
    );
    created.resources.add(
      toDisposable(() => {
        created.relay.dispose();
        created.factory.dispose();
        for (const e of created.events.values()) e.dispose();
        created.events.clear();
      }),
    );
    this.factories.set(market, created);
    return created;
  }

  /** A new factory of the market, its events relayed to `events` (the entry's listeners by timeframe). */
  private relayed(market: MarketKey, events: ReadonlyMap<Timeframe, Emitter<[FactoryEvent]>>): { factory: CandleFactory; relay: Disposable } {
    const { holeTrades, holeLost, holeRefetch, ...options } = this.options;
    const factory = new CandleFactory(market, {
      ...options,
      clock: options.clockOf(market.exchange),
      ...(holeTrades ? { holeTrades: (trades: readonly Trade[]) => holeTrades(market, trades) } : {}),
      ...(holeLost ? { holeLost: (hole: LostHole) => holeLost(market, hole) } : {}),
      ...(holeRefetch ? { holeRefetch: (cut: HoleCut) => holeRefetch(market, cut) } : {}),
    });
    return { factory, relay: factory.onEvent((e) => events.get(e.timeframe)?.fire(e)) };
  }

  /** Each consumer's error costs only itself, as when they listened to the factory directly. */
  private emitter(): Emitter<[FactoryEvent]> {
    return new Emitter<[FactoryEvent]>((err) => this.options.log.error(`a candle consumer threw: ${errorMessage(err)}`));
  }
}

const marketOf = (k: MarketKey): MarketKey => ({ exchange: k.exchange, symbol: k.symbol });
