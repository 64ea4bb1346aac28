/**
 * Every string of alerts.yaml is bounded where it is read: an overlong value is an error at it naming the rule and
 * the field, and no message (the Problems panel, the bot's log, a notification) repeats more than a shortened form.
 */
import * as assert from 'node:assert/strict';
import { checkRuleSymbols, parseAlertsConfig, type AlertRule } from '../../../src/core/alerts';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import { exchangeIdProblem } from '../../../src/core/exchange/exchangeIds';
import { quoteShort } from '../../../src/shared/util/shortText';

const HUGE = 100_000;
/** Longer than any message about a value has reason to be: a name, a field, the rule and a shortened value. */
const MESSAGE_LIMIT = 600;
const GOOD = '  - { id: good, type: spread, exchange: binance, symbol: BTC/USDT, above: 1 }\n';

function assertShortMessages(messages: readonly string[], what: string): void {
  assert.ok(messages.length > 0, `${what}: a problem is reported`);
  for (const m of messages) assert.ok(m.length <= MESSAGE_LIMIT, `${what}: a message of ${m.length} characters: ${m.slice(0, 200)}…`);
}

describe('alerts config: string lengths', () => {
  it('a 100,000-character symbol is refused at its value, naming the rule and the field, showing it shortened; the other rules are kept', () => {
    const symbol = `BTC${'X'.repeat(HUGE - 6)}USD`;
    const cfg = parseAlertsConfig(`rules:\n${GOOD}  - { id: long-symbol, type: spread, exchange: binance, symbol: ${symbol}, above: 1 }\n`);
    assert.deepEqual(cfg.rules.map((r) => r.id), ['good']);
    assert.equal(cfg.diagnostics.length, 1);
    const d = cfg.diagnostics[0]!;
    assert.deepEqual([d.severity, d.line, d.column, d.endColumn], ['error', 3, 65, 65 + HUGE]);
    assert.match(d.message, /^rule "long-symbol": "symbol" is longer than 100 characters: "BTCX+…X+USD" \(100,000 characters\)$/);
    assertShortMessages([d.message], 'symbol');
  });

  it('a rule whose id is what is too long is named by its place in the list', () => {
    const cfg = parseAlertsConfig(`rules:\n${GOOD}  - { id: ${'a'.repeat(HUGE)}, type: spread, exchange: binance, symbol: BTC/USDT, above: 1 }\n`);
    assert.deepEqual(cfg.rules.map((r) => r.id), ['good']);
    assert.match(cfg.diagnostics[0]!.message, /^rules\[1\]: "id" is longer than 100 characters: "a+…a+" \(100,000 characters\)$/);
  });

  // Each line is a rule (or a notifier) with one field set to a 100,000-character value.
  const huge = 'Z'.repeat(HUGE);
  const cases: ReadonlyArray<readonly [field: string, yaml: string]> = [
    ['id (not an id)', `  - { id: "${huge} x", type: spread, exchange: binance, symbol: BTC/USDT, above: 1 }`],
    ['name', `  - { name: ${huge}, type: spread, exchange: binance, symbol: BTC/USDT, above: 1 }`],
    ['exchange', `  - { id: r, type: spread, exchange: ${huge.toLowerCase()}, symbol: BTC/USDT, above: 1 }`],
    ['exchange (short enough, unknown)', `  - { id: r, type: spread, exchange: ${'z'.repeat(39)}, symbol: BTC/USDT, above: 1 }`],
    ['type', `  - { id: r, type: ${huge}, exchange: binance, symbol: BTC/USDT, above: 1 }`],
    ['timeframe', `  - { id: r, type: spread, timeframe: ${huge}, exchange: binance, symbol: BTC/USDT, above: 1 }`],
    ['frequency', `  - { id: r, type: spread, frequency: ${huge}, exchange: binance, symbol: BTC/USDT, above: 1 }`],
    ['cooldown', `  - { id: r, type: spread, cooldown: ${huge}, exchange: binance, symbol: BTC/USDT, above: 1 }`],
    ['cooldown (a valid duration, too long)', `  - { id: r, type: spread, cooldown: ${'1s'.repeat(HUGE / 2)}, exchange: binance, symbol: BTC/USDT, above: 1 }`],
    ['expires', `  - { id: r, type: spread, expires: ${huge}, exchange: binance, symbol: BTC/USDT, above: 1 }`],
    ['enabled', `  - { id: r, type: spread, enabled: ${huge}, exchange: binance, symbol: BTC/USDT, above: 1 }`],
    ['above', `  - { id: r, type: spread, exchange: binance, symbol: BTC/USDT, above: ${huge} }`],
    ['unit', `  - { id: r, type: spread, unit: ${huge}, exchange: binance, symbol: BTC/USDT, above: 1 }`],
    ['source', `  - { id: r, type: price_level, source: ${huge}, exchange: binance, symbol: BTC/USDT, above: 1 }`],
    ['an unknown field name', `  - { id: r, type: spread, ${huge}: 1, exchange: binance, symbol: BTC/USDT, above: 1 }`],
    ['indicator left', `  - { id: r, type: indicator, timeframe: 1m, exchange: binance, symbol: BTC/USDT, left: ${huge}, op: above, right: 1 }`],
    ['indicator kind', `  - { id: r, type: indicator, timeframe: 1m, exchange: binance, symbol: BTC/USDT, left: { indicator: ${huge} }, op: above, right: 1 }`],
    ['autoPause window', `  - { id: r, type: spread, autoPause: { window: ${huge} }, exchange: binance, symbol: BTC/USDT, above: 1 }`],
  ];
  for (const [field, yaml] of cases) {
    it(`a huge ${field}: the rule is refused with messages of at most ${MESSAGE_LIMIT} characters`, () => {
      const cfg = parseAlertsConfig(`rules:\n${GOOD}${yaml}\n`);
      assert.deepEqual(cfg.rules.map((r) => r.id), ['good']);
      assertShortMessages(cfg.diagnostics.map((d) => d.message), field);
    });
  }

  const notifierCases: ReadonlyArray<readonly [field: string, yaml: string]> = [
    ['webhook url', `  - { type: webhook, url: https://${huge} }`],
    ['webhook url (not one)', `  - { type: webhook, url: ${huge} }`],
    ['header value', `  - { type: webhook, url: https://x.example.com, headers: { X-A: "${huge}" } }`],
    ['header name', `  - { type: webhook, url: https://x.example.com, headers: { "${huge} x": a } }`],
    ['email host', `  - { type: email, host: ${huge}, port: 25, from: a@example.com, to: b@example.com }`],
    ['email user', `  - { type: email, host: h, user: ${huge}, port: 25, from: a@example.com, to: b@example.com }`],
    ['email passwordEnv', `  - { type: email, host: h, passwordEnv: "${huge} x", port: 25, from: a@example.com, to: b@example.com }`],
    ['email from', `  - { type: email, host: h, port: 25, from: ${huge}, to: b@example.com }`],
    ['email to', `  - { type: email, host: h, port: 25, from: a@example.com, to: ${huge} }`],
    ['email to (an address)', `  - { type: email, host: h, port: 25, from: a@example.com, to: ${huge}@example.com }`],
    ['notifier type', `  - { type: ${huge} }`],
  ];
  for (const [field, yaml] of notifierCases) {
    it(`a huge ${field}: the notifier is refused with messages of at most ${MESSAGE_LIMIT} characters`, () => {
      const cfg = parseAlertsConfig(`rules:\n${GOOD}notifiers:\n${yaml}\n`);
      assert.deepEqual(cfg.rules.map((r) => r.id), ['good']);
      assert.equal(cfg.notifiers.length, 0, `${field}: no notifier kept`);
      assertShortMessages(cfg.diagnostics.map((d) => d.message), field);
    });
  }

  it('defaults.exchange and an aggregate name: refused with short messages', () => {
    const cfg = parseAlertsConfig(`defaults: { exchange: ${huge.toLowerCase()} }\naggregates:\n  - { name: ${huge}, legs: ["binance:BTC/USDT", "bybit:BTC/USDT:USDT"] }\nrules:\n${GOOD}`);
    assert.deepEqual(cfg.rules.map((r) => r.id), ['good']);
    assert.deepEqual(cfg.aggregates, []);
    assertShortMessages(cfg.diagnostics.map((d) => d.message), 'defaults and aggregates');
    assert.equal(cfg.diagnostics.length, 2);
  });

  it('values within the limits are kept whole (a long but real name, a long symbol of an option-like market)', () => {
    const name = `BTC breaks out ${'above the range '.repeat(10)}`.trim();
    const symbol = 'BTC/USDT:USDT-261225-100000-C';
    const cfg = parseAlertsConfig(`rules:\n  - { name: ${name}, type: spread, exchange: binance, symbol: ${symbol}, above: 1 }\n`);
    assert.deepEqual(cfg.diagnostics, []);
    assert.deepEqual(cfg.rules.map((r) => [r.name, r.symbol]), [[name, symbol]]);
  });
});

