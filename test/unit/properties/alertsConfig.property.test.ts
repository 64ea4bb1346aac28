/** Property-based tests of alerts.yaml: valid rules pass unchanged, a broken field drops only its rule, nothing throws. */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { MAX_DEPTH } from '../../../src/core/alerts/config/bounds';
import { parseAlertsConfig } from '../../../src/core/alerts/config/parseAlertsConfig';
import { fuzz, RUNS } from '../../helpers/fuzz';

interface GenRule {
  readonly id: string;
  readonly type: 'price_level' | 'spread' | 'cvd_change';
  readonly exchange: string;
  readonly symbol: string;
  readonly level: number;
  readonly timeframe: string;
}

const rule: fc.Arbitrary<GenRule> = fc.record({
  id: fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/),
  type: fc.constantFrom('price_level' as const, 'spread' as const, 'cvd_change' as const),
  exchange: fc.constantFrom('binance', 'coinbase', 'kraken', 'bybit'),
  symbol: fc.constantFrom('BTC/USDT', 'ETH/BTC', 'SOL/USDC'),
  level: fc.double({ min: 0.001, max: 1e6, noNaN: true }).map((x) => Math.round(x * 1000) / 1000),
  timeframe: fc.constantFrom('1m', '5m', '1h', '1d'),
});

function ruleYaml(r: GenRule, flow: boolean, overrides: Record<string, string> = {}): string {
  const fields: Record<string, string> = { id: r.id, name: `"${r.id} rule"`, type: r.type, exchange: r.exchange, symbol: r.symbol, timeframe: r.timeframe, above: String(r.level), ...(r.type === 'cvd_change' ? { window: '5m' } : {}), ...overrides };
  const pairs = Object.entries(fields);
  return flow ? `  - { ${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')} }` : pairs.map(([k, v], i) => `${i === 0 ? '  - ' : '    '}${k}: ${v}`).join('\n');
}

const configs = fc.tuple(fc.uniqueArray(rule, { selector: (r) => r.id, minLength: 1, maxLength: 6 }), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }));

describe('alerts.yaml (property-based)', () => {
  it('generated valid rules (block or flow style) are accepted unchanged, with no diagnostic', () => {
    fuzz(
      fc.property(configs, ([rules, flows]) => {
        const text = `rules:\n${rules.map((r, i) => ruleYaml(r, flows[i]!)).join('\n')}\n`;
        const cfg = parseAlertsConfig(text);
        assert.deepEqual(cfg.diagnostics, [], text);
        assert.deepEqual(
          cfg.rules.map((r) => [r.id, r.type, r.exchange, r.symbol, r.timeframe, 'clauses' in r ? r.clauses : undefined]),
          rules.map((r) => [r.id, r.type, r.exchange, r.symbol, r.timeframe, [{ op: 'above', level: r.level }]]),
        );
      }),
      Math.ceil(RUNS / 2),
    );
  });

  it('one broken field drops its rule with an error on that rule, and keeps every other rule', () => {
    const broken: [string, string][] = [['type', 'price_levle'], ['exchange', 'constructor'], ['exchange', 'binanse'], ['symbol', '42'], ['above', 'x'], ['timeframe', '7m'], ['cooldown', '5'], ['above', '[1, 2]'], ['symbol', '{ a: 1 }'], ['expires', '2026-13-45']];
    fuzz(
      fc.property(configs, fc.nat(), fc.constantFrom(...broken), ([rules, flows], pick, [field, value]) => {
        const victim = pick % rules.length;
        const lines = rules.map((r, i) => ruleYaml(r, flows[i]!, i === victim ? { [field]: value } : {}));
        const text = `rules:\n${lines.join('\n')}\n`;
        const cfg = parseAlertsConfig(text);
        assert.deepEqual(cfg.rules.map((r) => r.id), rules.filter((_, i) => i !== victim).map((r) => r.id), text);
        const firstLine = 2 + lines.slice(0, victim).reduce((n, l) => n + l.split('\n').length, 0);
        const lastLine = firstLine + lines[victim]!.split('\n').length - 1;
        assert.ok(cfg.diagnostics.some((d) => d.severity === 'error' && d.line >= firstLine && d.line <= lastLine), `${text}\n${JSON.stringify(cfg.diagnostics)}`);
      }),
      Math.ceil(RUNS / 2),
    );
  });

  it('any text: nothing throws, and every diagnostic is at a real line and column of the text', () => {
    const yamlish = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '-', ' ', ' ', ':', ',', '\n', '\r\n', '\t', 'a', 'rules', '*a', '&a', '!', '"', "'", '#', '|', '>', '?', '\\', '%', '@', '1', 'name: x', '__proto__'), maxLength: 120 });
    fuzz(
      fc.property(fc.oneof(yamlish, fc.string({ maxLength: 80 })), (text) => {
        const cfg = parseAlertsConfig(text);
        const lines = text.split(/\r\n|\r|\n/);
        for (const d of cfg.diagnostics) {
          assert.ok(d.line >= 1 && d.line <= lines.length, `line ${d.line} of ${lines.length}: ${JSON.stringify(text)}`);
          assert.ok(d.column >= 1 && d.column <= lines[d.line - 1]!.length + 1, `${d.line}:${d.column} past the end of ${JSON.stringify(lines[d.line - 1])} in ${JSON.stringify(text)}`);
          assert.ok(d.endLine > d.line || (d.endLine === d.line && d.endColumn >= d.column));
        }
      }),
      2 * RUNS,
    );
  });

  it('nesting of any depth and style is parsed within the bound or refused with one diagnostic', () => {
    const nested = fc.tuple(fc.constantFrom('flow-seq', 'flow-map', 'block', 'compact'), fc.oneof(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 3000 }))).map(([style, n]) => {
      switch (style) {
        case 'flow-seq':
          return { n, text: `rules: ${'['.repeat(n)}${']'.repeat(n)}\n` };
        case 'flow-map':
          return { n, text: `rules: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n` };
        case 'block':
          return { n, text: `rules:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')}\n` };
        default:
          return { n, text: `rules:\n  ${'- '.repeat(n)}x\n` };
      }
    });
    fuzz(
      fc.property(nested, ({ n, text }) => {
        const cfg = parseAlertsConfig(text);
        const refused = cfg.diagnostics.filter((d) => /nested more than|the limit is/.test(d.message));
        if (n + 2 <= MAX_DEPTH) assert.equal(refused.length, 0, text.slice(0, 200));
        if (n > MAX_DEPTH) assert.deepEqual(cfg.diagnostics, refused, 'refused with one diagnostic, nothing else read');
        if (n > MAX_DEPTH) assert.equal(refused.length, 1);
      }),
      Math.ceil(RUNS / 4),
    );
  });
});
