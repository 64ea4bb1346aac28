import type { MarketDataClient } from '../exchange/marketDataClient';
import { describeStream, KeyMap, streamId, symbolsOf, type StreamKey, type StreamKind } from '../keys';
import type { Liquidation, MarketTicker, OrderBook, StreamState, Ticker, Trade } from '../types';
import type { Clock } from '../util/clock';
import { toDisposable, type Disposable } from '../../shared/util/disposable';
import { Emitter } from '../../shared/util/emitter';
import { errorMessage, scopedLogger, userMessage, type Logger } from '../util/log';
import type { BackoffPolicy } from './backoff';
import { runWatchLoop } from './watchLoop';
import { ExchangeBack } from './exchangeBack';
import { assertNever } from '../util/assertNever';

export type StreamPayload<K extends StreamKind> = K extends 'trades'
  ? Trade[]
  : K extends 'orderbook'
    ? OrderBook
    : K extends 'ticker'
      ? Ticker
      : K extends 'liquidations'
        ? Liquidation[]
        : MarketTicker[];

export interface StreamListener<K extends StreamKind> {
  onData(payload: StreamPayload<K>): void;
  onState(state: StreamState): void;
}

export interface StreamSupervisorOptions {
  readonly clientFor: (exchange: string) => Promise<MarketDataClient>;
  readonly backoff: BackoffPolicy;
  readonly clock: Clock;
  readonly log: Logger;
  /** Order-book levels kept per side. */
  readonly orderBookDepth: number;
}

interface Entry {
  readonly key: StreamKey;
  readonly listeners: Set<StreamListener<StreamKind>>;
  readonly abort: AbortController;
  state: StreamState;
  /** When it took its state (the supervisor's clock): a `reconnecting` older than its retry delay is a watch under way. */
  stateSince: number;
  /** The newest whole-state payload (a book, a ticker) while the stream is live: a newcomer gets it at once. */
  latest: StreamPayload<StreamKind> | undefined;
  /** Settles when the loop has ended and the socket is closed. */
  stopped: Promise<void>;
  /** When its last update came (the supervisor's clock), for the debug report. */
  lastDataAt: number | undefined;
}

/** One open stream as the supervisor holds it: for troubleshooting (the `tradesuite.debug.state` command). */
export interface StreamReport extends StreamKey {
  readonly state: StreamState;
  /** When it took that state (epoch ms): reconnecting for longer than its `retryInMs`, it is trying again. */
  readonly stateSince: number;
  /** When its newest update came (epoch ms), if one came on this connection's entry. */
  readonly lastDataAt?: number;
  readonly listeners: number;
}

/**
 * Owns every raw exchange stream: one per (kind, exchange, symbol), started by its first listener and stopped —
 * loop ended, exchange unsubscribed, socket closed — when its last listener leaves. A restart of a key waits for
 * the previous stop to finish, so an old unsubscribe can never cancel a new stream.
 */
export class StreamSupervisor {
  private readonly entries = new KeyMap<StreamKey, Entry>(streamId);
  private readonly stopping = new Map<string, Promise<void>>();
  private readonly stateChanges = new Emitter<[StreamKey, StreamState]>();
  /** One per exchange (a few): holds only the waits that are on. */
  private readonly backs = new Map<string, ExchangeBack>();

  constructor(private readonly opts: StreamSupervisorOptions) {}

  private exchangeBack(exchange: string): ExchangeBack {
    let back = this.backs.get(exchange);
    if (!back) this.backs.set(exchange, (back = new ExchangeBack()));
    return back;
  }

