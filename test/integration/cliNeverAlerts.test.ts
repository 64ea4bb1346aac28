/** The bot refuses configs that can never alert (issue 10, "Also in the bot"): exit 2 with file:line:col, nothing started. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startBot } from '../helpers/spawnBot';

describe('tradesuite-alerts refuses configs that can never alert (spawned process)', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-never-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const cases: Array<[string, string, RegExp]> = [
    ['no rules', 'rules: []\n', /:1:8: error: no rules: this config can never alert/],
    ['an empty file', '', /:1:1: error: no rules/],
    ['an unknown exchange id', 'rules:\n  - { name: a, type: spread, exchange: binanse, symbol: BTC/USDT, above: 1 }\n', /:2:40: error: "exchange": "binanse" is not a ccxt exchange id; did you mean "binance"\?/],
    ['a rule on an unknown aggregate', 'aggregates:\n  - { name: BTC-USD (agg), legs: ["binance:BTC/USDT", "bybit:BTC/USDT:USDT"] }\nrules:\n  - { name: a, type: cvd_change, exchange: aggregate, symbol: BTC-USD (ag), window: 1m, above: 1 }\n', /:4:63: error: unknown aggregate "BTC-USD \(ag\)": rule "a" can never alert; did you mean "BTC-USD \(agg\)"\?/],
    ['a file nested too deep', `rules: ${'['.repeat(5000)}\n`, /:1:71: error: nested more than 64 levels deep/],
  ];
  for (const [name, text, expected] of cases) {
    it(`${name}: exit 2, the problem at file:line:col`, async () => {
      const config = path.join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
      await fs.writeFile(config, text);
      const b = startBot(['--config', config, '--no-watch']);
      assert.equal(await b.exited, 2);
      assert.ok(b.err.some((l) => l.startsWith(config) && expected.test(l)), b.err.join('\n'));
    });
  }

  it('an alias resolves, so a config using one is not refused for it', async () => {
    const config = path.join(dir, 'alias.yaml');
    await fs.writeFile(config, 'rules:\n  - { name: a, type: spread, exchange: binance, symbol: &s BTC/USDT, above: 1 }\n  - { name: b, type: spread, exchange: binanse, symbol: *s, above: 2 }\n');
    const b = startBot(['--config', config, '--no-watch']);
    assert.equal(await b.exited, 2);
    assert.ok(!b.err.some((l) => /"symbol"/.test(l)), b.err.join('\n'));
    assert.ok(b.err.some((l) => /:3:40: error: "exchange": "binanse"/.test(l)), b.err.join('\n'));
  });
});
