/**
 * schemas/alerts.schema.json (for editors) and the engine's parser must agree: same field names everywhere, the
 * examples valid for both, the same mistakes rejected by both.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { LEG_PATTERN } from '../../../src/core/aggregate/parseAggregateSetting';
import { parseAlertsConfig } from '../../../src/core/alerts/config/parseAlertsConfig';
import { MAX_DURATION_DAYS } from '../../../src/core/alerts/duration';
import { MAX_RULE_ID_CHARS, MAX_RULE_NAME_CHARS } from '../../../src/core/alerts/config/bounds';
import { MAX_EXCHANGE_ID_CHARS, MAX_SYMBOL_CHARS } from '../../../src/shared/util/marketName';
import { AUTO_PAUSE_FIELDS, COMMON_RULE_FIELDS, DEFAULTS_FIELDS, NOTIFIER_FIELDS, RULE_TYPE_FIELDS, SERIES_FIELDS, TOP_LEVEL_FIELDS } from '../../../src/core/alerts/config/fields';
import { FREQUENCIES, INDICATOR_KINDS, RULE_TYPES } from '../../../src/core/alerts/rules';
import { TIMEFRAMES } from '../../../src/core/timeframes';

const root = path.resolve(__dirname, '../../..');
const schema = JSON.parse(readFileSync(path.join(root, 'schemas/alerts.schema.json'), 'utf8'));
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

type Json = Record<string, any>;
const defs = schema.definitions as Json;
const sorted = (xs: Iterable<string>) => [...xs].sort();

function schemaOk(text: string): boolean {
  return validate(parse(text) ?? {}) as boolean;
}

function parserErrors(text: string): string[] {
  return parseAlertsConfig(text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.line}:${d.column} ${d.message}`);
}

/** ```yaml blocks of the README. */
function readmeBlocks(): string[] {
  const md = readFileSync(path.join(root, 'README.md'), 'utf8');
  return [...md.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('alerts JSON schema ↔ parser', () => {
  it("states the parser's longest duration (a regex cannot hold the cap), and the parser refuses one past it", () => {
    assert.match(defs.duration.description as string, new RegExp(`at most ${MAX_DURATION_DAYS} days`));
    const head = 'rules:\n  - ';
    assert.deepEqual(parserErrors(`${head}{ name: a, type: price_level, exchange: binance, symbol: X/Y, above: 1, cooldown: ${MAX_DURATION_DAYS}d }`), []);
    assert.equal(parserErrors(`${head}{ name: a, type: price_level, exchange: binance, symbol: X/Y, above: 1, cooldown: ${MAX_DURATION_DAYS + 1}d }`).length, 1);
  });

  it("states the parser's longest id, name, exchange and symbol (an aggregate leg's too); both refuse one past it", () => {
    const rule = defs.rule.properties as Json;
    assert.deepEqual(
      [rule.id.maxLength, rule.name.maxLength, rule.exchange.maxLength, defs.defaults.properties.exchange.maxLength, rule.symbol.maxLength],
      [MAX_RULE_ID_CHARS, MAX_RULE_NAME_CHARS, MAX_EXCHANGE_ID_CHARS, MAX_EXCHANGE_ID_CHARS, MAX_SYMBOL_CHARS],
    );
    assert.equal(defs.aggregate.properties.legs.items.pattern, LEG_PATTERN, "an aggregate's legs, as the parser's (and the setting's: legPattern)");
    const text = (symbol: string) => `rules:\n  - { name: a, type: price_level, exchange: binance, symbol: ${symbol}, above: 1 }`;
    assert.deepEqual([schemaOk(text('X'.repeat(MAX_SYMBOL_CHARS))), parserErrors(text('X'.repeat(MAX_SYMBOL_CHARS)))], [true, []]);
    assert.deepEqual([schemaOk(text('X'.repeat(MAX_SYMBOL_CHARS + 1))), parserErrors(text('X'.repeat(MAX_SYMBOL_CHARS + 1))).length], [false, 1]);
  });

  it('allows exactly the fields the parser allows', () => {
    assert.deepEqual(sorted(Object.keys(schema.properties)), sorted(TOP_LEVEL_FIELDS));
    assert.deepEqual(sorted(Object.keys(defs.defaults.properties)), sorted(DEFAULTS_FIELDS));
    assert.deepEqual(sorted(Object.keys(defs.autoPause.oneOf[1].properties)), sorted(AUTO_PAUSE_FIELDS));
    assert.deepEqual(sorted(Object.keys(defs.rule.properties)), sorted(new Set([...COMMON_RULE_FIELDS, ...Object.values(RULE_TYPE_FIELDS).flat()])));
    assert.deepEqual(sorted(defs.rule.properties.type.enum), sorted(RULE_TYPES));
    for (const type of RULE_TYPES) {
      const branch = (defs.rule.allOf as Json[]).find((b) => b.if.properties.type.const === type);
      assert.ok(branch, `a branch for ${type}`);
      assert.deepEqual(sorted(branch.then.propertyNames.enum), sorted([...COMMON_RULE_FIELDS, ...RULE_TYPE_FIELDS[type]]), type);
    }
    assert.deepEqual(sorted(defs.indicatorSeries.properties.indicator.enum), sorted(INDICATOR_KINDS));
    for (const kind of INDICATOR_KINDS) {
      const branch = (defs.indicatorSeries.allOf as Json[]).find((b) => b.if.properties.indicator.const === kind);
      assert.deepEqual(sorted(branch!.then.propertyNames.enum), sorted(SERIES_FIELDS[kind]), kind);
    }
    const notifiers = defs.notifier.oneOf as Json[];
    assert.deepEqual(sorted(notifiers.map((n) => n.properties.type.const)), sorted(Object.keys(NOTIFIER_FIELDS)));
    for (const n of notifiers) assert.deepEqual(sorted(Object.keys(n.properties)), sorted(NOTIFIER_FIELDS[n.properties.type.const as keyof typeof NOTIFIER_FIELDS]));
    assert.deepEqual(defs.timeframe.enum, [...TIMEFRAMES]);
    assert.deepEqual(defs.frequency.enum, [...FREQUENCIES]);
  });

  const examples = ['src/core/alerts/alerts.example.yaml', 'examples/alerts.yaml'].filter((f) => existsSync(path.join(root, f)));
  for (const file of examples) {
    it(`${file} is valid for both`, () => {
      const text = readFileSync(path.join(root, file), 'utf8');
      assert.deepEqual(parseAlertsConfig(text, { now: Date.UTC(2025, 0, 1) }).diagnostics, []);
      assert.ok(schemaOk(text), JSON.stringify(validate.errors, null, 1));
    });
  }

  it('the example covers every rule type and every notifier', () => {
    const cfg = parseAlertsConfig(readFileSync(path.join(root, 'src/core/alerts/alerts.example.yaml'), 'utf8'));
    assert.deepEqual(sorted(new Set(cfg.rules.map((r) => r.type))), sorted(RULE_TYPES));
    assert.deepEqual(sorted(cfg.notifiers.map((n) => n.type)), sorted(Object.keys(NOTIFIER_FIELDS)));
  });

  it('every yaml block of the README is valid for both', () => {
    const blocks = readmeBlocks();
    assert.ok(blocks.length >= 7);
    for (const block of blocks) {
      // a fragment showing only notifiers has no rules, which a whole file must have
      const fragment = !/^rules:/m.test(block);
      assert.deepEqual(parserErrors(block).filter((e) => !(fragment && /no rules/.test(e))), [], block);
      assert.ok(schemaOk(block), `${block}\n${JSON.stringify(validate.errors, null, 1)}`);
    }
  });

  const head = 'defaults: { exchange: binance }\nrules:\n  - ';
  const bad: Array<[string, string]> = [
    ['unknown rule type', `${head}{ name: a, type: price_levle, symbol: X/Y, above: 1 }`],
    ['unknown field', `${head}{ name: a, type: price_level, symbol: X/Y, above: 1, abov: 2 }`],
    ['a field of another type', `${head}{ name: a, type: price_level, symbol: X/Y, above: 1, window: 5m }`],
    ['bad duration', `${head}{ name: a, type: price_level, symbol: X/Y, above: 1, cooldown: 5 minutes }`],
    ['bare number as duration', `${head}{ name: a, type: price_level, symbol: X/Y, above: 1, cooldown: 30 }`],
    ['missing symbol', `${head}{ name: a, type: price_level, above: 1 }`],
    ['no condition', `${head}{ name: a, type: price_level, symbol: X/Y }`],
    ['missing lookback', `${head}{ name: a, type: percentage_change, symbol: X/Y, timeframe: 1m, above: 1 }`],
    ['ratio over 1', `${head}{ name: a, type: cvd_ratio, symbol: X/Y, window: 1m, above: 2 }`],
    ['bad timeframe', `${head}{ name: a, type: indicator, symbol: X/Y, timeframe: 7m, left: close, op: above, right: 1 }`],
    ['bad op', `${head}{ name: a, type: indicator, symbol: X/Y, timeframe: 1m, left: close, op: crosses, right: 1 }`],
    ['sma without period', `${head}{ name: a, type: indicator, symbol: X/Y, timeframe: 1m, left: close, op: above, right: { indicator: sma } }`],
    ['macd line on bollinger', `${head}{ name: a, type: indicator, symbol: X/Y, timeframe: 1m, left: close, op: above, right: { indicator: bollinger, line: histogram } }`],
    ['number on the left', `${head}{ name: a, type: indicator, symbol: X/Y, timeframe: 1m, left: 3, op: above, right: close }`],
    ['bad expires', `${head}{ name: a, type: spread, symbol: X/Y, above: 1, expires: tomorrow }`],
    ['bad id', `${head}{ id: "-x", name: a, type: spread, symbol: X/Y, above: 1 }`],
    ['unknown top-level key', 'rule: []'],
    ['bad notifier', 'rules: []\nnotifiers:\n  - { type: webhook, url: ftp://x }'],
    ['email without to', 'rules: []\nnotifiers:\n  - { type: email, host: h, port: 25, from: a@b.c }'],
    ['liquidations without a window', `${head}{ name: a, type: liquidations, symbol: X/Y:Y, above: 1000 }`],
    ['liquidations below a level', `${head}{ name: a, type: liquidations, symbol: X/Y:Y, window: 1m, below: 1000 }`],
    ['negative liquidations level', `${head}{ name: a, type: liquidations, symbol: X/Y:Y, window: 1m, above: -5 }`],
    ['autoPause with a bad window', `${head}{ name: a, type: spread, symbol: X/Y, above: 1, autoPause: { maxFires: 3, window: 1 } }`],
  ];
  for (const [what, text] of bad) {
    it(`both reject: ${what}`, () => {
      assert.ok(parserErrors(text).length > 0, `parser accepted:\n${text}`);
      assert.ok(!schemaOk(text), `schema accepted:\n${text}`);
    });
  }
});
