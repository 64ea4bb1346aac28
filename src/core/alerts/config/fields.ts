/**
 * The allowed fields of every mapping in alerts.yaml, in one place: the parser rejects anything else, and a unit
 * test checks that schemas/alerts.schema.json allows exactly the same names.
 */
import type { IndicatorKind, RuleType } from '../rules';

export const TOP_LEVEL_FIELDS = ['version', 'defaults', 'aggregates', 'rules', 'notifiers'] as const;

export const DEFAULTS_FIELDS = ['exchange', 'timeframe', 'frequency', 'cooldown', 'autoPause'] as const;

export const AUTO_PAUSE_FIELDS = ['maxFires', 'window'] as const;

export const COMMON_RULE_FIELDS = ['id', 'name', 'type', 'exchange', 'symbol', 'timeframe', 'frequency', 'cooldown', 'expires', 'enabled', 'autoPause'] as const;

export const RULE_TYPE_FIELDS: Readonly<Record<RuleType, readonly string[]>> = {
  price_level: ['source', 'above', 'below', 'crosses'],
  percentage_change: ['lookback', 'above', 'below'],
  volatility: ['measure', 'lookback', 'above', 'below'],
  cvd_change: ['window', 'above', 'below'],
  cvd_level: ['window', 'above', 'below'],
  cvd_ratio: ['window', 'above', 'below'],
  indicator: ['left', 'op', 'right'],
  spread: ['unit', 'above', 'below'],
  liquidations: ['window', 'above'],
};

export const SERIES_FIELDS: Readonly<Record<IndicatorKind, readonly string[]>> = {
  sma: ['indicator', 'period', 'source'],
  ema: ['indicator', 'period', 'source'],
  rsi: ['indicator', 'period', 'source'],
  macd: ['indicator', 'fast', 'slow', 'signal', 'line', 'source'],
  bollinger: ['indicator', 'period', 'stddev', 'line', 'source'],
};

export const NOTIFIER_FIELDS = {
  console: ['type', 'json'],
  webhook: ['type', 'url', 'timeoutMs', 'retries', 'headers'],
  email: ['type', 'host', 'port', 'secure', 'user', 'passwordEnv', 'from', 'to', 'timeoutMs', 'retries'],
} as const;

export type NotifierType = keyof typeof NOTIFIER_FIELDS;
export const NOTIFIER_TYPES = Object.keys(NOTIFIER_FIELDS) as NotifierType[];

/** Rule ids: what `id:` accepts and what names are slugified into. */
export const RULE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
