/**
 * Hot reload of the spawned bot: every way an editor or a tool saves the config is picked up, again and again
 * (a rename over the file, a delete and re-create, a write in place).
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeEmulator } from '../../src/emulator';
import { startBot } from '../helpers/spawnBot';

type Bot = ReturnType<typeof startBot>;

/** A config of rules r1..rN, all far from the price (they never fire): version N has N rules. */
const version = (n: number): string =>
  `rules:\n${Array.from({ length: n }, (_, i) => `  - name: r${i + 1}\n    type: price_level\n    exchange: binance\n    symbol: BTC/USDT\n    above: 10000000\n`).join('')}`;

describe('tradesuite-alerts: hot reload of the config (spawned)', function () {
  this.timeout(60_000);
  let emulator: ExchangeEmulator;
  let dir: string;
  let bot: Bot | undefined;

  before(async () => {
    emulator = await ExchangeEmulator.start({ seed: 7, tradesPerSecond: 0, historyMinutes: 30 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-bot-reload-'));
  });
  afterEach(() => {
    if (bot && bot.child.exitCode === null) bot.child.kill('SIGKILL');
    bot = undefined;
  });
  after(async () => {
    await emulator.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('loads every save: three replacements by rename, a delete and re-create, then a write in place', async () => {
    const config = path.join(dir, 'alerts.yaml');
    await fs.writeFile(config, version(1));
    bot = startBot(['--config', config, '--exchange-url', `binance=${emulator.url}`, '--cache-dir', path.join(dir, 'cache'), '--state', path.join(dir, 'state.json')]);
    const b = bot;
    await b.line(/watching 1 rule/);
    const expectLoaded = async (n: number, save: () => Promise<void>): Promise<void> => {
      const reloaded = b.nextLine(new RegExp(`reloaded ${n} rule\\(s\\)$`));
      await save();
      await reloaded;
    };
    for (const n of [2, 3, 4]) {
      await expectLoaded(n, async () => {
        const tmp = path.join(dir, `alerts.yaml.tmp${n}`);
        await fs.writeFile(tmp, version(n));
        await fs.rename(tmp, config);
      });
    }
    await expectLoaded(5, async () => {
      await fs.rm(config);
      await fs.writeFile(config, version(5));
    });
    await expectLoaded(6, () => fs.writeFile(config, version(6)));
    await b.line(/rule r6: /);
    assert.ok(!b.err.some((l) => /stopped watching/.test(l)), b.err.join('\n'));
    b.child.kill('SIGTERM');
    assert.equal(await b.exited, 0);
  });

  it('sees a save made right after the line that says the bot runs', async () => {
    const config = path.join(dir, 'early.yaml');
    await fs.writeFile(config, version(1));
    bot = startBot(['--config', config, '--exchange-url', `binance=${emulator.url}`, '--cache-dir', path.join(dir, 'cache'), '--state', path.join(dir, 'state2.json')]);
    const b = bot;
    await b.line(/watching 1 rule/);
    const reloaded = b.nextLine(/reloaded 2 rule\(s\)$/);
    await fs.writeFile(config, version(2));
    await reloaded;
    b.child.kill('SIGTERM');
    assert.equal(await b.exited, 0);
  });
});
