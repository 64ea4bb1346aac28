/**
 * The spawned bot's stop when the state cannot be saved: a write that never settles (under /proc) meets the
 * shutdown's deadline or a second signal; a write that fails makes the exit code 1.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeEmulator } from '../../src/emulator';
import { startBot } from '../helpers/spawnBot';

type Bot = ReturnType<typeof startBot>;

describe('tradesuite-alerts: a stop that cannot finish (spawned)', function () {
  this.timeout(60_000);
  let emulator: ExchangeEmulator;
  let dir: string;
  let bot: Bot | undefined;

  before(async () => {
    emulator = await ExchangeEmulator.start({ seed: 13, tradesPerSecond: 0, historyMinutes: 30 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-bot-stop-'));
  });
  afterEach(() => {
    if (bot && bot.child.exitCode === null) bot.child.kill('SIGKILL');
    bot = undefined;
  });
  after(async () => {
    await emulator.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** A bot whose rule has fired (so its state has something to save), stored at `state`. */
  const firedBot = async (state: string): Promise<Bot> => {
    const level = Math.round(emulator.trades('BTC/USDT').at(-1)!.price * 1.01);
    const config = path.join(dir, 'alerts.yaml');
    await fs.writeFile(config, `rules:\n  - name: spike\n    type: price_level\n    exchange: binance\n    symbol: BTC/USDT\n    above: ${level}\n    frequency: every_time\n`);
    bot = startBot(['--config', config, '--exchange-url', `binance=${emulator.url}`, '--state', state, '--no-watch', '--cache-dir', path.join(dir, 'cache')]);
    await bot.line(/watching 1 rule/);
    await emulator.waitForStats((s) => (s.subscriptions['btcusdt@aggTrade'] ?? 0) === 1, 20_000);
    emulator.injectTrades('BTC/USDT', [{ price: level - 5, amount: 0.1, side: 'sell' }]);
    emulator.injectTrades('BTC/USDT', [{ price: level + 5, amount: 0.1, side: 'buy' }]);
    await bot.line(/\[alerts\] alert spike/);
    return bot;
  };

  it('a second signal during a shutdown that hangs exits at once (1), naming what was abandoned', async () => {
    const b = await firedBot('/proc/nope/state.json');
    b.child.kill('SIGINT');
    await b.line(/SIGINT: closing streams/);
    b.child.kill('SIGTERM');
    assert.equal(await b.exited, 1);
    assert.ok(b.err.some((l) => /\[error\] SIGTERM again: exiting now without: .*flush the alert state/.test(l)), [...b.out, ...b.err].join('\n'));
  });

  it('a shutdown that hangs ends at its deadline (10 s) with exit 1, naming what it could not finish', async () => {
    const b = await firedBot('/proc/nope/state.json');
    b.child.kill('SIGINT');
    assert.equal(await b.exited, 1);
    assert.ok(b.err.some((l) => /\[error\] shutdown did not finish within 10 s; exiting without: flush the alert state, close the notifiers, close the metrics server$/.test(l)), [...b.out, ...b.err].join('\n'));
  });

  it('exits 1 when the state could not be saved', async () => {
    const notADir = path.join(dir, 'file');
    await fs.writeFile(notADir, '');
    const b = await firedBot(path.join(notADir, 'state.json'));
    b.child.kill('SIGTERM');
    assert.equal(await b.exited, 1);
    assert.ok(b.err.some((l) => /\[error\] the alert state could not be saved to .*file\/state\.json \(.*\); exiting with code 1$/.test(l)), [...b.out, ...b.err].join('\n'));
  });
});
