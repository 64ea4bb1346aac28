/**
 * Open interest and funding polled per market and shared: one poll loop per market, however many consumers (chart
 * panels, aggregates), started by the first and stopped by the last; one RequestBudget per exchange, shared by every
 * loop of that exchange, so more markets stretch each market's interval instead of raising the request rate.
 */
import type { MarketKey } from '../keys';
import type { MarketDataClient } from '../exchange/marketDataClient';
import type { BackoffPolicy } from '../streams/backoff';
import type { StreamState } from '../types';
import { errorMessage, type Logger } from '../util/log';
import type { Disposable } from '../../shared/util/disposable';
import { pollDerivatives, type DerivativesEvent } from './derivativesPoller';
import type { FundingFigure, OpenInterestFigure } from './derivativesFigures';
import { RequestBudget } from './requestBudget';

export interface DerivativesPollsOptions {
  readonly clientFor: (exchange: string) => Promise<MarketDataClient>;
  /** One attempt of a REST call under the exchange's concurrency limit and rate-limit pause. */
  readonly request: <T>(exchange: string, what: string, call: () => Promise<T>, signal: AbortSignal) => Promise<T>;
  /** A market's figures are asked for again this long after its last round (longer when its exchange's budget is busy). */
  readonly intervalMs: number;
  /** The least time between two poll requests to one exchange; ccxt's rateLimit when that is longer. */
  readonly spacingMs: number;
  readonly backoff: BackoffPolicy;
  readonly log: Logger;
  readonly now?: () => number;
  /** Until when (epoch ms) the exchange asked for no requests (its REST pause after a rate limit); no turn before it. */
  readonly pausedUntil?: (exchange: string) => number;
}

interface Poll {
  readonly consumers: Set<(e: DerivativesEvent) => void>;
  readonly abort: AbortController;
  /** The newest of each, replayed to a consumer that joins later. */
  state: StreamState;
  openInterest: OpenInterestFigure | undefined;
  funding: FundingFigure | undefined;
  /** The loop, set once it has started. */
  loop: Promise<void> | undefined;
}

export class DerivativesPolls implements Disposable {
  private readonly polls = new Map<string, Poll>();
  private readonly budgets = new Map<string, RequestBudget>();
  /** Loops told to stop that have not ended yet. */
  private readonly stopping = new Set<Promise<void>>();

  constructor(private readonly opts: DerivativesPollsOptions) {}

  /** Markets being polled now. */
  get size(): number {
    return this.polls.size;
  }

  /** The exchange's budget, once a poller of it has started (for tests and the debug state). */
  budgetOf(exchange: string): RequestBudget | undefined {
    return this.budgets.get(exchange);
  }

  /** `consumer` gets the market's state and newest figures at once (if any), then every new one; dispose() leaves. */
  subscribe(market: MarketKey, consumer: (e: DerivativesEvent) => void): Disposable {
    const key = `${market.exchange}\u0000${market.symbol}`;
    let poll = this.polls.get(key);
    if (poll) {
      consumer({ type: 'state', state: poll.state });
      if (poll.openInterest) consumer({ type: 'openInterest', figure: poll.openInterest });
      if (poll.funding) consumer({ type: 'funding', figure: poll.funding });
    } else {
      poll = this.start(key, market);
    }
    poll.consumers.add(consumer);
    const held = poll;
    let left = false;
    return {
      dispose: () => {
        if (left) return;
        left = true;
        held.consumers.delete(consumer);
        if (held.consumers.size === 0 && this.polls.get(key) === held) this.stop(key, held);
      },
    };
  }

  /** Resolves once every stopped loop has ended (no request of theirs in flight, no timer left). */
  async whenIdle(): Promise<void> {
    while (this.stopping.size > 0) await Promise.all([...this.stopping]);
  }

  dispose(): void {
    for (const [key, poll] of [...this.polls]) this.stop(key, poll);
  }

  private start(key: string, market: MarketKey): Poll {
    const abort = new AbortController();
    const poll: Poll = { consumers: new Set(), abort, state: { status: 'connecting' }, openInterest: undefined, funding: undefined, loop: undefined };
    this.polls.set(key, poll);
    const emit = (e: DerivativesEvent) => {
      if (abort.signal.aborted) return;
      if (e.type === 'state') poll.state = e.state;
      else if (e.type === 'openInterest') poll.openInterest = e.figure;
      else poll.funding = e.figure;
      for (const c of [...poll.consumers]) {
        try {
          c(e);
        } catch (err) {
          this.opts.log.error(`a derivatives consumer of ${market.exchange} ${market.symbol} threw: ${errorMessage(err)}`);
        }
      }
    };
    const now = this.opts.now ?? Date.now;
    poll.loop = pollDerivatives(
      market,
      {
        client: () => this.opts.clientFor(market.exchange),
        budget: (rateLimitMs) => this.budgetFor(market.exchange, rateLimitMs),
        request: (what, call, signal) => this.opts.request(market.exchange, what, call, signal),
        intervalMs: this.opts.intervalMs,
        backoff: this.opts.backoff,
        log: this.opts.log,
        now,
      },
      emit,
      abort.signal,
    );
    return poll;
  }

  private stop(key: string, poll: Poll): void {
    this.polls.delete(key);
    poll.abort.abort();
    if (!poll.loop) return;
    const done = poll.loop.finally(() => this.stopping.delete(done));
    this.stopping.add(done);
  }

  private budgetFor(exchange: string, rateLimitMs: number): RequestBudget {
    let budget = this.budgets.get(exchange);
    const paused = this.opts.pausedUntil;
    if (!budget) this.budgets.set(exchange, (budget = new RequestBudget(exchange, Math.max(this.opts.spacingMs, rateLimitMs), this.opts.now, paused ? () => paused(exchange) : undefined)));
    return budget;
  }
}
