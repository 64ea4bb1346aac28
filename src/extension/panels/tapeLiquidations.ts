/** The liquidations beside a tape: a derivatives market's stream, or an aggregate's derivatives legs', as prints with their state named. */
import type { AggregateDefinition } from '../../core/aggregate/aggregateDefinition';
import { AggregateLiquidations, type LiquidationsSource } from '../../core/aggregate/aggregateLiquidations';
import { liquidationOrderSide } from '../../core/aggregate/derivativesLegs';
import { NoDerivativesLegError } from '../../core/errors';
import type { LiquidationsEvent, Subscription } from '../../core/hub/requests';
import type { MarketKey } from '../../core/keys';
import type { Liquidation, StreamState } from '../../core/types';
import { userMessage } from '../../core/util/log';
import type { Disposable } from '../../shared/util/disposable';
import type { TapePrint } from './tradeTape';

export interface TapeLiquidationsSink {
  /** Liquidations as prints (`side`: their order's side, amounts in base units), of an aggregate's leg `leg`. */
  prints(prints: readonly TapePrint[], leg: number | undefined): void;
  /** The stream's state changed (never called for a market without liquidations: a spot market, an aggregate of spot legs). */
  state(state: StreamState): void;
}

/**
 * Subscribes a single market's liquidations where it is a derivatives market, or an aggregate's (its derivatives
 * legs', each leg's stream shared through the hub). `ready` always resolves: a liquidation stream that cannot be had
 * ends in a `failed` state given to the sink, never in the tape's own error. dispose() gives every stream back.
 */
export function tapeLiquidations(source: LiquidationsSource, market: MarketKey, aggregate: AggregateDefinition | undefined, sink: TapeLiquidationsSink): Subscription {
  let inner: Disposable | undefined;
  let disposed = false;
  const fail = (err: unknown) => {
    if (!disposed && !(err instanceof NoDerivativesLegError)) sink.state({ status: 'failed', reason: userMessage(err) });
  };
  const onEvent = (exchangeOf: (leg: number | undefined) => string) => (e: LiquidationsEvent, leg?: number) => {
    if (disposed || e.type === 'error') return;
    if (e.type === 'state') return sink.state(e.state);
    const exchange = exchangeOf(leg);
    sink.prints(e.liquidations.map((l: Liquidation) => ({ timestamp: l.timestamp, price: l.price, amount: l.amount, side: liquidationOrderSide(exchange, l.side) })), leg);
  };
  const start = async (): Promise<void> => {
    if (aggregate) {
      const legs = aggregate.legs;
      const liquidations = new AggregateLiquidations(source, aggregate, onEvent((leg) => legs[leg ?? -1]?.exchange ?? ''));
      inner = liquidations;
      return liquidations.ready;
    }
    // Markets that cannot be loaded leave the line out: the tape's own trade stream names that trouble and retries.
    const markets = await source.markets(market.exchange).catch(() => []);
    const contract = markets.find((m) => m.symbol === market.symbol)?.contract;
    if (disposed || contract === undefined || (typeof contract !== 'string' && contract.segment === 'spot')) return;
    const sub = source.subscribe({ kind: 'liquidations', exchange: market.exchange, symbol: market.symbol }, onEvent(() => market.exchange));
    inner = sub;
    return sub.ready;
  };
  const ready = start().catch(fail);
  return {
    ready,
    dispose: () => {
      disposed = true;
      inner?.dispose();
    },
  };
}
