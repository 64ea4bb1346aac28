/** Recording into the embedded store (or ClickHouse): one recorder per market of a changing set, and the embedded store's upkeep (retention, size budget, compaction). */
import type { Trade } from '../types';
import type { MarketInfo } from '../exchange/marketDataClient';
import { systemClock, type Clock } from '../util/clock';
import { errorMessage, type Logger } from '../util/log';
import { Emitter } from '../../shared/util/emitter';
import type { Disposable } from '../../shared/util/disposable';
import { KeyMap, marketId } from '../keys';
import type { HubSubscriber, MarketRecorderOptions } from './marketRecorder';
import type { ClickHouseConnection } from './clickHouseHttp';
import { ClickHouseSink } from './clickHouseSink';
import { ClickHouseSource } from './clickHouseSource';
import { ParquetStore } from './parquetStore';
import type { RecordSink } from './recordSink';
import { RecordingSet } from './recordingSet';
import type { RecordedMarket } from './recordTypes';
import type { RecorderState } from './recorderState';
import { compactStore } from './storeCompaction';
import { enforceRetention } from './storeRetention';
import { parquetStoredTail, sourceStoredTail } from './storedTail';

/** The hub as the recorders use it: shared subscriptions, and REST trades to fill a reconnect's hole. */
export interface RecordingHub extends HubSubscriber {
  /** `until` undefined: every trade REST gives from `from` on (see HistoryService.tradesBetween). */
  tradesBetween(market: RecordedMarket, from: number, until: number | undefined, ctx?: { readonly onMissing?: (from: number, until: number) => void; readonly signal?: AbortSignal }): Promise<readonly Trade[]>;
  /** An exchange's markets (their tick sizes are stored with the recording). */
  markets?(exchange: string): Promise<readonly MarketInfo[]>;
  /** The exchange's time: our clock plus how far its answers say its clock is ahead (see MarketHub.exchangeNow). */
  exchangeNow?(exchange: string): Promise<number>;
}

export interface StorePolicy {
  /** Ended days older than this are removed (undefined or 0: kept). */
  readonly retentionDays?: number;
  /** The store's size at most, in bytes (undefined or 0: no budget); the oldest ended days go first. */
  readonly maxBytes?: number;
}

/** The store as a whole: its size after the last upkeep, and whether it is over its budget with nothing left to remove. */
export type StoreState =
  | { readonly status: 'unchecked' }
  | { readonly status: 'ok'; readonly bytes: number }
  /** Only the day being written is left and it exceeds the budget: recording goes on, and says so. */
  | { readonly status: 'overBudget'; readonly bytes: number; readonly maxBytes: number }
  /** The upkeep failed (the store's folder unreadable…): named, retried at the next upkeep. */
  | { readonly status: 'failed'; readonly reason: string };

export interface RecordingServiceOptions {
  readonly hub: RecordingHub;
  /** The embedded store's folder (also when recording into ClickHouse: replays of older recordings read it). */
  readonly root: string;
  /**
   * Record into this ClickHouse server instead of the embedded store. Its retention and size are the server's
   * business: the upkeep (retention, budget, compaction) applies to the embedded store only.
   */
  readonly clickHouse?: ClickHouseConnection;
  /** Read at each upkeep, so a changed setting applies without a restart. */
  readonly policy: () => StorePolicy;
  readonly log: Logger;
  /** How often the retention, budget and compaction run while something is recorded (default 15 minutes). */
  readonly upkeepEveryMs?: number;
  readonly clock?: Clock;
  /** Passed to every recorder (flush and snapshot periods, buffer bound). */
  readonly recorder?: Pick<MarketRecorderOptions, 'flushEveryMs' | 'snapshotEveryMs' | 'maxBatchRows' | 'maxBufferedRows' | 'retry'>;
  /** Every state a recorder reports (each written batch included). */
  readonly onState?: (market: RecordedMarket, state: RecorderState) => void;
}

const DEFAULT_UPKEEP_MS = 15 * 60_000;

/**
 * `setMarkets` says what is recorded now; markets left out are stopped (their buffered rows written). The upkeep
 * timer runs only while at least one market is recorded, so an idle service holds no timer, no stream and no file.
 * `onDidChange` fires when a market's status or the store's state changes (not on every written batch).
 */
export class RecordingService implements Disposable {
  private readonly set: RecordingSet;
  private readonly sink: RecordSink;
  private readonly clock: Clock;
  /** Each market's status as last reported, with whether it has stored anything yet (the tree lists it then). */
  private readonly statuses = new KeyMap<RecordedMarket, string>(marketId);
  private readonly changed = new Emitter<[]>();
  readonly onDidChange = this.changed.event;
  private storeState: StoreState = { status: 'unchecked' };
  private timer: NodeJS.Timeout | undefined;
  private upkeep: Promise<void> = Promise.resolve();
  private readonly stop = new AbortController();
  private markets: readonly RecordedMarket[] = [];

