/**
 * The trades, ticker or liquidations subscription of one market (last-price, CVD, bid/ask, spread and liquidations rules): every update goes
 * through each distinct evaluator once, O(1), and its reading to each rule of the group. One market's trades after a
 * reconnect: while the hub owes the hole (live, catching up) the windowed rules are given nothing, then the hole's
 * trades and the stream's since, in time order (OwedHole); the others read on and take the hole late.
 */
import { AGGREGATE_EXCHANGE } from '../../aggregate/aggregateDefinition';
import type { LiquidationsEvent, LostHole, Subscription, TickerEvent, TradesEvent } from '../../hub/requests';
import type { StreamState, Trade } from '../../types';
import { isoSecond, type FeedTrouble } from '../ruleStatus';
import { assertNever } from '../../util/assertNever';
import type { EvaluatorGroup } from '../eval/evaluatorGroup';
import { Feed, type FeedContext, type FeedMember } from './feed';
import type { FeedSpec } from './feedSpec';
import { MAX_OWED_TRADES, OwedHole } from './owedHole';

type TickSpec = Extract<FeedSpec, { kind: 'trades' | 'ticker' | 'liquidations' }>;

/** One object: the engine compares troubles by identity (see StatusUpkeep). */
const CATCHING_UP_TRADES: FeedTrouble = { kind: 'catching_up', reason: 'the trades missed while reconnecting are being fetched' };

export class TickFeed extends Feed {
  /** One market's trades: a reconnect's hole comes late, or is told lost (see TradesEvent). */
  private readonly holeFollows: boolean;
  /** While the hub owes a reconnect's hole: what the windowed rules are given once it is in. */
  private owed: OwedHole | undefined;

  constructor(
    private readonly tick: TickSpec,
    ctx: FeedContext,
  ) {
    super(tick, ctx);
    this.holeFollows = tick.kind === 'trades' && tick.exchange !== AGGREGATE_EXCHANGE;
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
          if (this.owed) return this.holdBack(this.owed, e.trades, e.late === true);
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
    const holeFollows = this.holeFollows;
    this.forEachGroup((g) => g.gap(holeFollows));
  }

  /** Live and catching up: a hole is owed, the windowed rules wait for it; live: every hole is in, they read on. */
  protected override onState(state: StreamState): void {
    if (this.holeFollows && state.status === 'live') {
      if (state.catchingUp) this.owed ??= new OwedHole();
      else this.caughtUp();
    }
    super.onState(state);
  }

  protected override catchingUp(): FeedTrouble {
    return this.holeFollows ? CATCHING_UP_TRADES : super.catchingUp();
  }

  /** Went back in time (a replay seeked back): what was held is of before. */
  override rewound(): void {
    if (this.owed) this.owed = new OwedHole();
    super.rewound();
  }

  /** The hole the last gap bridged over will not come: the windows missing its trades start over, saying why. */
  private holeLost(hole: LostHole): void {
    const span = hole.until === undefined ? `from ${isoSecond(hole.from)}` : `${isoSecond(hole.from)} to ${isoSecond(hole.until)}`;
    const why = `the trades missed while reconnecting (${span}) could not be fetched: ${hole.reason}`;
    // Said as a warning where it was lost (the hub, the candle series) and in each rule's status: a detail here.
    this.ctx.log.debug(`${this.description}: ${why}; the rules reading its trade windows start them over`);
    this.owed?.lost(hole.until);
    this.forEachGroup((g) => g.holeLost(why));
    this.changed();
  }

  /**
   * A hole is owed: the rules that judge each trade on its own read on (the hole's late); the windowed ones wait.
   * Held past MAX_OWED_TRADES, the oldest are let go: the windows start over after them, saying why (as a lost hole's).
   */
  private holdBack(owed: OwedHole, trades: readonly Trade[], late: boolean): void {
    const letGoUntil = owed.hold(trades);
    if (letGoUntil !== undefined) {
      const why = `over ${MAX_OWED_TRADES} trades came while the trades missed while reconnecting were fetched: those to ${isoSecond(letGoUntil)} were let go`;
      // Only this feed knows it (the hub sent every trade): a warning here.
      this.ctx.log.warn(`${this.description}: ${why}; the rules reading its trade windows start them over`);
      this.forEachGroup((g) => {
        if (g.waitsForHoles) g.holeLost(why);
      });
    }
    this.deliver((g) => {
      if (g.waitsForHoles) return;
      if (late) g.lateTrades(trades);
      else g.trades(trades);
    });
  }

  /** No hole owed any more: the windowed rules read what was held, in time order, as the stream had sent it. */
  private caughtUp(): void {
    const owed = this.owed;
    if (!owed) return;
    this.owed = undefined;
    const trades = owed.release();
    if (trades.length === 0) return;
    this.forEachGroup((g) => {
      if (g.waitsForHoles) g.trades(trades);
    });
  }

  private deliver(f: (g: EvaluatorGroup) => void): void {
    this.dataError = undefined;
    this.forEachGroup(f);
    this.changed();
  }
}