describe('unknown symbols and aggregates: what the messages repeat is bounded', () => {
  const rule = (over: Partial<AlertRule>): AlertRule => ({ id: 'r', name: 'r', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m', frequency: 'once', cooldownMs: 0, enabled: true, autoPause: undefined, type: 'spread', unit: 'absolute', clauses: [{ op: 'above', level: 1 }], ...over }) as AlertRule;
  const market = (symbol: string, base: string, quote: string): MarketInfo => ({ symbol, base, quote, active: true, tickSize: 0.01 });

  it('a rule built without the parser, markets with long names and a long failure: every message and reason is short', async () => {
    const long = `BTC/${'Q'.repeat(HUGE)}`;
    const markets = Array.from({ length: 5 }, (_, i) => market(`BTC/${String(i).repeat(HUGE)}`, 'BTC', String(i).repeat(HUGE)));
    const check = await checkRuleSymbols(
      [rule({ id: 'x'.repeat(HUGE), symbol: long }), rule({ id: 'agg', exchange: 'aggregate', symbol: long }), rule({ id: 'k', exchange: 'kraken' })],
      new Map(),
      async (exchange) => {
        if (exchange === 'kraken') throw new Error(`NetworkError: ${'<html>'.repeat(HUGE)}`);
        return markets;
      },
      Array.from({ length: 1000 }, (_, i) => `AGG ${i} ${'n'.repeat(50)}`),
    );
    assertShortMessages([...check.diagnostics.map((d) => d.message), ...check.unchecked.map((u) => u.reason)], 'symbol check');
    assert.equal(check.diagnostics.length, 2);
    assert.match(check.diagnostics[0]!.message, /^unknown symbol "BTC\/Q+…Q+" \(100,004 characters\) on binance: rule "x+…x+" \(100,000 characters\) can never alert; did you mean one of "BTC\/0+…0+" \(100,004 characters\)/);
    assert.match(check.diagnostics[1]!.message, /\(defined: "AGG 0 n+", .*, and 995 more\)$/);
  });

  it('an exchange id that is not one is shown shortened wherever it is checked', () => {
    assertShortMessages([exchangeIdProblem('q'.repeat(HUGE)) ?? ''], 'exchange id');
  });
});

describe('quoteShort', () => {
  it('keeps a short value whole and quoted, escaping what could break a line', () => {
    assert.equal(quoteShort('BTC/USDT'), '"BTC/USDT"');
    assert.equal(quoteShort('a\nb"c\\\u0007'), '"a\\nb\\"c\\\\\\u0007"');
  });

  it('shortens a long value to its start and end, naming its length, without splitting a character', () => {
    const s = quoteShort(`${'a'.repeat(1000)}END`);
    assert.equal(s, `"${'a'.repeat(35)}…aaaaaaaaaEND" (1,003 characters)`);
    const emoji = quoteShort('😀'.repeat(100), 10);
    assert.doesNotMatch(emoji, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/, 'no lone surrogate');
  });
});
