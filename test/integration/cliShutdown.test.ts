/**
 * The spawned bot's stop when the state cannot be saved: a write that never settles (under /proc) meets the
 * shutdown's deadline or a second signal; a write that fails makes the exit code 1.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { startBot, useBotRig } from '../helpers/spawnBot';

type Bot = ReturnType<typeof startBot>;

describe('tradesuite-alerts: a stop that cannot finish (spawned)', function () {
  this.timeout(60_000);
  const rig = useBotRig(13, 'ts-bot-stop-');
  let bot: Bot | undefined;

  /** A bot whose rule has fired (so its state has something to save), stored at `state`. */
  const firedBot = async (state: string): Promise<Bot> => {
    const level = Math.round(rig.emulator.trades('BTC/USDT').at(-1)!.price * 1.01);
    const config = path.join(rig.dir, 'alerts.yaml');
    await fs.writeFile(config, `rules:\n  - name: spike\n    type: price_level\n    exchange: binance\n    symbol: BTC/USDT\n    above: ${level}\n    frequency: every_time\n`);
    bot = startBot(['--config', config, '--exchange-url', `binance=${rig.emulator.url}`, '--state', state, '--no-watch', '--cache-dir', path.join(rig.dir, 'cache')]);
    await bot.line(/watching 1 rule/);
    await rig.emulator.waitForStats((s) => (s.subscriptions['btcusdt@aggTrade'] ?? 0) === 1, 20_000);
    rig.emulator.injectTrades('BTC/USDT', [{ price: level - 5, amount: 0.1, side: 'sell' }]);
    rig.emulator.injectTrades('BTC/USDT', [{ price: level + 5, amount: 0.1, side: 'buy' }]);
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
    const notADir = path.join(rig.dir, 'file');
    await fs.writeFile(notADir, '');
    const b = await firedBot(path.join(notADir, 'state.json'));
    b.child.kill('SIGTERM');
    assert.equal(await b.exited, 1);
    assert.ok(b.err.some((l) => /\[error\] the alert state could not be saved to .*file\/state\.json \(.*\); exiting with code 1$/.test(l)), [...b.out, ...b.err].join('\n'));
  });
});
