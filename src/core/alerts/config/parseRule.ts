/** One item of `rules:` → a validated AlertRule with the defaults applied, or undefined (diagnostics reported). */
import { yaml } from './yaml';
import { TIMEFRAMES, type Timeframe } from '../../timeframes';
import { assertNever } from '../../util/assertNever';
import { slugifyRuleName } from '../ruleIdentity';
import {
  BUILTIN_DEFAULTS,
  DEFAULT_AUTO_PAUSE,
  FREQUENCIES,
  RULE_TYPES,
  type AlertRule,
  type AutoPause,
  type Clause,
  type RuleDefaults,
  type RuleType,
  type ThresholdOp,
} from '../rules';
import type { DiagnosticSink, SourceRange } from './diagnostics';
import { AUTO_PAUSE_FIELDS, COMMON_RULE_FIELDS, RULE_ID_PATTERN, RULE_TYPE_FIELDS } from './fields';
import type { MapReader } from './mapReader';
import { AGGREGATE_EXCHANGE } from '../../aggregate/aggregateDefinition';
import { exchangeIdProblem } from '../../exchange/exchangeIds';
import { parseSeries } from './parseSeries';
import { MAX_EXCHANGE_ID_CHARS, MAX_SYMBOL_CHARS } from '../../../shared/util/marketName';
import { MAX_RULE_ID_CHARS, MAX_RULE_NAME_CHARS } from './bounds';
import { quoteShort } from '../../../shared/util/shortText';

/** Where a rule and each of its fields are in the file: for runtime errors shown in the editor. */
export interface RuleRanges {
  readonly rule: SourceRange;
  /** Value range of every field present, by field name. */
  readonly fields: Readonly<Record<string, SourceRange>>;
}

export interface ParsedRule {
  readonly rule: AlertRule;
  /** The `id:` value, or the `name:` value when the id was derived from it: where a duplicate id is reported. */
  readonly idSpan: readonly [number, number];
  readonly ranges: RuleRanges;
}

const ALL_RULE_FIELDS = [...new Set([...COMMON_RULE_FIELDS, ...Object.values(RULE_TYPE_FIELDS).flat()])];
const BAR_TYPES: readonly RuleType[] = ['percentage_change', 'volatility', 'indicator'];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Specific = DistributiveOmit<AlertRule, keyof CommonFields>;
type CommonFields = Pick<AlertRule, 'id' | 'name' | 'exchange' | 'symbol' | 'timeframe' | 'frequency' | 'cooldownMs' | 'expires' | 'enabled' | 'autoPause'>;

