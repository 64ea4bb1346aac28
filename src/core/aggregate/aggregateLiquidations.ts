/** An aggregate's liquidations as one stream: the liquidation streams of its derivatives legs (spot legs have none). */
import type { LiquidationsEvent, Subscription, SubscriptionRequest } from '../hub/requests';
import type { MarketInfo } from '../exchange/marketDataClient';
import type { StreamState } from '../types';
import { userMessage } from '../util/log';
import { DisposableStore, type Disposable } from '../../shared/util/disposable';
import type { AggregateDefinition } from './aggregateDefinition';
import { aggregateState, type LegStatus } from './aggregateState';
import { derivativesLegs } from './derivativesLegs';

/** What it needs of the hub: the legs' markets and their liquidation streams. */
export interface LiquidationsSource {
  markets(exchange: string): Promise<readonly MarketInfo[]>;
  subscribe(request: Extract<SubscriptionRequest, { kind: 'liquidations' }>, consumer: (event: LiquidationsEvent) => void): Subscription;
}

/**
 * Starts at once; `ready` rejects, naming the aggregate, when its legs do not fit their markets, or with a
 * NoDerivativesLegError when none is a derivatives market. Liquidations are passed on as each leg's stream gives them (amounts already in base units);
 * the state is the derivatives legs' (degraded while some are down). dispose() gives every leg's stream back.
 */
export class AggregateLiquidations implements Disposable {
  readonly ready: Promise<void>;
  private readonly subscriptions = new DisposableStore();
  private disposed = false;

  constructor(
    private readonly source: LiquidationsSource,
    private readonly definition: AggregateDefinition,
    /** `leg`: with a `liquidations` event, the index in the definition of the leg it came from. */
    private readonly consumer: (event: LiquidationsEvent, leg?: number) => void,
  ) {
    this.ready = this.start();
  }

  dispose(): void {
    this.disposed = true;
    this.subscriptions.dispose();
  }

  private async start(): Promise<void> {
    const derivatives = await derivativesLegs((exchange) => this.source.markets(exchange), this.definition, 'liquidations');
    if (this.disposed) return;
    const legs: LegStatus[] = derivatives.map((l) => ({ market: { exchange: l.exchange, symbol: l.symbol }, state: { status: 'connecting' } }));
    derivatives.forEach((leg, i) => {
      const index = this.definition.legs.findIndex((l) => l.exchange === leg.exchange && l.symbol === leg.symbol);
      const setState = (state: StreamState) => {
        legs[i] = { market: { exchange: leg.exchange, symbol: leg.symbol }, state };
        this.consumer({ type: 'state', state: aggregateState(legs) });
      };
      const sub = this.source.subscribe({ kind: 'liquidations', exchange: leg.exchange, symbol: leg.symbol }, (e) => {
        if (this.disposed) return;
        if (e.type === 'state') setState(e.state);
        else if (e.type === 'liquidations') this.consumer(e, index);
        else this.consumer(e);
      });
      this.subscriptions.add(sub);
      sub.ready.catch((err: unknown) => {
        if (!this.disposed) setState({ status: 'failed', reason: userMessage(err) });
      });
    });
  }
}
