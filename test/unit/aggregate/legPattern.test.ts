/**
 * package.json's schema for a leg of `tradesuite.aggregates`, and for an entry of `tradesuite.favourites` and
 * `tradesuite.recording.markets` (the same "exchange:SYMBOL"), and the settings parser give every string the same
 * verdict: VS Code underlines no entry the parser then reports, and none it takes.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LEG_PATTERN, parseAggregateSetting, parseLegRef } from '../../../src/core/aggregate/parseAggregateSetting';
import { parseSettings } from '../../../src/extension/parseSettings';
import { MAX_EXCHANGE_ID_CHARS, MAX_SYMBOL_CHARS } from '../../../src/shared/util/marketName';

interface LegsSchema {
  readonly items: { readonly pattern?: string; readonly patternErrorMessage?: string };
}
interface Manifest {
  readonly contributes: { readonly configuration: ReadonlyArray<{ readonly properties: Record<string, unknown> }> | { readonly properties: Record<string, unknown> } };
}

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;
const configurations = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
const aggregates = configurations.map((c) => c.properties['tradesuite.aggregates']).find((p) => p !== undefined) as { items: { properties: { legs: LegsSchema } } } | undefined;
const legs = aggregates?.items.properties.legs;
const listItems = (key: string) => (configurations.map((c) => c.properties[key]).find((p) => p !== undefined) as LegsSchema | undefined)?.items;

const SAMPLES: ReadonlyArray<readonly [string, string]> = [
  ['binance:BTC/USDT', 'a spot market'],
  ['bybit:BTC/USDT:USDT', 'a perpetual (a colon in its symbol)'],
  ['okx:BTC/USD:BTC-250328', 'a future'],
  ['binance::x', 'a symbol beginning with a colon'],
  ['binance:币安人生/USDT', 'a symbol in CJK characters'],
  ['binance:BTC USDT', 'a space'],
  ['binance:\u0085X', 'a C1 character'],
  [`${'x'.repeat(MAX_EXCHANGE_ID_CHARS)}:${'S'.repeat(MAX_SYMBOL_CHARS)}`, 'both at their longest'],
  [`${'x'.repeat(MAX_EXCHANGE_ID_CHARS + 1)}:BTC/USDT`, 'an exchange id too long'],
  [`binance:${'S'.repeat(MAX_SYMBOL_CHARS + 1)}`, 'a symbol too long'],
  ['binance:', 'no symbol'],
  [':BTC/USDT', 'no exchange'],
  ['binance', 'no colon'],
  ['Binance:BTC/USDT', 'an exchange id in capitals'],
  ['bin-ance:BTC/USDT', 'a dash in the exchange id'],
  ['binance:BTC\tUSDT', 'a tab'],
  ['binance:BTC/USDT\n', 'a line feed at the end'],
  ['binance:BTC\u007f', 'DEL'],
  ['binance:BTC\u2028', 'a line separator'],
  ['binance:\u{1F680}/USDT', 'a character beyond U+FFFF'],
  ['binance:\ud800/USDT', 'a lone surrogate'],
  [`binance:${'€'.repeat(MAX_SYMBOL_CHARS)}`, 'the longest symbol of characters beyond ASCII'],
];

describe("tradesuite.aggregates: package.json's leg pattern and the parser", () => {
  it('package.json spells the parser’s pattern and says what a leg is when it does not match', () => {
    assert.ok(legs, 'package.json declares tradesuite.aggregates[].legs');
    assert.equal(legs.items.pattern, LEG_PATTERN);
    assert.match(legs.items.patternErrorMessage ?? '', /exchange:SYMBOL/);
  });

  // VS Code checks a setting's pattern with the `u` flag where it compiles (the JSON language service), without it
  // elsewhere: both must agree with the parser.
  for (const flags of ['u', '']) {
    it(`gives every leg string the parser's verdict (the pattern compiled with flags "${flags}")`, () => {
      const schema = new RegExp(legs?.items.pattern ?? '(?!)', flags);
      const differ = SAMPLES.filter(([leg]) => schema.test(leg) !== (parseLegRef(leg) !== undefined)).map(([leg, what]) => `${what} (${JSON.stringify(leg)}): schema ${schema.test(leg) ? 'takes' : 'refuses'} it, the parser ${parseLegRef(leg) ? 'takes' : 'refuses'} it`);
      assert.deepEqual(differ, []);
    });
  }

  for (const key of ['favourites', 'recording.markets'] as const) {
    it(`tradesuite.${key}: package.json spells the same pattern, and the parser gives every entry the leg's verdict, reporting one refused by where it is`, () => {
      const items = listItems(`tradesuite.${key}`);
      assert.equal(items?.pattern, LEG_PATTERN);
      assert.equal(items?.patternErrorMessage, legs?.items.patternErrorMessage);
      for (const [entry, what] of SAMPLES) {
        const { settings, problems } = parseSettings((k) => (k === key ? [entry] : undefined));
        const taken = key === 'favourites' ? settings.favourites : settings.recording.markets;
        assert.equal(taken.length === 1, parseLegRef(entry) !== undefined, `${what} (${JSON.stringify(entry)})`);
        if (taken.length === 0) assert.match(problems.join('\n'), new RegExp(`^tradesuite\\.${key.replace('.', '\\.')}\\[0\\]: expected "exchange:SYMBOL"`, 'm'));
      }
    });
  }

  it('the table holds legs taken and refused, and the setting reports a leg refused by where it is', () => {
    const taken = SAMPLES.filter(([leg]) => parseLegRef(leg) !== undefined).map(([, what]) => what);
    assert.deepEqual(taken, ['a spot market', 'a perpetual (a colon in its symbol)', 'a future', 'a symbol beginning with a colon', 'a symbol in CJK characters', 'a space', 'a C1 character', 'both at their longest', 'the longest symbol of characters beyond ASCII']);
    assert.match(String(parseAggregateSetting({ name: 'a', legs: ['binance:BTC/USDT', 'binance:\u{1F680}/USDT'] }, 'tradesuite.aggregates[0]')), /^tradesuite\.aggregates\[0\]\.legs\[1\]: expected "exchange:SYMBOL"/);
  });
});