export function parseRule(r: MapReader, defaults: RuleDefaults, sink: DiagnosticSink, now?: number): ParsedRule | undefined {
  const type = r.oneOf('type', RULE_TYPES, { required: true });
  checkFields(r, type);

  const idGiven = r.string('id', { maxLength: MAX_RULE_ID_CHARS, pattern: RULE_ID_PATTERN, patternHint: 'must start with a letter or digit and contain only letters, digits, ".", "_" and "-"' });
  const nameGiven = r.string('name', { maxLength: MAX_RULE_NAME_CHARS });
  if (!r.has('id') && !r.has('name')) r.missing('name');
  let id = idGiven;
  if (id === undefined && !r.has('id') && nameGiven !== undefined) {
    id = slugifyRuleName(nameGiven);
    if (id === undefined) r.fail('cannot derive an id from this name: add an "id" field', r.valueSpan('name'));
  }
  const name = nameGiven ?? idGiven;
  if (id !== undefined) r.subject = `rule ${quoteShort(id)}`;

  const exchange = r.string('exchange', { maxLength: MAX_EXCHANGE_ID_CHARS, check: ruleExchangeProblem }) ?? (r.has('exchange') ? undefined : defaults.exchange);
  if (exchange === undefined && !r.has('exchange')) r.missing('exchange', '(or set defaults.exchange)');
  const symbol = r.string('symbol', { required: true, maxLength: MAX_SYMBOL_CHARS });

  let timeframe: Timeframe | undefined = r.oneOf('timeframe', TIMEFRAMES);
  if (timeframe === undefined && !r.has('timeframe')) {
    timeframe = defaults.timeframe;
    if (timeframe === undefined && type !== undefined && BAR_TYPES.includes(type)) r.missing('timeframe', `(${type} rules evaluate on candles; or set defaults.timeframe)`);
    timeframe ??= BUILTIN_DEFAULTS.timeframe;
  }
  const frequency = r.oneOf('frequency', FREQUENCIES) ?? defaults.frequency ?? BUILTIN_DEFAULTS.frequency;
  const cooldownMs = r.duration('cooldown') ?? defaults.cooldownMs ?? BUILTIN_DEFAULTS.cooldownMs;
  const expires = r.timestamp('expires');
  if (expires !== undefined && now !== undefined && expires <= now) r.fail('"expires" is in the past: this rule will never fire', r.valueSpan('expires'), 'warning');
  const enabled = r.boolean('enabled') ?? true;
  const autoPauseGiven = parseAutoPause(r);
  const autoPauseSetting = autoPauseGiven ?? defaults.autoPause ?? DEFAULT_AUTO_PAUSE;

  const specific = type === undefined ? undefined : parseSpecific(r, type);
  if (exchange === AGGREGATE_EXCHANGE && specific !== undefined && (specific.type === 'spread' || (specific.type === 'price_level' && specific.source !== 'last'))) {
    r.fail(`an aggregate has no bid/ask: ${specific.type === 'spread' ? 'spread rules' : `price_level with source: ${specific.source}`} need one exchange's market`, r.has('exchange') ? r.valueSpan('exchange') : r.valueSpan('type'));
  }
  if (r.failed || specific === undefined || id === undefined || name === undefined || exchange === undefined || symbol === undefined || timeframe === undefined) return undefined;

  const common: CommonFields = {
    id,
    name,
    exchange,
    symbol,
    timeframe,
    frequency,
    cooldownMs,
    ...(expires !== undefined ? { expires } : {}),
    enabled,
    autoPause: autoPauseSetting === false ? undefined : autoPauseSetting,
  };
  const fields: Record<string, SourceRange> = {};
  for (const key of r.keys()) fields[key] = r.valueRange(key);
  const [s, e] = r.nodeSpan();
  return {
    rule: { ...common, ...specific } as AlertRule,
    idSpan: r.has('id') ? r.valueSpan('id') : r.valueSpan('name'),
    ranges: { rule: sink.range(s, e), fields },
  };
}

/** A ccxt exchange id with streams, or `aggregate` (the rule's symbol then names one of the aggregates). */
export function ruleExchangeProblem(id: string): string | undefined {
  return id === AGGREGATE_EXCHANGE ? undefined : exchangeIdProblem(id);
}

function checkFields(r: MapReader, type: RuleType | undefined): void {
  const allowed = type === undefined ? ALL_RULE_FIELDS : [...COMMON_RULE_FIELDS, ...RULE_TYPE_FIELDS[type]];
  for (const key of r.keys()) {
    if (allowed.includes(key)) continue;
    if (type !== undefined && ALL_RULE_FIELDS.includes(key)) {
      const owners = RULE_TYPES.filter((t) => RULE_TYPE_FIELDS[t].includes(key));
      r.fail(`field "${key}" does not apply to ${type} rules (it belongs to ${owners.join(', ')})`, r.keySpan(key));
    }
  }
  r.checkKeys(ALL_RULE_FIELDS, type === undefined ? '' : `for type ${type}`);
}

