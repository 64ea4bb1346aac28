/**
 * Evaluators turn one kind of market data into readings of a rule's value. They hold only incremental state (O(1)
 * per trade or ticker; per bar update at most the indicator's own cost) and never compare or fire: the
 * RuleRunner does that, identically for live data and for backtests.
 */
import type { Candle, Liquidation, Ticker, Trade } from '../../types';
import type { ReadingSink } from './reading';

/** How a reading is worded in an alert message. */
export interface Wording {
  /** "BTC/USDT last", "BTC/USDT 1h RSI(14)". */
  readonly subject: string;
  /** Formats the value and the levels it is compared with: "61,020.5", "+2.31%". */
  format(value: number): string;
  /** Names the right-hand series, for rules comparing two series: "EMA(50)". */
  readonly refLabel?: string;
}

interface EvaluatorBase extends Wording {
  /** Enough data to produce readings. */
  readonly ready: boolean;
  /** What it is waiting for while not ready, e.g. "needs 50 closed bars, has 12". */
  warmupDetail(): string;
}

/** One update of the newest bar: a new bar (replace false) or a change of the bar seen last (replace true). */
export interface BarUpdate {
  readonly candle: Candle;
  /** The bar is closed: no more trades belong to it. */
  readonly final: boolean;
  readonly replace: boolean;
  /** Time of the newest trade the bar holds, when the update says (live candle deltas do). */
  readonly dataTime?: number;
}

export interface CandleEvaluator extends EvaluatorBase {
  readonly input: 'candles';
  /** Bars of history it needs before its first reading (the candle subscription asks for at least this many). */
  readonly warmupBars: number;
  /** Rebuilds the state from scratch: closed bars oldest first, then the bar in progress; readings go to `emit`. */
  reset(closed: readonly Candle[], current: Candle | undefined, emit: ReadingSink): void;
  bar(update: BarUpdate, emit: ReadingSink): void;
}

export interface TradeEvaluator extends EvaluatorBase {
  readonly input: 'trades';
  /**
   * Reads a window of trades (CVD): after a reconnect it is given nothing until the hole's trades are in, then
   * everything in time order (TickFeed), as a window lacking them would read wrong. One that judges each trade on
   * its own (the last price) reads on at once and takes the hole's trades late.
   */
  readonly windowed: boolean;
  trade(trade: Trade, emit: ReadingSink): void;
  /**
   * Trades older than some already taken (an aggregate leg's hole filled after its merged stream passed it), in
   * their order, each given once: a single trade's value is judged as a late reading (Reading.lateAt); a window
   * counts those of its observation in their place and is read at its newest time (never back in time).
   */
  late(trades: readonly Trade[], emit: ReadingSink): void;
  /** The stream had a gap whose trades will not come (an aggregate redefined): windowed state starts over. */
  reset(): void;
  /**
   * The stream had a gap whose trades come after it as late trades (one market's reconnect: the hub fetches its hole
   * from REST): windowed state is kept, for them to take their places in it. Should they not come (the hole lost),
   * reset() follows (EvaluatorGroup.holeLost).
   */
  bridge(): void;
}

export interface TickerEvaluator extends EvaluatorBase {
  readonly input: 'ticker';
  ticker(ticker: Ticker, emit: ReadingSink): void;
  reset(): void;
}

export interface LiquidationEvaluator extends EvaluatorBase {
  readonly input: 'liquidations';
  liquidation(liquidation: Liquidation, emit: ReadingSink): void;
  reset(): void;
}

export type Evaluator = CandleEvaluator | TradeEvaluator | TickerEvaluator | LiquidationEvaluator;
