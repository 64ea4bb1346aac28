import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeEmulator } from '../../src/emulator';
import { startBot } from '../helpers/spawnBot';

describe('tradesuite-alerts CLI (spawned process, real ccxt, emulator)', function () {
  this.timeout(60_000);
  let emulator: ExchangeEmulator;
  let dir: string;
  let hook: http.Server;
  let received: unknown[];
  let onHook: (() => void) | undefined;
  let bot: ChildProcess | undefined;

  before(async () => {
    emulator = await ExchangeEmulator.start({ seed: 11, tradesPerSecond: 0, historyMinutes: 30 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-cli-'));
    received = [];
    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(204).end();
        onHook?.();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  });
  afterEach(() => {
    if (bot && bot.exitCode === null) bot.kill('SIGKILL');
  });
  after(async () => {
    await new Promise((r) => hook.close(r));
    await emulator.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('prints an alert, posts it to a webhook, and exits 0 on SIGTERM with its state flushed', async () => {
    const last = emulator.trades('BTC/USDT').at(-1)!.price;
    const level = Math.round(last * 1.01);
    const config = path.join(dir, 'alerts.yaml');
    const state = path.join(dir, 'state.json');
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    await fs.writeFile(config, `rules:\n  - name: BTC spike\n    type: price_level\n    exchange: binance\n    symbol: BTC/USDT\n    above: ${level}\n    frequency: every_time\n    cooldown: 1h\nnotifiers:\n  - type: console\n  - type: webhook\n    url: ${url}\n    retries: 1\n`);
    const b = startBot(['--config', config, '--exchange-url', `binance=${emulator.url}`, '--state', state, '--no-watch', '--cache-dir', path.join(dir, 'cache'), '--metrics-port', '0']);
    bot = b.child;
    await b.line(/watching 1 rule/);
    const metricsUrl = /metrics on (http\S+)/.exec(await b.line(/metrics on http/))![1]!;
    await emulator.waitForStats((s) => (s.subscriptions['btcusdt@aggTrade'] ?? 0) === 1, 20_000);
    const hooked = new Promise<void>((r) => (onHook = r));
    emulator.injectTrades('BTC/USDT', [{ price: level - 5, amount: 0.1, side: 'sell' }]);
    emulator.injectTrades('BTC/USDT', [{ price: level + 5, amount: 0.1, side: 'buy' }]);
    const alertLine = await b.line(/BTC spike/);
    assert.match(alertLine, /binance BTC\/USDT/);
    await hooked;
    const payload = received[0] as { ruleName: string; symbol: string; value: number; text: string };
    assert.equal(payload.ruleName, 'BTC spike');
    assert.equal(payload.symbol, 'BTC/USDT');
    assert.equal(payload.value, level + 5);
    const metrics = await (await fetch(metricsUrl)).text();
    assert.match(metrics, /tradesuite_alerts_fired_total\{rule="btc-spike",type="price_level"\} 1/);
    const evaluations = Number(/^tradesuite_alert_evaluations_total\{rule="btc-spike"\} (\d+)$/m.exec(metrics)?.[1]);
    assert.ok(evaluations >= 1, `the rule that fired was evaluated at least once (got ${evaluations})`);
    assert.match(metrics, /tradesuite_notifications_total\{notifier="webhook:127.0.0.1[^"]*",result="ok"\} 1/);
    assert.match(metrics, /tradesuite_stream_state\{exchange="binance",symbol="BTC\/USDT",kind="trades",state="live"\} 1/);
    b.child.kill('SIGTERM');
    assert.equal(await b.exited, 0);
    const saved = JSON.parse(await fs.readFile(state, 'utf8')) as { rules: Record<string, unknown> };
    assert.ok(saved.rules['btc-spike'], `state for the rule was flushed: ${JSON.stringify(saved)}`);
    await emulator.waitForStats((s) => s.openSockets === 0, 5000);
  });

  it('exits 2 with file:line:col for a bad config, starting nothing', async () => {
    const config = path.join(dir, 'bad.yaml');
    await fs.writeFile(config, 'rules:\n  - name: oops\n    type: price_levle\n    symbol: BTC/USDT\n');
    const b = startBot(['--config', config, '--exchange-url', `binance=${emulator.url}`, '--no-watch']);
    bot = b.child;
    assert.equal(await b.exited, 2);
    assert.ok(b.err.some((l) => l.startsWith(`${config}:3:11`) && /price_levle/.test(l)), b.err.join('\n'));
  });

  it("keeps V8's code cache of the ccxt chunk: written when the bot stops, used by its next run", async () => {
    const config = path.join(dir, 'cached.yaml');
    const codeDir = path.join(dir, 'code-cache-run', 'code');
    await fs.writeFile(config, 'rules:\n  - name: far away\n    type: price_level\n    exchange: binance\n    symbol: BTC/USDT\n    above: 10000000\n');
    const run = async (expected: 'miss' | 'hit') => {
      const b = startBot(['--config', config, '--exchange-url', `binance=${emulator.url}`, '--no-watch', '--cache-dir', path.dirname(codeDir), '--log-level', 'debug']);
      bot = b.child;
      assert.match(await b.line(/ccxt loaded in \d+ ms/), new RegExp(`code cache: ${expected}\\)`));
      await b.line(/watching 1 rule/);
      b.child.kill('SIGTERM');
      assert.equal(await b.exited, 0, `${b.child.signalCode}: ${[...b.out, ...b.err].join('\n')}`);
    };
    await run('miss');
    const written = (await fs.readdir(codeDir)).filter((n) => /^ccxt\.js-[0-9a-f]{16}\.v8cache$/.test(n));
    assert.equal(written.length, 1, `one cache file after the first run: ${written.join(', ')}`);
    await run('hit');
    assert.deepEqual((await fs.readdir(codeDir)).filter((n) => n.endsWith('.v8cache')), written, 'the hit wrote nothing new');
  });

  it('exits 2 on an --exchange-url for an id ccxt does not know (the rules would go to the real exchange), with a did-you-mean', async () => {
    const config = path.join(dir, 'typo-url.yaml');
    await fs.writeFile(config, 'rules:\n  - name: far away\n    type: price_level\n    exchange: binance\n    symbol: BTC/USDT\n    above: 10000000\n');
    const b = startBot(['--config', config, '--exchange-url', `binanse=${emulator.url}`, '--no-watch', '--cache-dir', path.join(dir, 'cache')]);
    bot = b.child;
    assert.equal(await b.exited, 2);
    assert.deepEqual(b.err, ['--exchange-url binanse: "binanse" is not a ccxt exchange id; did you mean "binance"?']);
  });

  it('warns of an --exchange-url for an exchange no rule uses, and runs', async () => {
    const config = path.join(dir, 'unused-url.yaml');
    await fs.writeFile(config, 'rules:\n  - name: far away\n    type: price_level\n    exchange: binance\n    symbol: BTC/USDT\n    above: 10000000\n');
    const b = startBot(['--config', config, '--exchange-url', `binance=${emulator.url}`, '--exchange-url', 'bybit=http://127.0.0.1:9', '--no-watch', '--cache-dir', path.join(dir, 'cache')]);
    bot = b.child;
    assert.match(await b.line(/--exchange-url bybit/), /\[warn\] --exchange-url bybit: no rule or aggregate in .*unused-url\.yaml uses bybit/);
    await b.line(/watching 1 rule/);
    assert.ok(!b.err.concat(b.out).some((l) => /--exchange-url binance/.test(l)), 'no warning for the exchange a rule uses');
    b.child.kill('SIGTERM');
    assert.equal(await b.exited, 0);
  });

  it('prints the usage (--help, -h) and the version (--version) to stdout and exits 0', async () => {
    for (const flag of ['--help', '-h']) {
      const b = startBot([flag]);
      bot = b.child;
      assert.equal(await b.exited, 0, flag);
      assert.deepEqual(b.err, [], flag);
      assert.match(b.out[0] ?? '', /^usage: tradesuite-alerts --config alerts\.yaml/, flag);
      assert.ok(b.out.some((l) => /tradesuite-alerts --help \| --version/.test(l)), b.out.join('\n'));
    }
    const { version } = JSON.parse(await fs.readFile('package.json', 'utf8')) as { version: string };
    const b = startBot(['--version']);
    bot = b.child;
    assert.equal(await b.exited, 0);
    assert.deepEqual([b.out, b.err], [[`tradesuite-alerts ${version}`], []]);
  });

  it('exits 2 on bad arguments, naming the problem', async () => {
    const b = startBot(['--config', 'x.yaml', '--exchange-url', 'binance']);
    bot = b.child;
    assert.equal(await b.exited, 2);
    assert.match(b.err.join('\n'), /--exchange-url: expected exchange=URL/);
  });
});
