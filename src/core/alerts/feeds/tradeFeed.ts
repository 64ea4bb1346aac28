/** The trades subscription of one market: last-price and CVD rules, every trade to every rule (O(1) each). */
import type { Subscription, TradesEvent } from '../../hub/requests';
import { assertNever } from '../../util/assertNever';
import { Feed } from './feed';

export class TradeFeed extends Feed {
  protected subscribe(): Subscription {
    const { exchange, symbol } = this.spec;
    return this.ctx.hub.subscribe({ kind: 'trades', exchange, symbol }, (e: TradesEvent) => {
      switch (e.type) {
        case 'trades':
          this.dataError = undefined;
          this.forEachMember((m) => m.runner.trades(e.trades));
          this.changed();
          return;
        case 'state':
          return this.onState(e.state);
        case 'error':
          return this.onError(e.message);
        default:
          assertNever(e);
      }
    });
  }

  protected override onGap(): void {
    this.forEachMember((m) => m.runner.gap());
  }
}