  acquire<K extends StreamKind>(key: StreamKey & { kind: K }, listener: StreamListener<K>): Disposable {
    const l = withoutRepeatedStates(listener as unknown as StreamListener<StreamKind>);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = this.start(key);
      this.entries.set(key, entry);
    } else {
      l.onState(entry.state);
      // A book or ticker is the whole state: without it a panel opened beside another read "waiting for the book" (and,
      // as a book panel is live only with data, connecting) until the exchange's next update, seconds on a quiet market.
      if (entry.latest !== undefined) l.onData(entry.latest);
    }
    entry.listeners.add(l);
    const acquired = entry;
    return toDisposable(() => {
      // The stream's entry now: a reconnect moved the listeners to a fresh one, which stops with its last listener.
      const current = this.entries.get(key);
      const owned = current?.listeners.has(l) ? current : acquired;
      owned.listeners.delete(l);
      if (owned.listeners.size === 0 && this.entries.get(key) === owned) this.stop(owned);
    });
  }

  /** Every state change of every stream (for metrics and status displays); `stopped` ends a stream. */
  onStateChange(listener: (key: StreamKey, state: StreamState) => void): Disposable {
    return this.stateChanges.event(listener);
  }

  state(key: StreamKey): StreamState | undefined {
    return this.entries.get(key)?.state;
  }

  activeStreams(): StreamKey[] {
    return [...this.entries].map(([k]) => k);
  }

  /** Every open stream with its state, the time of its newest update and how many listen: O(streams), on demand. */
  report(): StreamReport[] {
    return [...this.entries].map(([key, e]) => ({ ...key, state: e.state, stateSince: e.stateSince, ...(e.lastDataAt === undefined ? {} : { lastDataAt: e.lastDataAt }), listeners: e.listeners.size }));
  }

  /** Resolves when every stream stopped so far has closed its socket. */
  async whenIdle(): Promise<void> {
    while (this.stopping.size > 0) await Promise.all(this.stopping.values());
  }

  /**
   * Restarts one stream's connection now (the user's "Reconnect"): listeners stay attached. A live stream's listeners
   * read it as a reconnect (never `stopped` then `connecting`): the candle factory, the recorder and the footprint fill
   * the trades made while the old socket closed and the new one subscribed, which they lost before.
   */
  reconnect(key: StreamKey): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    const listeners = [...entry.listeners];
    const resumes = entry.state.status === 'live' ? 'a reconnect was requested' : undefined;
    // The old loop's last state (`stopped`) is not theirs any more.
    entry.listeners.clear();
    this.entries.delete(key);
    this.stop(entry);
    const fresh = this.start(key, resumes);
    for (const l of listeners) fresh.listeners.add(l);
    this.entries.set(key, fresh);
  }

  async stopAll(): Promise<void> {
    for (const [, entry] of this.entries) this.stop(entry);
    await this.whenIdle();
  }

  private start(key: StreamKey, resumes?: string): Entry {
    const log = scopedLogger(this.opts.log, describeStream(key));
    const abort = new AbortController();
    const entry: Entry = { key, listeners: new Set(), abort, state: { status: 'connecting' }, stateSince: this.opts.clock.now(), latest: undefined, stopped: Promise.resolve(), lastDataAt: undefined };
    const previousStop = this.stopping.get(streamId(key)) ?? Promise.resolve();
    entry.stopped = previousStop.then(() => this.run(entry, log, resumes));
    return entry;
  }

  private async run(entry: Entry, log: Logger, resumes: string | undefined): Promise<void> {
    const { key, abort } = entry;
    const keepsLatest = wholeStatePayload(key.kind);
    const setState = (state: StreamState) => {
      entry.state = state;
      entry.stateSince = this.opts.clock.now();
      // Held only while live: a newcomer while the stream is down must not take the held book for a current one.
      if (state.status !== 'live') entry.latest = undefined;
      for (const l of entry.listeners) l.onState(state);
      this.stateChanges.fire(key, state);
    };
    if (abort.signal.aborted) return;
    let client: MarketDataClient;
    try {
      client = await this.opts.clientFor(key.exchange);
    } catch (err) {
      setState({ status: 'failed', reason: userMessage(err) });
      return;
    }
    const watch = this.watcher(client, key);
    const subscribeConfirmed = client.subscribeConfirmed?.bind(client);
    const listedAsTrading = client.listedAsTrading?.bind(client);
    try {
      await runWatchLoop<StreamPayload<StreamKind>>({
        watch,
        ...(subscribeConfirmed ? { confirmed: (signal: AbortSignal) => subscribeConfirmed(key.kind, key.symbol, signal) } : {}),
        ...(listedAsTrading ? { listedAsTrading: (signal: AbortSignal) => listedAsTrading(key.symbol, signal) } : {}),
        onData: (payload) => {
          entry.lastDataAt = this.opts.clock.now();
          if (keepsLatest) entry.latest = payload;
          for (const l of entry.listeners) l.onData(payload);
        },
        onState: setState,
        ...(resumes === undefined ? {} : { resumes }),
        signal: abort.signal,
        exchangeBack: this.exchangeBack(key.exchange),
        backoff: this.opts.backoff,
        clock: this.opts.clock,
        log,
      });
    } finally {
      try {
        await client.stopWatching(key.kind, key.symbol);
      } catch (err) {
        log.warn(`unsubscribe failed: ${errorMessage(err)}`);
      }
    }
  }

  private watcher(client: MarketDataClient, key: StreamKey): () => Promise<StreamPayload<StreamKind>> {
    switch (key.kind) {
      case 'trades':
        return () => client.watchTrades(key.symbol);
      case 'orderbook':
        return () => client.watchOrderBook(key.symbol, this.opts.orderBookDepth);
      case 'ticker':
        return () => client.watchTicker(key.symbol);
      case 'tickers':
        {
        const symbols = symbolsOf(key.symbol);
        return () => client.watchTickers(symbols);
      }
      case 'liquidations':
        return () => client.watchLiquidations(key.symbol);
      default:
        return assertNever(key.kind);
    }
  }

  private stop(entry: Entry): void {
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    entry.abort.abort();
    const id = streamId(entry.key);
    const done = entry.stopped.catch(() => undefined);
    this.stopping.set(id, done);
    void done.then(() => {
      if (this.stopping.get(id) === done) this.stopping.delete(id);
    });
  }
}

/** Whether a stream's payload is the whole current state (a newcomer may take the last one), not a part of a flow. */
function wholeStatePayload(kind: StreamKind): boolean {
  switch (kind) {
    case 'orderbook':
    case 'ticker':
      return true;
    case 'trades':
    case 'liquidations':
    case 'tickers': // a batch of the tickers that changed, not all of them
      return false;
    default:
      return assertNever(kind);
  }
}

/**
 * A listener that joins a stream still connecting is told its state at once, and the loop's own first `connecting`
 * follows: a state equal to the one it last got tells it nothing and is not passed on.
 */
function withoutRepeatedStates(listener: StreamListener<StreamKind>): StreamListener<StreamKind> {
  let last: StreamState | undefined;
  return {
    onData: (payload) => listener.onData(payload),
    onState: (state) => {
      if (last !== undefined && sameState(last, state)) return;
      last = state;
      listener.onState(state);
    },
  };
}

/** States are flat records of primitives. */
function sameState(a: StreamState, b: StreamState): boolean {
  const x = a as unknown as Readonly<Record<string, unknown>>;
  const y = b as unknown as Readonly<Record<string, unknown>>;
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => x[k] === y[k]);
}
