/**
 * The trades or ticker subscription of one market (last-price, CVD, bid/ask and spread rules): every update goes
 * through each distinct evaluator once, O(1), and its reading to each rule of the group.
 */
import type { Subscription, TickerEvent, TradesEvent } from '../../hub/requests';
import { assertNever } from '../../util/assertNever';
import type { EvaluatorGroup } from '../eval/evaluatorGroup';
import { Feed, type FeedContext } from './feed';
import type { FeedSpec } from './feedSpec';

type TickSpec = Extract<FeedSpec, { kind: 'trades' | 'ticker' }>;

export class TickFeed extends Feed {
  constructor(
    private readonly tick: TickSpec,
    ctx: FeedContext,
  ) {
    super(tick, ctx);
  }

  protected subscribe(): Subscription {
    const { exchange, symbol } = this.tick;
    const onEvent = (e: TradesEvent | TickerEvent) => {
      switch (e.type) {
        case 'trades':
          return this.deliver((g) => g.trades(e.trades));
        case 'ticker':
          return this.deliver((g) => g.ticker(e.ticker));
        case 'state':
          return this.onState(e.state);
        case 'error':
          return this.onError(e.message);
        default:
          assertNever(e);
      }
    };
    return this.tick.kind === 'trades' ? this.ctx.hub.subscribe({ kind: 'trades', exchange, symbol }, onEvent) : this.ctx.hub.subscribe({ kind: 'ticker', exchange, symbol }, onEvent);
  }

  protected override onGap(): void {
    this.forEachGroup((g) => g.gap());
  }

  private deliver(f: (g: EvaluatorGroup) => void): void {
    this.dataError = undefined;
    this.forEachGroup(f);
    this.changed();
  }
}
