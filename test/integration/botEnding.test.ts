/**
 * The bot as a spawned process, output through pipes (as under `| tee`, systemd or docker): configs that can never
 * alert are refused with file:line:col, the end of the output is never lost, errors stay one line, and alerts being
 * delivered when SIGTERM arrives get a grace period.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { startBot, useBotRig } from '../helpers/spawnBot';

type Bot = ReturnType<typeof startBot>;

describe('tradesuite-alerts: refusing, reporting and ending (spawned, piped)', function () {
  this.timeout(60_000);
  const rig = useBotRig(5, 'ts-bot-end-');
  let bot: Bot | undefined;

  const run = (config: string, ...extra: string[]): Bot => {
    bot = startBot(['--config', config, '--exchange-url', `binance=${rig.emulator.url}`, '--no-watch', '--cache-dir', path.join(rig.dir, 'cache'), '--state', path.join(rig.dir, 'state.json'), ...extra]);
    return bot;
  };

  it('exits 2 once the markets load when a symbol is unknown, at its line and column with a did-you-mean', async () => {
    const config = path.join(rig.dir, 'typo.yaml');
    await fs.writeFile(config, 'rules:\n  - name: fine\n    type: price_level\n    exchange: binance\n    symbol: ETH/USDT\n    above: 1\n  - name: typo\n    type: price_level\n    exchange: binance\n    symbol: BTC/USTD\n    above: 1\n');
    const b = run(config);
    assert.equal(await b.exited, 2);
    assert.deepEqual(b.err, [
      `${config}:10:13: error: unknown symbol "BTC/USTD" on binance: rule "typo" can never alert; did you mean "BTC/USDT"?`,
      `1 error(s) in ${config}; nothing started.`,
    ]);
    assert.ok(![...b.out, ...b.err].some((l) => /Find Market/.test(l)), 'no editor command is mentioned');
    await rig.emulator.waitForStats((s) => s.openSockets === 0);
  });

  it('flushes stderr before exiting: the summary after 600 errors arrives through the pipe', async () => {
    const config = path.join(rig.dir, 'many.yaml');
    const rule = (i: number) => `  - name: r${i}\n    type: price_level\n    exchange: binance\n    symbol: BTC/USDT\n    above: 1\n    this_field_is_not_known_to_the_rule_parser_at_all_${i}: 1\n`;
    await fs.writeFile(config, `rules:\n${Array.from({ length: 600 }, (_, i) => rule(i)).join('')}`);
    const b = run(config);
    assert.equal(await b.exited, 2);
    assert.ok(b.err.length > 600, `all the errors arrived (${b.err.length} lines)`);
    assert.match(b.err.at(-1) ?? '', /^\d+ error\(s\) in .*many\.yaml; nothing started\.$/, `the last line is the summary; got: ${b.err.at(-1)}`);
  });

  it('reports a failing library call on one line, never the minified source', async () => {
    const config = path.join(rig.dir, 'candles.yaml');
    await fs.writeFile(config, 'rules:\n  - name: pc\n    type: percentage_change\n    exchange: binance\n    symbol: BTC/USDT\n    timeframe: 1m\n    lookback: 3\n    above: 50\n');
    rig.emulator.failRest({ status: 503, count: 1, path: 'aggTrades' });
    const b = run(config);
    // Either the failure is fatal (one line, exit 1) or, as the engine now handles it, the rule carries on.
    const outcome = await Promise.race([b.exited.then((code) => ({ code })), b.line(/rule pc: armed$/).then(() => ({ code: undefined }))]);
    if (outcome.code === undefined) {
      b.child.kill('SIGTERM');
      assert.equal(await b.exited, 0);
    } else {
      assert.equal(outcome.code, 1);
      assert.ok(b.err.some((l) => /\[error\] fatal: /.test(l)), b.err.join('\n'));
    }
    const lines = [...b.out, ...b.err];
    const shown = lines.map((l) => (l.length > 200 ? `${l.slice(0, 200)}… (${l.length} chars)` : l)).join('\n');
    assert.ok(lines.every((l) => l.length < 1200), `every line is short:\n${shown}`);
    assert.ok(!lines.some((l) => /ccxt\.js:\d+$/.test(l) || /^\s+at /.test(l)), `no source location or stack at info level:\n${shown}`);
    rig.emulator.clearFaults();
  });

  it('on SIGTERM, an alert being delivered to a slow webhook is delivered before the bot exits 0', async () => {
    const HOOK_DELAY_MS = 1500;
    const hookResult: { finished: boolean; aborted: boolean } = { finished: false, aborted: false };
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    const hook = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        arrived();
        res.on('close', () => (hookResult.aborted = !res.writableFinished));
        res.on('finish', () => (hookResult.finished = true));
        setTimeout(() => res.writeHead(204).end(), HOOK_DELAY_MS); // the receiver is slow to answer
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      const last = rig.emulator.trades('BTC/USDT').at(-1)?.price as number;
      const level = Math.round(last * 1.01);
      const config = path.join(rig.dir, 'hook.yaml');
      await fs.writeFile(
        config,
        `rules:\n  - name: up\n    type: price_level\n    exchange: binance\n    symbol: BTC/USDT\n    above: ${level}\n    frequency: once\nnotifiers:\n  - type: webhook\n    url: http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook\n    retries: 0\n`,
      );
      const b = run(config, '--log-level', 'debug');
      await b.line(/watching 1 rule/);
      await rig.emulator.waitForStats((s) => (s.subscriptions['btcusdt@aggTrade'] ?? 0) >= 1, 20_000);
      rig.emulator.injectTrades('BTC/USDT', [{ price: level + 5, amount: 0.1, side: 'buy' }]);
      await requestArrived;
      b.child.kill('SIGTERM');
      assert.equal(await b.exited, 0);
      assert.deepEqual(hookResult, { finished: true, aborted: false }, 'the webhook answered before the bot let go');
      assert.ok(b.out.some((l) => /alert "up" \(BTC\/USDT\) delivered by webhook/.test(l)), [...b.out, ...b.err].join('\n'));
    } finally {
      await new Promise((resolve) => hook.close(resolve));
    }
  });
});
