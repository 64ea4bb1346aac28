import type { AlertHub } from '../../../src/core/alerts/alertHub';
import type { EventFor, HubEvent, Subscription, SubscriptionRequest } from '../../../src/core/hub/requests';
import type { MarketKey } from '../../../src/core/keys';
import type { Timeframe } from '../../../src/core/timeframes';
import type { Candle } from '../../../src/core/types';

export interface FakeSub {
  readonly request: SubscriptionRequest;
  readonly consumer: (e: HubEvent) => void;
  disposed: boolean;
}

/** Records subscriptions and lets a test push events; symbols in `unknown` are refused like the real hub does. */
export class FakeHub implements AlertHub {
  readonly subs: FakeSub[] = [];
  readonly historyCalls: Array<{ market: MarketKey; timeframe: Timeframe; from: number; until: number }> = [];

  constructor(
    private readonly unknown: ReadonlySet<string> = new Set(),
    private readonly older: (from: number, until: number) => Candle[] = () => [],
  ) {}

  async candlesBetween(market: MarketKey, timeframe: Timeframe, from: number, until: number): Promise<Candle[]> {
    this.historyCalls.push({ market, timeframe, from, until });
    return this.older(from, until);
  }

  subscribe<R extends SubscriptionRequest>(request: R, consumer: (event: EventFor<R>) => void): Subscription {
    const sub: FakeSub = { request, consumer: consumer as (e: HubEvent) => void, disposed: false };
    this.subs.push(sub);
    const ready = this.unknown.has(request.symbol) ? Promise.reject(new Error(`Unknown symbol "${request.symbol}" on ${request.exchange}`)) : Promise.resolve();
    ready.catch(() => sub.consumer({ type: 'error', message: `Unknown symbol "${request.symbol}" on ${request.exchange}` }));
    return { ready, dispose: () => (sub.disposed = true) };
  }

  /** Live subscriptions as "kind symbol[ timeframe][ xN history]". */
  active(): string[] {
    return this.subs.filter((s) => !s.disposed).map((s) => describe(s.request));
  }

  /** Pushes an event to the live subscriptions matching `kind` and `symbol` (and timeframe for candles). */
  push(kind: SubscriptionRequest['kind'], symbol: string, event: HubEvent, timeframe?: Timeframe): void {
    const targets = this.subs.filter((s) => !s.disposed && s.request.kind === kind && s.request.symbol === symbol && (timeframe === undefined || (s.request.kind === 'candles' && s.request.timeframe === timeframe)));
    if (targets.length === 0) throw new Error(`no live ${kind} subscription for ${symbol}`);
    for (const s of targets) s.consumer(event);
  }
}

export function describe(r: SubscriptionRequest): string {
  return r.kind === 'candles' ? `candles ${r.symbol} ${r.timeframe} x${r.historyBars}` : `${r.kind} ${r.symbol}`;
}

/** Lets queued microtasks (deferred releases, promise callbacks) run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
