/** `left:` / `right:` of indicator rules: a bar field (`close`), an indicator mapping, or (right only) a number. */
import { yaml } from './yaml';
import { assertNever } from '../../util/assertNever';
import { BOLLINGER_LINES, INDICATOR_KINDS, MACD_LINES, PRICE_FIELDS, type PriceField, type SeriesSpec } from '../rules';
import { SERIES_FIELDS } from './fields';
import { describeValue, type MapReader } from './mapReader';

const MAX_PERIOD = 1000;

export function parseSeries(rule: MapReader, key: 'left' | 'right'): SeriesSpec | number | undefined {
  const node = rule.valueNode(key);
  if (node === undefined) {
    rule.missing(key);
    return undefined;
  }
  const span = rule.valueSpan(key);
  const expected = key === 'right' ? 'a number, a bar field (open, high, low, close, volume) or an indicator such as { indicator: ema, period: 50 }' : 'a bar field (open, high, low, close, volume) or an indicator such as { indicator: rsi, period: 14 }';
  if (yaml().isScalar(node)) {
    if (typeof node.value === 'number' && key === 'right' && Number.isFinite(node.value)) return node.value;
    if (typeof node.value === 'string' && (PRICE_FIELDS as readonly string[]).includes(node.value)) return { kind: 'price', field: node.value as PriceField };
    rule.fail(`"${key}" must be ${expected}, got ${describeValue(node.value)}`, span);
    return undefined;
  }
  if (!yaml().isMap(node)) {
    rule.fail(`"${key}" must be ${expected}`, span);
    return undefined;
  }
  const m = rule.child(node);
  const spec = readIndicator(m);
  if (m.failed || spec === undefined) {
    rule.failed = true;
    return undefined;
  }
  return spec;
}

function readIndicator(m: MapReader): SeriesSpec | undefined {
  const kind = m.oneOf('indicator', INDICATOR_KINDS, { required: true });
  if (kind === undefined) {
    m.checkKeys([...new Set(Object.values(SERIES_FIELDS).flat())], '');
    return undefined;
  }
  m.checkKeys(SERIES_FIELDS[kind], `for indicator ${kind}`);
  const source = m.oneOf('source', PRICE_FIELDS) ?? 'close';
  switch (kind) {
    case 'sma':
    case 'ema':
    case 'rsi': {
      const period = m.number('period', { required: true, integer: true, min: kind === 'rsi' ? 2 : 1, max: MAX_PERIOD });
      return period === undefined ? undefined : { kind, period, source };
    }
    case 'macd': {
      const fast = m.number('fast', { integer: true, min: 1, max: MAX_PERIOD }) ?? 12;
      const slow = m.number('slow', { integer: true, min: 2, max: MAX_PERIOD }) ?? 26;
      const signal = m.number('signal', { integer: true, min: 1, max: MAX_PERIOD }) ?? 9;
      const line = m.oneOf('line', MACD_LINES) ?? 'macd';
      if (fast >= slow) m.fail(`"fast" (${fast}) must be shorter than "slow" (${slow})`, m.has('fast') ? m.valueSpan('fast') : m.valueSpan('slow'));
      return { kind, fast, slow, signal, line, source };
    }
    case 'bollinger': {
      const period = m.number('period', { integer: true, min: 2, max: MAX_PERIOD }) ?? 20;
      const stddev = m.number('stddev', { above: 0, max: 10 }) ?? 2;
      const line = m.oneOf('line', BOLLINGER_LINES) ?? 'middle';
      return { kind, period, stddev, line, source };
    }
    default:
      return assertNever(kind);
  }
}
