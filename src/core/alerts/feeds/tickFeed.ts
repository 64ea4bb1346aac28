/**
 * The trades or ticker subscription of one market (last-price, CVD, bid/ask and spread rules): every update goes
 * to every member rule, O(1) each.
 */
import type { Subscription, TickerEvent, TradesEvent } from '../../hub/requests';
import { assertNever } from '../../util/assertNever';
import { Feed, type FeedContext, type FeedMember } from './feed';
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
          return this.deliver((m) => m.runner.trades(e.trades));
        case 'ticker':
          return this.deliver((m) => m.runner.ticker(e.ticker));
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
    this.forEachMember((m) => m.runner.gap());
  }

  private deliver(f: (m: FeedMember) => void): void {
    this.dataError = undefined;
    this.forEachMember(f);
    this.changed();
  }
}
