/** The ticker subscription of one market: bid / ask price levels and spread rules. */
import type { Subscription, TickerEvent } from '../../hub/requests';
import { assertNever } from '../../util/assertNever';
import { Feed } from './feed';

export class TickerFeed extends Feed {
  protected subscribe(): Subscription {
    const { exchange, symbol } = this.spec;
    return this.ctx.hub.subscribe({ kind: 'ticker', exchange, symbol }, (e: TickerEvent) => {
      switch (e.type) {
        case 'ticker':
          this.dataError = undefined;
          this.forEachMember((m) => m.runner.ticker(e.ticker));
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
