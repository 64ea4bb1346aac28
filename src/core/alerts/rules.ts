/**
 * Validated alert rules: what `parseAlertsConfig` produces from alerts.yaml and what the engine, the evaluators and
 * the backtest consume. Plain data (JSON-safe): defaults are already applied, durations are milliseconds, dates
 * are epoch milliseconds.
 */
import type { Timeframe } from '../timeframes';

export const RULE_TYPES = ['price_level', 'percentage_change', 'volatility', 'cvd_change', 'cvd_level', 'cvd_ratio', 'indicator', 'spread', 'liquidations'] as const;
export type RuleType = (typeof RULE_TYPES)[number];

export const FREQUENCIES = ['once', 'once_per_bar', 'once_per_bar_close', 'every_time'] as const;
/**
 * - `once`: fires once, then stays done until the rule is edited (or re-armed);
 * - `once_per_bar`: at most once per bar of the rule's timeframe, evaluated on every update;
 * - `once_per_bar_close`: evaluated only when a bar closes (crosses compare consecutive closes);
 * - `every_time`: every evaluation where the condition holds (still subject to the cooldown).
 */
export type Frequency = (typeof FREQUENCIES)[number];

/** Level-triggered comparisons with a constant, and the edge-triggered crosses (the previous value on the other side). */
export type ThresholdOp = 'above' | 'below' | 'crosses' | 'crosses_above' | 'crosses_below';

/** One comparison of the rule's value with a constant; a rule holds when any of its clauses holds. */
export interface Clause {
  readonly op: ThresholdOp;
  readonly level: number;
}

/** Auto-pause: a rule firing more than `maxFires` times within `windowMs` is paused instead of firing again. */
export interface AutoPause {
  readonly maxFires: number;
  readonly windowMs: number;
}

export const DEFAULT_AUTO_PAUSE: AutoPause = { maxFires: 5, windowMs: 60_000 };

interface RuleBase {
  /** Unique; from `id:`, or derived from the name ("BTC above 61k" → "btc-above-61k"). */
  readonly id: string;
  readonly name: string;
  readonly exchange: string;
  readonly symbol: string;
  /**
   * The bars of the rule: the candles bar-based rules evaluate on, and for every rule the bar that
   * `once_per_bar` / `once_per_bar_close` count in.
   */
  readonly timeframe: Timeframe;
  readonly frequency: Frequency;
  /** Quiet time after each fire, in market time. 0 = none. */
  readonly cooldownMs: number;
  /** Epoch ms; no fire at or after it. */
  readonly expires?: number;
  readonly enabled: boolean;
  /** Undefined: auto-pause switched off (`autoPause: false`). */
  readonly autoPause: AutoPause | undefined;
}

export type PriceSource = 'last' | 'bid' | 'ask';

/** Last trade (trades stream) or best bid / ask (ticker stream) against price levels. */
export interface PriceLevelRule extends RuleBase {
  readonly type: 'price_level';
  readonly source: PriceSource;
  readonly clauses: readonly Clause[];
}

/** Percent change of the close over `lookback` bars of the timeframe. */
export interface PercentageChangeRule extends RuleBase {
  readonly type: 'percentage_change';
  readonly lookback: number;
  readonly clauses: readonly Clause[];
}

export type VolatilityMeasure = 'range' | 'stdev';

/** range = (max high − min low) / close %, stdev = standard deviation of close-to-close returns %, over `lookback` bars. */
export interface VolatilityRule extends RuleBase {
  readonly type: 'volatility';
  readonly measure: VolatilityMeasure;
  readonly lookback: number;
  readonly clauses: readonly Clause[];
}

/**
 * Cumulative volume delta (taker buy − taker sell volume, base units) from the trade stream:
 * - `cvd_change`: over the rolling window — the CVD now minus the CVD `window` ago;
 * - `cvd_level`: anchored — the CVD accumulated since the start of the current window period (UTC-aligned, so
 *   `window: 1d` is the daily CVD that resets at 00:00 UTC);
 * - `cvd_ratio`: buy volume / total volume over the rolling window (0..1).
 */
