/** An aggregate's order book: its legs' books (each leg's shared book stream) merged by price, sizes in base units. */
import { baseAmount, type ContractSpec } from '../exchange/contractSpec';
import type { MarketInfo } from '../exchange/marketDataClient';
import type { OrderBookEvent, Subscription, SubscriptionRequest } from '../hub/requests';
import type { BookLevel, OrderBook, StreamState } from '../types';
import { assertNever } from '../util/assertNever';
import { userMessage } from '../util/log';
import { DisposableStore, type Disposable } from '../../shared/util/disposable';
import type { AggregateDefinition } from './aggregateDefinition';
import { systemTimers, type ScheduleTimer } from '../util/scheduleTimer';
import { FIRST_BOOK_WAIT_MS, LegBookStates, type LegBookStatus } from './legBookStates';
import { legMarketLists, resolveLegs, type ResolvedLeg } from './legResolution';

/** What it needs of the hub: the legs' markets and their order book streams. */
export interface BookSource {
  markets(exchange: string): Promise<readonly MarketInfo[]>;
  subscribe(request: Extract<SubscriptionRequest, { kind: 'orderbook' }>, consumer: (event: OrderBookEvent) => void): Subscription;
}

export type AggregateBookEvent =
  /** The legs were checked against their markets. */
  | { readonly type: 'resolved'; readonly legs: readonly ResolvedLeg[] }
  /** A leg's book changed (read merged() when it is time to draw). */
  | { readonly type: 'book' }
  /** `heldSince`: no leg is current, and the books held are as of then (the oldest went stale then). */
  | { readonly type: 'state'; readonly state: StreamState; readonly legs: readonly LegBookStatus[]; readonly heldSince?: number };

interface LegBook {
  readonly contract: ContractSpec;
  /** The leg's newest book as its stream gave it (contracts, not yet base units): converted when read. */
  book: OrderBook | undefined;
}

/**
 * The legs must resolve (one base; one quote once `usdtIsUsd` is applied: resolveLegs), so their prices are one
 * scale and their levels merge by price. Each update only keeps the leg's newest book; merged() and legBooks() do
 * the O(levels) work, once per frame. Only the legs LegBookStates shows are merged: while some leg's book is current,
 * a leg whose book is stale (its stream reconnecting, or live again before its fresh book) or failed is left out and
 * named in the state (degraded); the state reads live only once every leg's fresh book has come. dispose() gives
 * every leg's stream back.
 */
export class AggregateBook implements Disposable {
  readonly ready: Promise<void>;
  private readonly subscriptions = new DisposableStore();
  private books: LegBook[] = [];
  private states: LegBookStates | undefined;
  private disposed = false;

  constructor(
    private readonly source: BookSource,
    readonly definition: AggregateDefinition,
    private readonly consumer: (event: AggregateBookEvent) => void,
    private readonly now: () => number = Date.now,
    private readonly schedule: ScheduleTimer = systemTimers,
  ) {
    this.ready = this.start();
  }

  /** Each shown leg's newest book in base units (undefined for a leg left out, or before its first), in leg order. */
  legBooks(): Array<OrderBook | undefined> {
    return this.books.map((l, i) => (l.book && this.states?.shown(i) ? inBase(l.book, l.contract) : undefined));
  }

  /** The legs' books merged: sizes at one price summed, bids highest first, asks lowest first. */
  merged(): OrderBook {
    const books = this.legBooks().filter((b): b is OrderBook => b !== undefined);
    return {
      timestamp: Math.max(0, ...books.map((b) => b.timestamp)),
      bids: mergeSide(books.map((b) => b.bids), (a, b) => b - a),
      asks: mergeSide(books.map((b) => b.asks), (a, b) => a - b),
    };
  }

  /** The best bid and ask across the shown legs, O(legs). */
  best(): { readonly bid: number | undefined; readonly ask: number | undefined } {
    let bid: number | undefined;
    let ask: number | undefined;
    for (const [i, l] of this.books.entries()) {
      if (!this.states?.shown(i)) continue;
      const b = l.book?.bids[0]?.[0];
      const a = l.book?.asks[0]?.[0];
      if (b !== undefined && (bid === undefined || b > bid)) bid = b;
      if (a !== undefined && (ask === undefined || a < ask)) ask = a;
    }
    return { bid, ask };
  }

  get legs(): readonly LegBookStatus[] {
    return this.states?.statuses ?? [];
  }

  dispose(): void {
    this.disposed = true;
    this.subscriptions.dispose();
  }

  private async start(): Promise<void> {
    const def = this.definition;
    const lists = await legMarketLists((exchange) => this.source.markets(exchange), def.legs);
    const resolved = resolveLegs(def, (exchange) => lists.get(exchange) ?? 'its markets were not loaded');
    if (!resolved.ok) throw new Error(`aggregate ${def.name}: ${resolved.issues.join('; ')}`);
    if (this.disposed) return;
    this.books = resolved.legs.map((l) => ({ contract: l.contract, book: undefined }));
    const states = new LegBookStates(resolved.legs.map((l) => ({ exchange: l.exchange, symbol: l.symbol })), this.now);
    this.states = states;
    this.consumer({ type: 'resolved', legs: resolved.legs });
    const emitState = () => {
      const heldSince = states.heldSince();
      this.consumer({ type: 'state', state: states.read(), legs: states.statuses, ...(heldSince !== undefined ? { heldSince } : {}) });
    };
    // Opening reads connecting until then; a leg still without its first book then makes it degraded.
    const cancelWait = this.schedule(() => {
      if (!this.disposed && states.firstBookPending) emitState();
    }, FIRST_BOOK_WAIT_MS);
    this.subscriptions.add({ dispose: cancelWait });
    resolved.legs.forEach((leg, i) => {
      const setState = (state: StreamState) => {
        // A failed leg's last book is not shown as if it were current.
        if (state.status === 'failed' || state.status === 'stopped') (this.books[i] as LegBook).book = undefined;
        const shownChanged = states.state(i, state);
        emitState();
        if (shownChanged) this.consumer({ type: 'book' });
      };
      const sub = this.source.subscribe({ kind: 'orderbook', exchange: leg.exchange, symbol: leg.symbol }, (e) => {
        if (this.disposed) return;
        switch (e.type) {
          case 'orderbook':
            (this.books[i] as LegBook).book = e.book;
            // The state first: the post that brings a leg's fresh book is the one whose badge reads live.
            if (states.book(i)) emitState();
            this.consumer({ type: 'book' });
            return;
          case 'state':
            setState(e.state);
            return;
          case 'error':
            return; // a failed subscription also ends in state `failed`
          default:
            assertNever(e);
        }
      });
      this.subscriptions.add(sub);
      sub.ready.catch((err: unknown) => {
        if (!this.disposed) setState({ status: 'failed', reason: userMessage(err) });
      });
    });
  }
}

function inBase(book: OrderBook, contract: ContractSpec): OrderBook {
  if (contract.segment === 'spot') return book;
  const side = (levels: readonly BookLevel[]): BookLevel[] => levels.map(([p, a]) => [p, baseAmount(contract, a, p)]);
  return { timestamp: book.timestamp, bids: side(book.bids), asks: side(book.asks) };
}

function mergeSide(sides: ReadonlyArray<readonly BookLevel[]>, order: (a: number, b: number) => number): BookLevel[] {
  if (sides.length === 1) return [...(sides[0] ?? [])];
  const byPrice = new Map<number, number>();
  for (const levels of sides) for (const [p, a] of levels) byPrice.set(p, (byPrice.get(p) ?? 0) + a);
  return [...byPrice].sort((a, b) => order(a[0], b[0]));
}