/** `autoPause: false` switches it off; a mapping overrides the limits. */
export function parseAutoPause(r: MapReader): AutoPause | false | undefined {
  const node = r.valueNode('autoPause');
  if (node === undefined) return undefined;
  if (yaml().isScalar(node) && typeof node.value === 'boolean') return node.value ? DEFAULT_AUTO_PAUSE : false;
  if (!yaml().isMap(node)) {
    r.fail('"autoPause" must be false, true or a mapping { maxFires, window }', r.valueSpan('autoPause'));
    return undefined;
  }
  const m = r.map('autoPause');
  if (!m) return undefined;
  m.checkKeys(AUTO_PAUSE_FIELDS, 'in autoPause');
  const maxFires = m.number('maxFires', { integer: true, min: 1 }) ?? DEFAULT_AUTO_PAUSE.maxFires;
  const windowMs = m.duration('window', { min: 1 }) ?? DEFAULT_AUTO_PAUSE.windowMs;
  if (m.failed) {
    r.failed = true;
    return undefined;
  }
  return { maxFires, windowMs };
}

function parseSpecific(r: MapReader, type: RuleType): Specific | undefined {
  switch (type) {
    case 'price_level': {
      const source = r.oneOf('source', ['last', 'bid', 'ask'] as const) ?? BUILTIN_DEFAULTS.source;
      const clauses = readClauses(r, ['above', 'below', 'crosses'], { above: 0 });
      return clauses && { type, source, clauses };
    }
    case 'percentage_change': {
      const lookback = r.number('lookback', { required: true, integer: true, min: 1, max: 1000 });
      const clauses = readClauses(r, ['above', 'below'], {});
      return lookback !== undefined && clauses ? { type, lookback, clauses } : undefined;
    }
    case 'volatility': {
      const measure = r.oneOf('measure', ['range', 'stdev'] as const) ?? BUILTIN_DEFAULTS.measure;
      const lookback = r.number('lookback', { required: true, integer: true, min: measure === 'stdev' ? 2 : 1, max: 1000 });
      const clauses = readClauses(r, ['above', 'below'], { min: 0 });
      return lookback !== undefined && clauses ? { type, measure, lookback, clauses } : undefined;
    }
    case 'cvd_change':
    case 'cvd_level':
    case 'cvd_ratio': {
      const windowMs = r.duration('window', { required: true, min: 1000 });
      const clauses = readClauses(r, ['above', 'below'], type === 'cvd_ratio' ? { min: 0, max: 1 } : {});
      return windowMs !== undefined && clauses ? { type, windowMs, clauses } : undefined;
    }
    case 'indicator': {
      const left = parseSeries(r, 'left');
      const op = r.oneOf('op', ['above', 'below', 'crosses_above', 'crosses_below'] as const, { required: true });
      const right = parseSeries(r, 'right');
      if (typeof left === 'number') return undefined; // parseSeries never returns a number for left
      return left !== undefined && op !== undefined && right !== undefined ? { type, left, op, right } : undefined;
    }
    case 'liquidations': {
      const windowMs = r.duration('window', { required: true, min: 1000 });
      const clauses = readClauses(r, ['above'], { min: 0 });
      return windowMs !== undefined && clauses ? { type, windowMs, clauses } : undefined;
    }
    case 'spread': {
      const unit = r.oneOf('unit', ['absolute', 'percent'] as const) ?? BUILTIN_DEFAULTS.unit;
      const clauses = readClauses(r, ['above', 'below'], { min: 0 });
      return clauses && { type, unit, clauses };
    }
    default:
      return assertNever(type);
  }
}

/** The threshold fields present, as clauses; at least one is required. */
function readClauses(r: MapReader, ops: readonly Extract<ThresholdOp, 'above' | 'below' | 'crosses'>[], limits: { min?: number; max?: number; above?: number }): Clause[] | undefined {
  const clauses: Clause[] = [];
  for (const op of ops) {
    if (!r.has(op)) continue;
    const level = r.number(op, limits);
    if (level !== undefined) clauses.push({ op, level });
  }
  if (!ops.some((op) => r.has(op))) {
    const list = ops.map((o) => `"${o}"`);
    r.fail(`needs ${list.length > 2 ? `${list.slice(0, -1).join(', ')} or ${list.at(-1)}` : list.join(' or ')}`, r.headSpan());
    return undefined;
  }
  return r.failed ? undefined : clauses;
}