  constructor(private readonly opts: RecordingServiceOptions) {
    this.clock = opts.clock ?? systemClock;
    this.sink = opts.clickHouse ? new ClickHouseSink(opts.clickHouse, opts.log) : new ParquetStore(opts.root, opts.log);
    this.set = new RecordingSet({
      ...opts.recorder,
      hub: opts.hub,
      sink: this.sink,
      fillGap: (market, from, until, onMissing, signal) => opts.hub.tradesBetween(market, from, until, { onMissing, signal }),
      // Where the store's recording ends, for a recording that goes on after a reload or a crash.
      storedTail: opts.clickHouse ? sourceStoredTail(new ClickHouseSource(opts.clickHouse)) : parquetStoredTail(opts.root),
      exchangeNow: (market: RecordedMarket) => opts.hub.exchangeNow?.(market.exchange) ?? Promise.resolve(this.clock.now()),
      tickSize: async (market) => (await opts.hub.markets?.(market.exchange))?.find((m) => m.symbol === market.symbol)?.tickSize,
      log: opts.log,
      clock: this.clock,
      onState: (market, state) => this.onRecorderState(market, state),
    });
  }

  get root(): string {
    return this.opts.root;
  }

  /** Where the rows go, for messages: the embedded store's folder, or `clickhouse <host:port>/<database>`. */
  get location(): string {
    return this.opts.clickHouse ? this.sink.name : this.opts.root;
  }

  get store(): StoreState {
    return this.storeState;
  }

  /** The recorders' states (each market recorded now). */
  states(): ReadonlyArray<{ readonly market: RecordedMarket; readonly state: RecorderState }> {
    return this.set.states();
  }

  stateOf(market: RecordedMarket): RecorderState | undefined {
    return this.set.states().find((s) => marketId(s.market) === marketId(market))?.state;
  }

  /** Resolves once no recorder is filling a reconnect's hole from REST. */
  gapsFilled(): Promise<void> {
    return this.set.gapsFilled();
  }

  /** Records exactly these markets from now on. */
  setMarkets(markets: readonly RecordedMarket[]): void {
    if (this.stop.signal.aborted) return;
    const before = this.markets.length;
    this.markets = markets;
    this.set.setMarkets(markets);
    const wanted = new KeyMap<RecordedMarket, true>(marketId);
    for (const m of markets) wanted.set(m, true);
    let dropped = false;
    for (const [m] of [...this.statuses]) {
      if (wanted.has(m)) continue;
      this.statuses.delete(m);
      dropped = true;
    }
    if (markets.length > 0 && !this.timer) {
      this.timer = setInterval(() => void this.tidy(), this.opts.upkeepEveryMs ?? DEFAULT_UPKEEP_MS);
      this.timer.unref();
      if (before === 0) void this.tidy();
    } else if (markets.length === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    if (dropped) this.changed.fire();
  }

  /** The retention, the budget, then the compaction of days closed since; one run at a time. Resolves with the store's state. */
  tidy(): Promise<StoreState> {
    const run = this.upkeep.then(async () => {
      if (this.stop.signal.aborted || this.opts.clickHouse) return;
      const policy = this.opts.policy();
      try {
        const r = await enforceRetention(this.opts.root, { now: this.clock.now(), ...policy }, this.opts.log);
        this.setStore(r.overBudget && policy.maxBytes ? { status: 'overBudget', bytes: r.bytes, maxBytes: policy.maxBytes } : { status: 'ok', bytes: r.bytes });
      } catch (err) {
        this.setStore({ status: 'failed', reason: `cannot apply the retention to ${this.opts.root}: ${errorMessage(err)}` });
      }
      if (!this.stop.signal.aborted) await compactStore(this.opts.root, this.clock.now(), this.opts.log, this.stop.signal).catch((err: unknown) => this.opts.log.warn(`cannot compact ${this.opts.root}: ${errorMessage(err)}`));
    });
    this.upkeep = run;
    return run.then(() => this.storeState);
  }

  /** Stops every recorder (each writes what it holds), the upkeep and the store. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stop.abort();
    await this.set.close();
    await this.upkeep;
    this.changed.dispose();
  }

  dispose(): void {
    void this.close();
  }

  private onRecorderState(market: RecordedMarket, state: RecorderState): void {
    this.opts.onState?.(market, state);
    const shown = state.status === 'recording' && state.storedRows > 0 ? 'recording+stored' : state.status;
    if (this.statuses.get(market) === shown) return;
    this.statuses.set(market, shown);
    this.changed.fire();
  }

  private setStore(next: StoreState): void {
    const prev = this.storeState;
    this.storeState = next;
    if (next.status === 'overBudget' && prev.status !== 'overBudget') {
      this.opts.log.warn(`record store ${this.opts.root}: ${next.bytes} bytes, over the budget of ${next.maxBytes} with only the day being written left; recording goes on`);
    }
    if (next.status === 'failed' && prev.status !== 'failed') this.opts.log.warn(next.reason);
    if (prev.status !== next.status) this.changed.fire();
  }
}
