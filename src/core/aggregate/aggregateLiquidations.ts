/** An aggregate's liquidations as one stream: the liquidation streams of its derivatives legs (spot legs have none). */
import type { LiquidationsEvent, Subscription, SubscriptionRequest } from '../hub/requests';
import type { MarketInfo } from '../exchange/marketDataClient';
import type { StreamState } from '../types';
import { userMessage } from '../util/log';
import { DisposableStore, type Disposable } from '../../shared/util/disposable';
import type { AggregateDefinition } from './aggregateDefinition';
import { systemTimers, type ScheduleTimer } from '../util/scheduleTimer';
import { aggregateState, FIRST_DATA_WAIT_MS, LegOpening, type LegStatus } from './aggregateState';
import { derivativesLegs } from './derivativesLegs';

/** What it needs of the hub: the legs' markets and their liquidation streams. */
export interface LiquidationsSource {
  markets(exchange: string): Promise<readonly MarketInfo[]>;
  subscribe(request: Extract<SubscriptionRequest, { kind: 'liquidations' }>, consumer: (event: LiquidationsEvent) => void): Subscription;
}

export interface AggregateLiquidationsOptions {
  /** Ends the wait for the legs' first data (FIRST_DATA_WAIT_MS); injected in tests. */
  readonly schedule?: ScheduleTimer;
}

/**
 * Starts at once; `ready` rejects, naming the aggregate, when its legs do not fit their markets, or with a
 * NoDerivativesLegError when none is a derivatives market. Liquidations are passed on as each leg's stream gives them (amounts already in base units);
 * the state is the derivatives legs' as an aggregate chart's: connecting while legs only await their first data
 * (LegOpening), degraded on a failed leg, one reconnecting after it was live, or one without data FIRST_DATA_WAIT_MS
 * after the streams started. dispose() gives every leg's stream back and ends that wait.
 */
export class AggregateLiquidations implements Disposable {
  readonly ready: Promise<void>;
  private readonly subscriptions = new DisposableStore();
  private disposed = false;
  private cancelFirstDataWait: (() => void) | undefined;

  constructor(
    private readonly source: LiquidationsSource,
    private readonly definition: AggregateDefinition,
    /** `leg`: with a `liquidations` event, the index in the definition of the leg it came from. */
    private readonly consumer: (event: LiquidationsEvent, leg?: number) => void,
    private readonly opts: AggregateLiquidationsOptions = {},
  ) {
    this.ready = this.start();
  }

  dispose(): void {
    this.disposed = true;
    this.cancelFirstDataWait?.();
    this.cancelFirstDataWait = undefined;
    this.subscriptions.dispose();
  }

  private async start(): Promise<void> {
    const derivatives = await derivativesLegs((exchange) => this.source.markets(exchange), this.definition, 'liquidations');
    if (this.disposed) return;
    const markets = derivatives.map((l) => ({ exchange: l.exchange, symbol: l.symbol }));
    const streamStates: StreamState[] = derivatives.map(() => ({ status: 'connecting' }));
    const openings = derivatives.map(() => new LegOpening());
    let waitOver = false;
    const emitState = () => {
      const legs: LegStatus[] = markets.map((market, i) => {
        const state = streamStates[i] as StreamState;
        const opening = (openings[i] as LegOpening).of(state, waitOver);
        return { market, state, ...(opening !== undefined ? { opening } : {}) };
      });
      if (openings.every((o) => o.delivered)) {
        this.cancelFirstDataWait?.();
        this.cancelFirstDataWait = undefined;
      }
      this.consumer({ type: 'state', state: aggregateState(legs) });
    };
    // From the streams' start: a leg still without data then is overdue, and the aggregate reads degraded.
    this.cancelFirstDataWait = (this.opts.schedule ?? systemTimers)(() => {
      this.cancelFirstDataWait = undefined;
      if (this.disposed) return;
      waitOver = true;
      if (!openings.every((o) => o.delivered)) emitState();
    }, FIRST_DATA_WAIT_MS);
    derivatives.forEach((leg, i) => {
      const index = this.definition.legs.findIndex((l) => l.exchange === leg.exchange && l.symbol === leg.symbol);
      const setState = (state: StreamState) => {
        streamStates[i] = state;
        emitState();
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
