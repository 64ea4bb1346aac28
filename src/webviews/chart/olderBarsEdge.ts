/**
 * The chart's left edge: when the user scrolls to the oldest bar, ask the host for the page before it, one request
 * at a time, and say what is happening there (loading, a named failure, no more history). Pure (no DOM).
 */
import type { CandleWire } from '../../shared/protocol';
import { Store } from '../shared/store';

/** Bars per page: what one scroll to the edge loads. */
export const OLDER_PAGE = 1000;
/** The view is at the edge when fewer than this many bars are left of it. */
export const EDGE_BARS = 10;

/** `exhausted`: no older bars come; `cappedAt` when the chart holds as many as it keeps, not the history's start. */
export type EdgeState = { readonly status: 'idle' } | { readonly status: 'loading' } | { readonly status: 'exhausted'; readonly cappedAt?: number } | { readonly status: 'failed'; readonly error: string };

export interface OlderBarsRequest {
  readonly requestId: number;
  readonly before: number;
  readonly count: number;
}

export interface OlderBarsReply {
  readonly requestId: number;
  readonly candles: readonly CandleWire[];
  readonly exhausted: boolean;
  readonly cappedAt?: number;
  readonly error?: string;
}

export class OlderBarsEdge {
  private nextId = 1;
  private pending: number | undefined;
  private wasAtEdge = false;
  /** Whether the view reaches the oldest bar: the edge's note shows only then. */
  readonly atEdge = new Store(false);
  /** No bar is older than this (ms), when the host says so. */
  private oldest: number | undefined;

  constructor(
    private readonly post: (request: OlderBarsRequest) => void,
    readonly state: Store<EdgeState>,
  ) {}

  /**
   * The visible range changed; `atEdge` says whether it reaches the oldest bar (`firstTime`, ms). Asks for a page
   * when idle; after a failure only when the user comes back to the edge (or presses retry), so a broken exchange
   * is not asked on every pixel of a drag.
   */
  visible(atEdge: boolean, firstTime: number | undefined): void {
    const arrived = atEdge && !this.wasAtEdge;
    this.wasAtEdge = atEdge;
    this.atEdge.set(atEdge);
    if (!atEdge || firstTime === undefined) return;
    if (this.oldest !== undefined && firstTime <= this.oldest) return; // nothing older exists: no request, no spinner
    const { status } = this.state.get();
    if (status === 'idle' || (status === 'failed' && arrived)) this.ask(firstTime);
  }

  /** Where the market's bars begin (a replay's first recorded trade), or undefined: unknown, ask to find out. */
  historyBegins(from: number | undefined): void {
    this.oldest = from;
  }

  /** The retry button beside a failure. */
  retry(firstTime: number | undefined): void {
    if (firstTime !== undefined && this.state.get().status === 'failed') this.ask(firstTime);
  }

  /** The host's answer: the bars to put before the oldest one, or nothing (another request's, or a failure). */
  answer(reply: OlderBarsReply): readonly CandleWire[] {
    if (reply.requestId !== this.pending) return [];
    this.pending = undefined;
    if (reply.error !== undefined) this.state.set({ status: 'failed', error: reply.error });
    else this.state.set(!reply.exhausted ? { status: 'idle' } : reply.cappedAt === undefined ? { status: 'exhausted' } : { status: 'exhausted', cappedAt: reply.cappedAt });
    return reply.error === undefined ? reply.candles : [];
  }

  /**
   * A snapshot replaced the chart's bars (`firstBefore` and `firstNow`: the oldest bar before and after, any unit).
   * Another series, or the same one now starting later (an engine restarted on an empty cache shows the exchange's
   * newest page), makes the edge's state stale: the end of history was found before bars no longer shown, and a page
   * in flight would be put before bars it no longer meets. Both are forgotten. Starting at the same bar or earlier,
   * the state holds.
   */
  replaced(sameSeries: boolean, firstBefore: number | undefined, firstNow: number | undefined): void {
    if (sameSeries && firstBefore !== undefined && firstNow !== undefined && firstNow <= firstBefore) return;
    this.reset();
  }

  /** Another market or timeframe: forget the request in flight and whether history ran out. */
  reset(): void {
    this.pending = undefined;
    this.wasAtEdge = false;
    this.atEdge.set(false);
    this.state.set({ status: 'idle' });
  }

  private ask(before: number): void {
    const requestId = this.nextId++;
    this.pending = requestId;
    this.state.set({ status: 'loading' });
    this.post({ requestId, before, count: OLDER_PAGE });
  }
}
