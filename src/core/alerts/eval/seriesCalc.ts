/**
 * One per-bar series of an indicator rule, computed incrementally with trading-signals: a new bar is `add`ed, a
 * change of the bar fed last is a `replace` of the latest input (O(1) for EMA/RSI/MACD, O(period) for SMA and
 * Bollinger bands, per bar update).
 */
import { BollingerBands, EMA, MACD, RSI, SMA } from 'trading-signals';
import type { Candle } from '../../types';
import { assertNever } from '../../util/assertNever';
import type { SeriesSpec } from '../rules';

export interface SeriesCalc {
  /** Feeds the bar; returns the series value once it is stable, else undefined. */
  update(candle: Candle, replace: boolean): number | undefined;
  /** Bars needed before the first value. */
  readonly required: number;
  /** Bars of history worth loading for a converged value (EMA-based indicators depend on all past bars). */
  readonly warmupBars: number;
  readonly label: string;
}

export function seriesLabel(spec: SeriesSpec): string {
  const src = 'source' in spec && spec.source !== 'close' ? `${spec.source}, ` : '';
  switch (spec.kind) {
    case 'price':
      return spec.field;
    case 'sma':
    case 'ema':
    case 'rsi':
      return `${spec.kind.toUpperCase()}(${src}${spec.period})`;
    case 'macd':
      return `MACD${spec.line === 'macd' ? '' : ` ${spec.line}`}(${src}${spec.fast}, ${spec.slow}, ${spec.signal})`;
    case 'bollinger':
      return `Bollinger ${spec.line}(${src}${spec.period}, ${spec.stddev})`;
    default:
      return assertNever(spec);
  }
}

export function createSeriesCalc(spec: SeriesSpec): SeriesCalc {
  const label = seriesLabel(spec);
  switch (spec.kind) {
    case 'price':
      return { label, required: 1, warmupBars: 1, update: (c) => c[spec.field] };
    case 'sma':
      return indicatorCalc(label, spec.period, spec.period, () => new SMA(spec.period), (c) => c[spec.source], (r) => r);
    case 'ema':
      return indicatorCalc(label, spec.period, spec.period * 4, () => new EMA(spec.period), (c) => c[spec.source], (r) => r);
    case 'rsi':
      return indicatorCalc(label, spec.period + 1, spec.period * 5 + 1, () => new RSI(spec.period), (c) => c[spec.source], (r) => r);
    case 'macd': {
      const required = spec.line === 'macd' ? spec.slow : spec.slow + spec.signal - 1;
      const make = () => new MACD(new EMA(spec.fast), new EMA(spec.slow), new EMA(spec.signal));
      return indicatorCalc(label, required, spec.slow * 4 + spec.signal * 2, make, (c) => c[spec.source], (r) => r[spec.line]);
    }
    case 'bollinger':
      return indicatorCalc(label, spec.period, spec.period, () => new BollingerBands(spec.period, spec.stddev), (c) => c[spec.source], (r) => r[spec.line]);
    default:
      return assertNever(spec);
  }
}

interface Incremental<R> {
  update(input: number, replace: boolean): R | null;
}

function indicatorCalc<R>(label: string, required: number, warmupBars: number, make: () => Incremental<R>, input: (c: Candle) => number, pick: (r: R) => number): SeriesCalc {
  const indicator = make();
  let bars = 0;
  return {
    label,
    required,
    warmupBars,
    update(candle, replace) {
      const doReplace = replace && bars > 0;
      if (!doReplace) bars++;
      const result = indicator.update(input(candle), doReplace);
      if (result === null || bars < required) return undefined;
      const value = pick(result);
      return Number.isFinite(value) ? value : undefined;
    },
  };
}