export interface CvdRule extends RuleBase {
  readonly type: 'cvd_change' | 'cvd_level' | 'cvd_ratio';
  readonly windowMs: number;
  readonly clauses: readonly Clause[];
}

export const PRICE_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;
export type PriceField = (typeof PRICE_FIELDS)[number];

export const INDICATOR_KINDS = ['sma', 'ema', 'rsi', 'macd', 'bollinger'] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];
export const MACD_LINES = ['macd', 'signal', 'histogram'] as const;
export const BOLLINGER_LINES = ['upper', 'middle', 'lower'] as const;

/** A per-bar series: a bar field, or an indicator computed over a bar field (close by default). */
export type SeriesSpec =
  | { readonly kind: 'price'; readonly field: PriceField }
  | { readonly kind: 'sma' | 'ema' | 'rsi'; readonly period: number; readonly source: PriceField }
  | { readonly kind: 'macd'; readonly fast: number; readonly slow: number; readonly signal: number; readonly line: (typeof MACD_LINES)[number]; readonly source: PriceField }
  | { readonly kind: 'bollinger'; readonly period: number; readonly stddev: number; readonly line: (typeof BOLLINGER_LINES)[number]; readonly source: PriceField };

export type IndicatorOp = 'above' | 'below' | 'crosses_above' | 'crosses_below';

/** `left op right` on the timeframe's candles; right is a constant or another series. */
export interface IndicatorRule extends RuleBase {
  readonly type: 'indicator';
  readonly left: SeriesSpec;
  readonly op: IndicatorOp;
  readonly right: SeriesSpec | number;
}

export type SpreadUnit = 'absolute' | 'percent';

/** ask − bid from the ticker, in quote currency (`absolute`) or as a percent of the mid price. */
export interface SpreadRule extends RuleBase {
  readonly type: 'spread';
  readonly unit: SpreadUnit;
  readonly clauses: readonly Clause[];
}

/**
 * Liquidated notional (quote currency: base amount × price, contract sizes applied) over the rolling `window`, from
 * the market's liquidation stream (derivatives markets only), against `above`.
 */
export interface LiquidationsRule extends RuleBase {
  readonly type: 'liquidations';
  readonly windowMs: number;
  readonly clauses: readonly Clause[];
}

export type AlertRule = PriceLevelRule | PercentageChangeRule | VolatilityRule | CvdRule | IndicatorRule | SpreadRule | LiquidationsRule;

export type NotifierConfig =
  | { readonly type: 'console'; readonly json?: boolean }
  | ({
      readonly type: 'webhook';
      readonly url: string;
      readonly headers?: Readonly<Record<string, string>>;
    } & NotifierDelivery)
  | ({
      readonly type: 'email';
      readonly host: string;
      readonly port: number;
      readonly secure?: boolean;
      readonly user?: string;
      /** Name of the environment variable holding the SMTP password (never the password itself). */
      readonly passwordEnv?: string;
      readonly from: string;
      readonly to: readonly string[];
    } & NotifierDelivery);

/** How a webhook or email notifier delivers: each attempt's timeout, and retries after the first attempt. */
export interface NotifierDelivery {
  readonly timeoutMs?: number;
  readonly retries?: number;
}

/** The `defaults:` block, as given (applied to every rule that does not set the field). */
export interface RuleDefaults {
  readonly exchange?: string;
  readonly timeframe?: Timeframe;
  readonly frequency?: Frequency;
  readonly cooldownMs?: number;
  readonly autoPause?: AutoPause | false;
}

/** Built-in defaults where neither the rule nor `defaults:` say. */
export const BUILTIN_DEFAULTS = { frequency: 'once_per_bar', cooldownMs: 0, timeframe: '1m', source: 'last', measure: 'range', unit: 'percent' } as const;

/** Rule types evaluated on candles: they need a timeframe of their own. */
export function isBarRule(rule: AlertRule): rule is PercentageChangeRule | VolatilityRule | IndicatorRule {
  return rule.type === 'percentage_change' || rule.type === 'volatility' || rule.type === 'indicator';
}
