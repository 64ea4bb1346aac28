// A market's `trades` subscribers get the trades of a reconnect's hole once, flagged late, or all hear it was lost.
import { marketId, type MarketKey } from '../keys';
import type { StreamState, Trade } from '../types';
import { toDisposable, type Disposable } from '../../shared/util/disposable';
import { LateSent } from './lateSent';
import type { LostHole, TradesEvent } from './requests';
import type { FoundSpan } from './lostHoleRefetch';

type LiveState = Extract<StreamState, { readonly status: 'live' }>;

interface Subscriber {
  readonly send: (e: TradesEvent) => void;
  readonly takesHoles: boolean;
  /** It takes a lost hole's trades found later (SubscribeOptions.refetchLost). */
  readonly takesFound: boolean;
  /** The live state it was last shown as catching up (a hole owed); undefined when its last state said otherwise. */
  catchingUp: LiveState | undefined;
}

interface MarketEntry {
  /** One per subscription (a consumer may subscribe twice), and whether it takes holes late (SubscribeOptions.lateTrades). */
  readonly subscribers: Set<Subscriber>;
  /** The late trades sent: the stream's own copies of them, should it push them after all, are not sent again. */
  sent: LateSent | undefined;
  /** How many of the subscribers take holes late. */
  wanting: number;
  /** How many of the subscribers take lost holes found later. */
  finding: number;
  /** What follows the market's holes while one of them is subscribed (see `watch`). */
  watch: Disposable | undefined;
}

/**
 * Per market, the `trades` subscribers: each stream batch reaches them through `streamed` (the late trades already
 * sent left out, in O(1) for a batch newer than them), a hole's trades through `late`, as one event (whoever fetched
 * them: the market's candle factory's gap backfill, or MarketHub's hole fetch), and a hole that will not come through
 * `lost`, to every subscriber alike; one found by asking again after all through `found`, to those that take it. Those that take holes late are shown the stream `live` and `catchingUp` while a hole is owed (`shown`), and
 * `live` again once every hole owed came or was told lost: until then their windows lack its trades. An entry lives
 * while the market has a subscriber.
 */
export class HoleTrades {
  private readonly markets = new Map<string, MarketEntry>();

  /**
   * `onError`: a subscriber threw on a late event; the others still get it. `watch`: started with a market's first
   * subscriber that takes holes late, disposed with its last (MarketHub's hole fetch for a market without a candle
   * factory).
   */
  constructor(
    private readonly onError: (err: unknown) => void,
    private readonly watch: (market: MarketKey) => Disposable = () => toDisposable(() => undefined),
    /** A hole of the market is pending or being fetched, to be sent late or told lost (HoleFetch.owes, CandleFactory.owesHole). */
    private readonly owes: (market: MarketKey) => boolean = () => false,
  ) {}

  /**
   * `streamed`: a stream batch without the copies of late trades already sent (the same array when none can be one).
   * `shown`: the stream's state as this subscriber is to see it (`catchingUp` while a hole is owed, to one taking holes).
   */
  subscribe(market: MarketKey, send: (e: TradesEvent) => void, takesHoles: boolean, takesFound = false): Disposable & { streamed(trades: readonly Trade[]): readonly Trade[]; shown(state: StreamState): StreamState } {
    const id = marketId(market);
    let entry = this.markets.get(id);
    if (!entry) this.markets.set(id, (entry = { subscribers: new Set(), sent: undefined, wanting: 0, finding: 0, watch: undefined }));
    const held = entry;
    const subscriber: Subscriber = { send, takesHoles, takesFound, catchingUp: undefined };
    held.subscribers.add(subscriber);
    if (takesFound) held.finding++;
    if (takesHoles && held.wanting++ === 0) held.watch = this.watch(market);
    return Object.assign(
      toDisposable(() => {
        if (!held.subscribers.delete(subscriber)) return;
        if (takesFound) held.finding--;
        if (takesHoles && --held.wanting === 0) {
          held.watch?.dispose();
          held.watch = undefined;
        }
        if (held.subscribers.size === 0 && this.markets.get(id) === held) this.markets.delete(id);
      }),
      {
        streamed: (trades: readonly Trade[]) => (held.sent ? held.sent.filter(trades) : trades),
        shown: (state: StreamState): StreamState => {
          const owed = takesHoles && state.status === 'live' && this.owes(market);
          subscriber.catchingUp = owed ? state : undefined;
          return owed ? { ...state, catchingUp: true } : state;
        },
      },
    );
  }

  /**
   * The hole's trades (in REST's order) to every subscriber of the market now, as one event flagged late; with none
   * (the stream had sent them all) no event, but the hole is in all the same (see `caughtUp`).
   */
  late(market: MarketKey, trades: readonly Trade[]): void {
    const entry = this.markets.get(marketId(market));
    if (!entry) return;
    if (trades.length > 0) {
      (entry.sent ??= new LateSent()).add(trades);
      this.send(entry, { type: 'trades', trades, late: true });
    }
    this.caughtUp(market, entry);
  }

  /**
   * A hole of the market will not come after all: every subscriber is told, as one event. Those taking holes late
   * had their windows waiting for it; the others (a tape) never waited, but its trades are missing from what they
   * got for good, and a gap no one names passes for a quiet market.
   */
  lost(market: MarketKey, hole: LostHole): void {
    const entry = this.markets.get(marketId(market));
    if (!entry) return;
    this.send(entry, { type: 'trades', trades: [], late: true, lost: hole });
    this.caughtUp(market, entry);
  }

  /** A subscriber of the market takes a lost hole's trades found later: asking REST again is worth it. */
  wantsFound(market: MarketKey): boolean {
    return (this.markets.get(marketId(market))?.finding ?? 0) > 0;
  }

  /**
   * A hole told lost was found after all: its trades the stream never sent (maybe none) to the subscribers that take
   * them (the others' windows started over at the loss), as one late event carrying where it lies. The stream's own
   * copies of them, should it send them after all, are left out for every subscriber, as a hole's sent late are.
   */
  found(market: MarketKey, trades: readonly Trade[], span: FoundSpan): void {
    const entry = this.markets.get(marketId(market));
    if (!entry) return;
    if (trades.length > 0) (entry.sent ??= new LateSent()).add(trades);
    const event: TradesEvent = { type: 'trades', trades, late: true, found: span };
    for (const { send, takesFound } of [...entry.subscribers]) {
      if (!takesFound) continue;
      try {
        send(event);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  /** After a hole came or was told lost: with none owed any more, those shown catching up are shown plain `live`, after its event. */
  private caughtUp(market: MarketKey, entry: MarketEntry): void {
    if (entry.wanting === 0 || this.owes(market)) return;
    for (const subscriber of [...entry.subscribers]) {
      const live = subscriber.catchingUp;
      if (!live) continue;
      subscriber.catchingUp = undefined;
      try {
        subscriber.send({ type: 'state', state: live });
      } catch (err) {
        this.onError(err);
      }
    }
  }

  private send(entry: MarketEntry, event: TradesEvent): void {
    for (const { send } of [...entry.subscribers]) {
      try {
        send(event);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
