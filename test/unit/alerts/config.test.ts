import * as assert from 'node:assert/strict';
import { parseAlertsConfig } from '../../../src/core/alerts/config/parseAlertsConfig';
import { loadAlertsConfig } from '../../../src/core/alerts/config/loadAlertsConfig';
import { MAX_FILE_CHARS } from '../../../src/core/alerts/config/bounds';
import type { Diagnostic } from '../../../src/core/alerts/config/diagnostics';
import { parseDuration, formatDuration } from '../../../src/core/alerts/duration';
import type { AlertRule } from '../../../src/core/alerts/rules';

/** The diagnostic(s) whose message matches, as [line, column, endLine, endColumn]. */
function at(diags: readonly Diagnostic[], re: RegExp): number[][] {
  return diags.filter((d) => re.test(d.message)).map((d) => [d.line, d.column, d.endLine, d.endColumn]);
}

const ids = (rules: readonly AlertRule[]) => rules.map((r) => r.id);

describe('alerts config: parsing and diagnostics', () => {
  it('parses a good rule with defaults applied and the id derived from the name', () => {
    const cfg = parseAlertsConfig(
      [
        'defaults: { exchange: binance, cooldown: 5m, frequency: once_per_bar }',
        'rules:',
        '  - name: BTC above 61k',
        '    type: price_level',
        '    symbol: BTC/USDT',
        '    above: 61000',
        '    cooldown: 10m',
        '    expires: 2026-12-31T00:00:00Z',
      ].join('\n'),
    );
    assert.deepEqual(cfg.diagnostics, []);
    assert.deepEqual(cfg.rules, [
      {
        id: 'btc-above-61k',
        name: 'BTC above 61k',
        exchange: 'binance',
        symbol: 'BTC/USDT',
        timeframe: '1m',
        frequency: 'once_per_bar',
        cooldownMs: 600_000,
        expires: Date.UTC(2026, 11, 31),
        enabled: true,
        autoPause: { maxFires: 5, windowMs: 60_000 },
        type: 'price_level',
        source: 'last',
        clauses: [{ op: 'above', level: 61000 }],
      },
    ]);
    assert.deepEqual(cfg.ranges.get('btc-above-61k')?.fields.symbol, { line: 5, column: 13, endLine: 5, endColumn: 21 });
  });

  it('reports each mistake at the exact node and keeps the good rules', () => {
    const text = [
      /*  1 */ 'defaults:',
      /*  2 */ '  exchange: binance',
      /*  3 */ 'rules:',
      /*  4 */ '  - id: good-1',
      /*  5 */ '    name: Good one',
      /*  6 */ '    type: price_level',
      /*  7 */ '    symbol: BTC/USDT',
      /*  8 */ '    crosses: 61000',
      /*  9 */ '  - name: Bad type',
      /* 10 */ '    type: price_levle',
      /* 11 */ '    symbol: BTC/USDT',
      /* 12 */ '    above: 1',
      /* 13 */ '  - name: Unknown field',
      /* 14 */ '    type: spread',
      /* 15 */ '    symbol: BTC/USDT',
      /* 16 */ '    above: 0.1',
      /* 17 */ '    treshold: 3',
      /* 18 */ '  - name: Bad duration',
      /* 19 */ '    type: cvd_change',
      /* 20 */ '    symbol: BTC/USDT',
      /* 21 */ '    window: 5 minutes',
      /* 22 */ '    above: 10',
      /* 23 */ '  - name: No symbol',
      /* 24 */ '    type: cvd_ratio',
      /* 25 */ '    window: 5m',
      /* 26 */ '    above: 0.7',
      /* 27 */ '  - id: good-1',
      /* 28 */ '    name: Duplicate',
      /* 29 */ '    type: spread',
      /* 30 */ '    symbol: ETH/USDT',
      /* 31 */ '    above: 0.2',
      /* 32 */ '  - name: Good two',
      /* 33 */ '    type: indicator',
      /* 34 */ '    symbol: BTC/USDT',
      /* 35 */ '    timeframe: 1h',
      /* 36 */ '    left: close',
      /* 37 */ '    op: crosses_above',
      /* 38 */ '    right: { indicator: ema, period: 50 }',
      /* 39 */ '  - name: Field of another type',
      /* 40 */ '    type: price_level',
      /* 41 */ '    symbol: BTC/USDT',
      /* 42 */ '    above: 1',
      /* 43 */ '    lookback: 3',
    ].join('\n');
    const cfg = parseAlertsConfig(text);
    const d = cfg.diagnostics;
    assert.deepEqual(at(d, /"type" must be one of .* got "price_levle"; did you mean "price_level"/), [[10, 11, 10, 22]]);
    assert.deepEqual(at(d, /unknown field "treshold"/), [[17, 5, 17, 13]]);
    assert.deepEqual(at(d, /"window" must be a duration .* got "5 minutes"/), [[21, 13, 21, 22]]);
    assert.deepEqual(at(d, /missing required field "symbol"/), [[23, 5, 23, 9]]);
    assert.deepEqual(at(d, /duplicate rule id "good-1"/), [[27, 9, 27, 15]]);
    assert.deepEqual(at(d, /field "lookback" does not apply to price_level rules \(it belongs to percentage_change, volatility\)/), [[43, 5, 43, 13]]);
    assert.equal(d.length, 6, d.map((x) => `${x.line}:${x.column} ${x.message}`).join('\n'));
    assert.ok(d.every((x) => x.severity === 'error'));
    assert.deepEqual(ids(cfg.rules), ['good-1', 'good-two']);
  });

  it('an unterminated string is reported at its opening quote', () => {
    const text = [
      /* 1 */ 'rules:',
      /* 2 */ '  - name: "unterminated',
      /* 3 */ '    type: price_level',
      /* 4 */ '  - name: Fine',
      /* 5 */ '    type: price_level',
      /* 6 */ '    exchange: binance',
      /* 7 */ '    symbol: BTC/USDT',
      /* 8 */ '    below: 50000',
    ].join('\n');
    const cfg = parseAlertsConfig(text);
    // Reported at the opening quote (the parser itself points at the end of the file, where the string ends).
    assert.deepEqual(at(cfg.diagnostics, /YAML syntax error: Missing closing "quote/), [[2, 11, 2, 24]]);
    // The string swallows the rest of the file, so there is no rule left to keep, and no bogus one is made.
    assert.deepEqual(cfg.rules, []);
    assert.equal(cfg.diagnostics.length, 1);
  });

  it('a YAML error in one rule (a duplicate key) does not drop its neighbours', () => {
    const text = [
      /* 1 */ 'defaults: { exchange: binance }',
      /* 2 */ 'rules:',
      /* 3 */ '  - name: A',
      /* 4 */ '    type: spread',
      /* 5 */ '    symbol: BTC/USDT',
      /* 6 */ '    above: 0.1',
      /* 7 */ '    above: 0.2',
      /* 8 */ '  - name: B',
      /* 9 */ '    type: spread',
      /* 10 */ '   symbol: ETH/USDT',
      /* 11 */ '  - name: C',
      /* 12 */ '    type: spread',
      /* 13 */ '    symbol: SOL/USDT',
      /* 14 */ '    above: 0.3',
    ].join('\n');
    const cfg = parseAlertsConfig(text);
    assert.deepEqual(at(cfg.diagnostics, /duplicate field/), [[7, 5, 7, 10]]);
    assert.ok(cfg.diagnostics.some((x) => x.line === 10 && /YAML syntax error/.test(x.message)), JSON.stringify(cfg.diagnostics));
    assert.deepEqual(ids(cfg.rules), ['c']);
  });

  it('checks value types, ranges and combinations', () => {
    const text = [
      /*  1 */ 'defaults: { exchange: binance, timeframe: 5m, frequency: sometimes }',
      /*  2 */ 'rules:',
      /*  3 */ '  - name: Bad number',
      /*  4 */ '    type: price_level',
      /*  5 */ '    symbol: BTC/USDT',
      /*  6 */ '    above: "61000"',
      /*  7 */ '  - name: No condition',
      /*  8 */ '    type: percentage_change',
      /*  9 */ '    symbol: BTC/USDT',
      /* 10 */ '    lookback: 3',
      /* 11 */ '  - name: Ratio out of range',
      /* 12 */ '    type: cvd_ratio',
      /* 13 */ '    symbol: BTC/USDT',
      /* 14 */ '    window: 1m',
      /* 15 */ '    above: 1.5',
      /* 16 */ '  - name: Bad indicator',
      /* 17 */ '    type: indicator',
      /* 18 */ '    symbol: BTC/USDT',
      /* 19 */ '    left: { indicator: macd, fast: 30, slow: 26, lines: macd }',
      /* 20 */ '    op: crosses',
      /* 21 */ '    right: 0',
      /* 22 */ '  - name: Bad cooldown and expiry',
      /* 23 */ '    type: spread',
      /* 24 */ '    symbol: BTC/USDT',
      /* 25 */ '    above: 0.1',
      /* 26 */ '    cooldown: 30',
      /* 27 */ '    expires: next tuesday',
      /* 28 */ '    enabled: yes',
    ].join('\n');
    const cfg = parseAlertsConfig(text);
    const d = cfg.diagnostics;
    assert.deepEqual(at(d, /"frequency" must be one of once, once_per_bar, once_per_bar_close, every_time, got "sometimes"/), [[1, 58, 1, 67]]);
    assert.deepEqual(at(d, /"above" must be a number, got "61000"/), [[6, 12, 6, 19]]);
    assert.deepEqual(at(d, /needs "above" or "below"/), [[7, 5, 7, 9]]);
    assert.deepEqual(at(d, /"above" must be at most 1, got 1.5/), [[15, 12, 15, 15]]);
    assert.deepEqual(at(d, /"fast" \(30\) must be shorter than "slow" \(26\)/), [[19, 36, 19, 38]]);
    assert.deepEqual(at(d, /unknown field "lines" for indicator macd; did you mean "line"\?/), [[19, 50, 19, 55]]);
    assert.deepEqual(at(d, /"op" must be one of above, below, crosses_above, crosses_below, got "crosses"/), [[20, 9, 20, 16]]);
    assert.deepEqual(at(d, /"cooldown" must be a duration .* got 30 \(add a unit/), [[26, 15, 26, 17]]);
    assert.deepEqual(at(d, /"expires" must be an ISO 8601 date-time/), [[27, 14, 27, 26]]);
    assert.deepEqual(at(d, /"enabled" must be true or false, got "yes"/), [[28, 14, 28, 17]]);
    assert.deepEqual(cfg.rules, []);
  });

  it('liquidations rules: window and above read; a bad value is named at its place, and the good rules are kept', () => {
    const text = [
      /*  1 */ 'defaults: { exchange: bybit }',
      /*  2 */ 'rules:',
      /*  3 */ '  - { id: good, name: good, type: liquidations, symbol: BTC/USDT:USDT, window: 5m, above: 1000000 }',
      /*  4 */ '  - { name: negative, type: liquidations, symbol: BTC/USDT:USDT, window: 5m, above: -1 }',
      /*  5 */ '  - { name: short window, type: liquidations, symbol: BTC/USDT:USDT, window: 500ms, above: 1 }',
      /*  6 */ '  - { name: below, type: liquidations, symbol: BTC/USDT:USDT, window: 1m, below: 1 }',
      /*  7 */ '  - { name: no window, type: liquidations, symbol: BTC/USDT:USDT, above: 1 }',
    ].join('\n');
    const cfg = parseAlertsConfig(text);
    const d = cfg.diagnostics;
    assert.deepEqual(at(d, /"above" must be at least 0, got -1/), [[4, 85, 4, 87]]);
    assert.deepEqual(at(d, /"window" must be at least 1000 ms, got 500ms/), [[5, 78, 5, 83]]);
    assert.deepEqual(at(d, /field "below" does not apply to liquidations rules/), [[6, 75, 6, 80]]);
    assert.deepEqual(at(d, /^needs "above"$/), [[6, 7, 6, 11]]);
    assert.deepEqual(at(d, /missing required field "window"/), [[7, 7, 7, 11]]);
    assert.deepEqual(cfg.rules, [
      { id: 'good', name: 'good', exchange: 'bybit', symbol: 'BTC/USDT:USDT', timeframe: '1m', frequency: 'once_per_bar', cooldownMs: 0, enabled: true, autoPause: { maxFires: 5, windowMs: 60_000 }, type: 'liquidations', windowMs: 300_000, clauses: [{ op: 'above', level: 1_000_000 }] },
    ]);
  });

  it('bar-based rules need a timeframe (from the rule or defaults); others default to 1m bars', () => {
    const text = [
      'rules:',
      '  - { name: p, type: percentage_change, exchange: binance, symbol: BTC/USDT, lookback: 3, above: 2 }',
      '  - { name: q, type: price_level, exchange: binance, symbol: BTC/USDT, below: 3 }',
    ].join('\n');
    const cfg = parseAlertsConfig(text);
    assert.deepEqual(at(cfg.diagnostics, /missing required field "timeframe" \(percentage_change rules evaluate on candles/), [[2, 7, 2, 11]]);
    assert.deepEqual(
      cfg.rules.map((r) => [r.id, r.timeframe]),
      [['q', '1m']],
    );
  });

  it('reads indicator series, autoPause and the cvd / volatility / spread fields', () => {
    const text = [
      'defaults: { exchange: binance, timeframe: 15m, autoPause: { maxFires: 3, window: 2m } }',
      'rules:',
      '  - name: RSI oversold',
      '    type: indicator',
      '    symbol: ETH/USDT',
      '    left: { indicator: rsi, period: 14 }',
      '    op: below',
      '    right: 30',
      '    frequency: once_per_bar_close',
      '  - name: Bands',
      '    type: indicator',
      '    symbol: ETH/USDT',
      '    left: high',
      '    op: crosses_above',
      '    right: { indicator: bollinger, line: upper }',
      '    autoPause: false',
      '  - { name: Vol, type: volatility, symbol: SOL/USDT, measure: stdev, lookback: 20, above: 1.5, timeframe: 1h }',
      '  - { name: Flow, type: cvd_level, symbol: SOL/USDT, window: 1d, below: -500, frequency: every_time, cooldown: 1h30m }',
      '  - { name: Wide, type: spread, symbol: SOL/USDT, unit: absolute, above: 0.05, source: bid }',
    ].join('\n');
    const cfg = parseAlertsConfig(text);
    assert.deepEqual(at(cfg.diagnostics, /field "source" does not apply to spread rules \(it belongs to price_level\)/), [[19, 80, 19, 86]]);
    assert.equal(cfg.diagnostics.length, 1);
    const [rsi, bands, vol, flow] = cfg.rules;
    assert.deepEqual(rsi && rsi.type === 'indicator' && [rsi.left, rsi.op, rsi.right, rsi.timeframe, rsi.frequency, rsi.autoPause], [
      { kind: 'rsi', period: 14, source: 'close' },
      'below',
      30,
      '15m',
      'once_per_bar_close',
      { maxFires: 3, windowMs: 120_000 },
    ]);
    assert.deepEqual(bands && bands.type === 'indicator' && [bands.left, bands.right, bands.autoPause], [
      { kind: 'price', field: 'high' },
      { kind: 'bollinger', period: 20, stddev: 2, line: 'upper', source: 'close' },
      undefined,
    ]);
    assert.deepEqual(vol && vol.type === 'volatility' && [vol.measure, vol.lookback, vol.clauses, vol.timeframe], ['stdev', 20, [{ op: 'above', level: 1.5 }], '1h']);
    assert.deepEqual(flow && flow.type === 'cvd_level' && [flow.windowMs, flow.clauses, flow.cooldownMs], [86_400_000, [{ op: 'below', level: -500 }], 5_400_000]);
  });

  it('validates notifier shapes', () => {
    const text = [
      /* 1 */ 'rules: []',
      /* 2 */ 'notifiers:',
      /* 3 */ '  - type: console',
      /* 4 */ '  - type: webhook',
      /* 5 */ '    url: ftp://example.com',
      /* 6 */ '    retries: -1',
      /* 7 */ '  - type: email',
      /* 8 */ '    host: smtp.example.com',
      /* 9 */ '    port: 587',
      /* 10 */ '    from: alerts@example.com',
      /* 11 */ '    to: [me@example.com, nobody]',
      /* 12 */ '  - type: slack',
      /* 13 */ '  - type: webhook',
      /* 14 */ '    url: https://hooks.example.com/x',
      /* 15 */ '    headers: { Authorization: Bearer abc }',
      /* 16 */ '    timeoutMs: 5000',
      /* 17 */ '  - { type: email, host: smtp.example.com, port: 465, from: a@example.com, to: b@example.com, timeoutMs: 20000, retries: 1 }',
      /* 18 */ '  - { type: email, host: smtp.example.com, port: 465, from: a@example.com, to: b@example.com, timeoutMs: 0 }',
    ].join('\n');
    const cfg = parseAlertsConfig(text);
    const d = cfg.diagnostics;
    assert.deepEqual(at(d, /"url" must be an http/), [[5, 10, 5, 27]]);
    assert.deepEqual(at(d, /"retries" must be at least 0/), [[6, 14, 6, 16]]);
    assert.deepEqual(at(d, /"to" must be an email address/), [[11, 26, 11, 32]]);
    assert.deepEqual(at(d, /"type" must be one of console, webhook, email, got "slack"/), [[12, 11, 12, 16]]);
    assert.deepEqual(at(d, /"timeoutMs" must be at least 1/).map(([line]) => line), [18]);
    assert.deepEqual(cfg.notifiers, [
      { type: 'console' },
      { type: 'webhook', url: 'https://hooks.example.com/x', timeoutMs: 5000, headers: { Authorization: 'Bearer abc' } },
      { type: 'email', host: 'smtp.example.com', port: 465, from: 'a@example.com', to: ['b@example.com'], timeoutMs: 20000, retries: 1 },
    ]);
  });

  it('top level: unknown keys, non-list rules, empty file', () => {
    assert.deepEqual(at(parseAlertsConfig('').diagnostics, /no rules: this config can never alert/), [[1, 1, 1, 1]]);
    const a = parseAlertsConfig('rule:\n  - name: x\n');
    assert.deepEqual(at(a.diagnostics, /unknown field "rule" at the top level; did you mean "rules"/), [[1, 1, 1, 5]]);
    const b = parseAlertsConfig('rules: { name: x }\n');
    assert.deepEqual(at(b.diagnostics, /"rules" must be a list/), [[1, 8, 1, 19]]);
  });

  it('warns (without dropping the rule) when expires is already past', () => {
    const cfg = parseAlertsConfig('rules:\n  - { name: old, type: spread, exchange: binance, symbol: BTC/USDT, above: 1, expires: 2020-01-01 }\n', { now: Date.UTC(2025, 0, 1) });
    assert.deepEqual(cfg.diagnostics.map((x) => [x.severity, x.line, x.column]), [['warning', 2, 88]]);
    assert.equal(cfg.rules.length, 1);
  });

  it('refuses an impossible calendar date or time in expires, at its value, naming it (never rolled over to the next month)', () => {
    const rule = (expires: string) => parseAlertsConfig(`rules:\n  - { name: x, type: spread, exchange: binance, symbol: BTC/USDT, above: 1, expires: ${expires} }\n`, { now: Date.UTC(2026, 0, 1) });
    for (const bad of ['2026-02-30', '2026-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-12-31T24:00:00Z', '2026-12-31T23:60', '2026-12-31T23:59:60Z', '2026-12-31T12:00+24:00']) {
      const cfg = rule(bad);
      assert.equal(cfg.rules.length, 0, bad);
      assert.deepEqual(cfg.diagnostics.map((d) => [d.severity, d.message, d.line, d.column]), [['error', `"expires" is not a valid date: "${bad}"`, 2, 86]], bad);
    }
    assert.equal(rule('2028-02-29').rules[0]?.expires, Date.UTC(2028, 1, 29), 'a leap day');
    assert.equal(rule('2026-12-31T23:59:59.5+01:30').rules[0]?.expires, Date.UTC(2026, 11, 31, 22, 29, 59, 500));
    assert.equal(rule('2026-12-31 08:15').rules[0]?.expires, Date.UTC(2026, 11, 31, 8, 15), 'UTC without an offset');
  });

  it('caps every duration at 365 days, with an error at the value naming the field and the limit', () => {
    const config = (d: string) =>
      parseAlertsConfig(
        [
          `defaults: { cooldown: ${d}, autoPause: { maxFires: 3, window: ${d} } }`,
          'rules:',
          `  - { name: a, type: spread, exchange: binance, symbol: BTC/USDT, above: 1, cooldown: ${d}, autoPause: { window: ${d} } }`,
          `  - { name: b, type: cvd_change, exchange: binance, symbol: BTC/USDT, window: ${d}, above: 1 }`,
          `  - { name: c, type: liquidations, exchange: binance, symbol: BTC/USDT:USDT, window: ${d}, above: 1 }`,
          '',
        ].join('\n'),
        { now: 0 },
      );
    const tooLong = config('99999999w');
    const errors = tooLong.diagnostics.filter((x) => x.severity === 'error').map((x) => [x.line, x.message]);
    assert.deepEqual(errors, [
      [1, '"cooldown" must be at most 365d, got "99999999w"'],
      [1, '"window" must be at most 365d, got "99999999w"'],
      [3, '"cooldown" must be at most 365d, got "99999999w"'],
      [3, '"window" must be at most 365d, got "99999999w"'],
      [4, '"window" must be at most 365d, got "99999999w"'],
      [5, '"window" must be at most 365d, got "99999999w"'],
    ]);
    assert.equal(tooLong.rules.length, 0);
    assert.equal(config('366d').rules.length, 0);
    const longest = config('365d');
    assert.deepEqual(longest.diagnostics.filter((x) => x.severity === 'error'), []);
    assert.deepEqual(longest.rules.map((r) => r.cooldownMs), [365 * 86_400_000, 365 * 86_400_000, 365 * 86_400_000]);
  });

  it('durations', () => {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1d'), 86_400_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('5'), undefined);
    assert.equal(parseDuration('5 m'), undefined);
    assert.equal(formatDuration(5_400_000), '1h30m');
    assert.equal(formatDuration(60_000), '1m');
  });
});

describe('alerts config: hostile files (issue 17 defects 4 and 5)', () => {
  it('defect 4: flow sequences nested 1,000 and 10,000 deep are refused before the YAML library sees them', () => {
    for (const depth of [1000, 10_000]) {
      const cfg = parseAlertsConfig(`rules: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
      assert.deepEqual(cfg.rules, []);
      assert.deepEqual(at(cfg.diagnostics, /nested more than 64 levels deep/), [[1, 71, 1, 72]]);
    }
  });

  it('defect 4: a mapping of 20,000 keys is parsed off the calling thread, and its fields bounded with a diagnostic', async () => {
    const text = `rules:\n  - name: big\n    type: spread\n    symbol: BTC/USDT\n${Array.from({ length: 20_000 }, (_, i) => `    k${i}: ${i}`).join('\n')}\n`;
    let callerWasFree = false;
    const loading = loadAlertsConfig(text);
    setImmediate(() => (callerWasFree = true));
    const cfg = await loading;
    assert.ok(callerWasFree, 'the event loop turned while the file was parsed');
    assert.deepEqual(at(cfg.diagnostics, /more than 1000 fields in one mapping/), [[1002, 5, 1002, 9]]);
    assert.deepEqual(cfg.rules, []);
  });

  it('refuses a file over the size limit without parsing it', () => {
    const cfg = parseAlertsConfig(`rules: []\n#${'x'.repeat(MAX_FILE_CHARS)}`);
    assert.match(cfg.diagnostics[0]!.message, /characters; the limit is 1,048,576/);
  });

  it('defect 5: after a syntax error, later diagnostics are still at the right line and column', () => {
    const cfg = parseAlertsConfig('-\nn\n l:');
    assert.ok(cfg.diagnostics.some((d) => d.line === 3 && d.column === 3), JSON.stringify(cfg.diagnostics));
    assert.ok(!cfg.diagnostics.some((d) => d.line === 2 && d.column === 5), 'nothing past the end of line 2');
  });

  it('a diagnostic at a \\r\\n line break stays within its line (found by the property test: "[{]\\r\\n" gave 1:5)', () => {
    for (const text of ['[{]\r\n', 'rules: [\r\n', 'a: [\r\n\r\n']) {
      const lines = text.split(/\r\n|\r|\n/);
      const cfg = parseAlertsConfig(text);
      assert.ok(cfg.diagnostics.length > 0, JSON.stringify(text));
      for (const d of cfg.diagnostics) assert.ok(d.column <= lines[d.line - 1]!.length + 1, `${d.line}:${d.column} in ${JSON.stringify(text)}`);
    }
  });

  it('defect 5: a webhook header named __proto__ gets a diagnostic instead of vanishing', () => {
    const cfg = parseAlertsConfig(`rules:\n  - { name: a, type: spread, exchange: binance, symbol: BTC/USDT, above: 1 }\nnotifiers:\n  - type: webhook\n    url: https://x.example.com\n    headers: { __proto__: evil, X-Ok: "1" }\n`);
    assert.deepEqual(at(cfg.diagnostics, /header name "__proto__" cannot be sent/), [[6, 16, 6, 25]]);
    assert.deepEqual(cfg.notifiers, []);
  });
});

describe('alerts config: configs that can never alert (issue 10, "Also in the bot")', () => {
  it('no rules is an error at the rules list (or the top of the file)', () => {
    assert.deepEqual(at(parseAlertsConfig('rules: []\n').diagnostics, /no rules: this config can never alert/), [[1, 8, 1, 10]]);
    assert.deepEqual(at(parseAlertsConfig('notifiers: [{ type: console }]\n').diagnostics, /missing "rules:" list: no rules/), [[1, 1, 1, 10]]);
  });

  it('an exchange id that is not a ccxt exchange is an error at its value, with a hint', () => {
    const cfg = parseAlertsConfig('defaults: { exchange: binanse }\nrules:\n  - { name: a, type: spread, exchange: constructor, symbol: BTC/USDT, above: 1 }\n');
    assert.deepEqual(at(cfg.diagnostics, /"exchange": "binanse" is not a ccxt exchange id; did you mean "binance"\?/), [[1, 23, 1, 30]]);
    assert.deepEqual(at(cfg.diagnostics, /"exchange": "constructor" is not a ccxt exchange id/), [[3, 40, 3, 51]]);
    assert.deepEqual(cfg.rules, []);
  });

  it('YAML aliases resolve', () => {
    const cfg = parseAlertsConfig('defaults: { exchange: binance }\nx-sym: &sym BTC/USDT\nrules:\n  - { name: a, type: spread, symbol: *sym, above: 1 }\n'.replace('x-sym: &sym BTC/USDT\n', '') .replace('rules:\n', 'rules:\n  - &first { name: a, type: spread, symbol: &sym BTC/USDT, above: 1 }\n').replace('{ name: a, type: spread, symbol: *sym, above: 1 }', '{ name: b, type: spread, symbol: *sym, above: 2 }'));
    assert.deepEqual(cfg.diagnostics, []);
    assert.deepEqual(cfg.rules.map((r) => [r.id, r.symbol]), [['a', 'BTC/USDT'], ['b', 'BTC/USDT']]);
  });
});
