/**
 * The trades, ticker or liquidations subscription of one market (last-price, CVD, bid/ask, spread and liquidations rules): every update goes
 * through each distinct evaluator once, O(1), and its reading to each rule of the group.
 */
import { AGGREGATE_EXCHANGE } from '../../aggregate/aggregateDefinition';
import type { LiquidationsEvent, LostHole, Subscription, TickerEvent, TradesEvent } from '../../hub/requests';
import { isoSecond } from '../ruleStatus';
import { assertNever } from '../../util/assertNever';
import type { EvaluatorGroup } from '../eval/evaluatorGroup';
import { Feed, type FeedContext, type FeedMember } from './feed';
import type { FeedSpec } from './feedSpec';

type TickSpec = Extract<FeedSpec, { kind: 'trades' | 'ticker' | 'liquidations' }>;

export class TickFeed extends Feed {
  constructor(
    private readonly tick: TickSpec,
    ctx: FeedContext,
  ) {
    super(tick, ctx);
  }

  /**
   * Ticks stamped before a rule joins are history, not news: Coinbase opens a trade stream with its last 50 trades,
   * minutes or hours old, and after a restart these include the very trades the rule fired on before it. They set the
   * rule's crossing state and windows; it fires from its start on (by its market's clock: a replay's own).
   */
  override add(member: FeedMember): void {
    member.runner.warmUntil = Math.max(member.runner.warmUntil, this.ctx.clock.now());
    super.add(member);
  }

  protected subscribe(): Subscription {
    const { exchange, symbol } = this.tick;
    const onEvent = (e: TradesEvent | TickerEvent | LiquidationsEvent) => {
      switch (e.type) {
        case 'trades':
          if (e.lost) return this.holeLost(e.lost);
          return this.deliver(e.late ? (g) => g.lateTrades(e.trades) : (g) => g.trades(e.trades));
        case 'ticker':
          return this.deliver((g) => g.ticker(e.ticker));
        case 'liquidations':
          return this.deliver((g) => g.liquidations(e.liquidations));
        case 'state':
          return this.onState(e.state);
        case 'error':
          return this.onError(e.message);
        default:
          assertNever(e);
      }
    };
    const kind = this.tick.kind;
    switch (kind) {
      case 'trades':
        return this.ctx.hub.subscribe({ kind: 'trades', exchange, symbol }, onEvent, { lateTrades: true });
      case 'ticker':
        return this.ctx.hub.subscribe({ kind: 'ticker', exchange, symbol }, onEvent);
      case 'liquidations':
        return this.ctx.hub.subscribe({ kind: 'liquidations', exchange, symbol }, onEvent);
      default:
        return assertNever(kind);
    }
  }

  /** One market's trades keep their windows over a reconnect: the hub sends its hole's trades late, or tells it lost (holeLost). */
  protected override onGap(): void {
    const holeFollows = this.tick.kind === 'trades' && this.tick.exchange !== AGGREGATE_EXCHANGE;
    this.forEachGroup((g) => g.gap(holeFollows));
  }

  /** The hole the last gap bridged over will not come: the windows missing its trades start over, saying why. */
  private holeLost(hole: LostHole): void {
    const span = hole.until === undefined ? `from ${isoSecond(hole.from)}` : `${isoSecond(hole.from)} to ${isoSecond(hole.until)}`;
    const why = `the trades missed while reconnecting (${span}) could not be fetched: ${hole.reason}`;
    this.ctx.log.warn(`${this.description}: ${why}; the rules reading its trade windows start them over`);
    this.forEachGroup((g) => g.holeLost(why));
    this.changed();
  }

  private deliver(f: (g: EvaluatorGroup) => void): void {
    this.dataError = undefined;
    this.forEachGroup(f);
    this.changed();
  }
}
