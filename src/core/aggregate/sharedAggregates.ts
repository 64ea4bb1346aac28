/** Aggregated markets shared by every consumer: one AggregateMarket per (definition, timeframe), ref-counted, ended with its last consumer. */
import type { BackoffPolicy } from '../streams/backoff';
import type { Timeframe } from '../timeframes';
import type { StreamState } from '../types';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/log';
import type { Disposable } from '../../shared/util/disposable';
import type { AggregateBar } from './aggregateBar';
import type { AggregateDefinition } from './aggregateDefinition';
import { AggregateMarket, type AggregateEvent, type AggregateSource } from './aggregateMarket';
import type { LegStatus } from './aggregateState';
import type { ResolvedLeg } from './legResolution';

export interface SharedAggregatesOptions {
  readonly clock?: Clock;
  readonly backoff?: BackoffPolicy;
  readonly maxFillAttempts?: number;
  readonly log?: Logger;
  /** Closed bars seeded before an aggregate opens, from its legs' klines (AggregateOptions.historyBars). */
  readonly historyBars?: number;
}

/** One consumer's hold on a shared aggregate: `ready` as the market's, the bars held so far, dispose() to leave. */
export interface AggregateSubscription extends Disposable {
  readonly ready: Promise<void>;
  bars(): AggregateBar[];
  legStatuses(): LegStatus[];
}

interface Entry {
  readonly market: AggregateMarket;
  readonly consumers: Set<(event: AggregateEvent) => void>;
  /** What a consumer joining late is told first, so it sees what the first ones saw. */
  resolved: readonly ResolvedLeg[] | undefined;
  state: { readonly state: StreamState; readonly legs: readonly LegStatus[] } | undefined;
}

/**
 * The same definition at the same timeframe is computed once, whoever shows it (charts, alert rules): its legs
 * subscribe to the hub's trade streams once, each event goes to every consumer, and the last consumer's dispose()
 * disposes the market and with it the legs' streams. A consumer that joins late is told the legs and the state
 * (in a microtask) and reads the bars held with bars().
 */
export class SharedAggregates implements Disposable {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly source: AggregateSource,
    private readonly opts: SharedAggregatesOptions = {},
  ) {}

  /** Aggregates running now. */
  get size(): number {
    return this.entries.size;
  }

  subscribe(definition: AggregateDefinition, timeframe: Timeframe, consumer: (event: AggregateEvent) => void): AggregateSubscription {
    const key = `${timeframe}\u0000${JSON.stringify(definition)}`;
    const entry = this.entries.get(key) ?? this.open(key, definition, timeframe);
    entry.consumers.add(consumer);
    let left = false;
    // Told after subscribe() returned, as the first consumer was: the caller holds its subscription by then.
    queueMicrotask(() => {
      if (left) return;
      if (entry.resolved) consumer({ type: 'resolved', legs: entry.resolved });
      if (entry.state) consumer({ type: 'state', ...entry.state });
    });
    return {
      ready: entry.market.ready.catch((err: unknown) => (left ? undefined : Promise.reject(err))),
      bars: () => entry.market.bars(timeframe),
      legStatuses: () => entry.market.legStatuses(),
      dispose: () => {
        if (left) return;
        left = true;
        entry.consumers.delete(consumer);
        if (entry.consumers.size > 0 || this.entries.get(key) !== entry) return;
        this.entries.delete(key);
        entry.market.dispose();
      },
    };
  }

  dispose(): void {
    for (const e of this.entries.values()) e.market.dispose();
    this.entries.clear();
  }

  private open(key: string, definition: AggregateDefinition, timeframe: Timeframe): Entry {
    const consumers = new Set<(event: AggregateEvent) => void>();
    const holder: { entry?: Entry } = {};
    const market = new AggregateMarket(this.source, definition, { ...this.opts, timeframes: [timeframe] }, (e) => {
      const entry = holder.entry;
      if (!entry) return;
      if (e.type === 'resolved') entry.resolved = e.legs;
      else if (e.type === 'state') entry.state = { state: e.state, legs: e.legs };
      for (const c of [...entry.consumers]) c(e);
    });
    // A definition that does not fit its markets is told to each consumer through `ready`; nothing runs meanwhile.
    market.ready.catch(() => undefined);
    const entry: Entry = { market, consumers, resolved: undefined, state: undefined };
    holder.entry = entry;
    this.entries.set(key, entry);
    return entry;
  }
}
