import { candleId, KeyMap, marketId, type CandleKey, type MarketKey } from '../keys';
import type { StreamSupervisor } from '../streams/streamSupervisor';
import type { StreamState } from '../types';
import { DisposableStore, toDisposable, type Disposable } from '../../shared/util/disposable';
import { Emitter } from '../../shared/util/emitter';
import type { Clock } from '../util/clock';
import { CandleFactory, type CandleFactoryOptions, type FactoryEvent } from './candleFactory';

export interface CandleListener {
  onEvent(event: FactoryEvent): void;
  onState(state: StreamState): void;
}

interface FactoryEntry {
  readonly factory: CandleFactory;
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
    private readonly options: Omit<CandleFactoryOptions, 'clock'> & { readonly clockOf: (exchange: string) => Clock },
  ) {}

  acquire(key: CandleKey, depth: number, listener: CandleListener): Disposable {
    const entry = this.factoryFor(key);
    entry.refs++;
    const refs = (this.timeframeRefs.get(key) ?? 0) + 1;
    this.timeframeRefs.set(key, refs);
    const events = entry.factory.onEvent((e) => {
      if (e.timeframe === key.timeframe) listener.onEvent(e);
    });
    const states = entry.streamStates.event((s) => listener.onState(s));
    entry.factory.addTimeframe(key.timeframe, depth);
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
        entry.factory.removeTimeframe(key.timeframe);
      } else this.timeframeRefs.set(key, left);
      if (--entry.refs === 0) {
        this.factories.delete(key);
        entry.resources.dispose();
      }
    });
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
    const factory = new CandleFactory(market, { ...this.options, clock: this.options.clockOf(market.exchange) });
    const resources = new DisposableStore();
    const streamStates = new Emitter<[StreamState]>();
    // Order matters on teardown (reverse): the stream is released after the factory stops listening.
    resources.add(
      this.streams.acquire(
        { kind: 'trades', ...market },
        {
          onData: (trades) => factory.ingest(trades),
          onState: (state) => {
            factory.onStreamState(state);
            streamStates.fire(state);
          },
        },
      ),
    );
    resources.add(factory);
    entry = { factory, resources, streamStates, refs: 0 };
    this.factories.set(market, entry);
    return entry;
  }
}

const marketOf = (k: MarketKey): MarketKey => ({ exchange: k.exchange, symbol: k.symbol });
