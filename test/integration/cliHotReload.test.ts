/**
 * Hot reload of the spawned bot: every way an editor or a tool saves the config is picked up, again and again
 * (a rename over the file, a delete and re-create, a write in place).
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { startBot, useBotRig } from '../helpers/spawnBot';

type Bot = ReturnType<typeof startBot>;

/** A config of rules r1..rN, all far from the price (they never fire): version N has N rules. */
const version = (n: number): string =>
  `rules:\n${Array.from({ length: n }, (_, i) => `  - name: r${i + 1}\n    type: price_level\n    exchange: binance\n    symbol: BTC/USDT\n    above: 10000000\n`).join('')}`;

describe('tradesuite-alerts: hot reload of the config (spawned)', function () {
  this.timeout(60_000);
  const rig = useBotRig(7, 'ts-bot-reload-');
  let bot: Bot | undefined;

  it('loads every save: three replacements by rename, a delete and re-create, then a write in place', async () => {
    const config = path.join(rig.dir, 'alerts.yaml');
    await fs.writeFile(config, version(1));
    bot = startBot(['--config', config, '--exchange-url', `binance=${rig.emulator.url}`, '--cache-dir', path.join(rig.dir, 'cache'), '--state', path.join(rig.dir, 'state.json')]);
    const b = bot;
    await b.line(/watching 1 rule/);
    const expectLoaded = async (n: number, save: () => Promise<void>): Promise<void> => {
      const reloaded = b.nextLine(new RegExp(`reloaded ${n} rule\\(s\\)$`));
      await save();
      await reloaded;
    };
    for (const n of [2, 3, 4]) {
      await expectLoaded(n, async () => {
        const tmp = path.join(rig.dir, `alerts.yaml.tmp${n}`);
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
    const config = path.join(rig.dir, 'early.yaml');
    await fs.writeFile(config, version(1));
    bot = startBot(['--config', config, '--exchange-url', `binance=${rig.emulator.url}`, '--cache-dir', path.join(rig.dir, 'cache'), '--state', path.join(rig.dir, 'state2.json')]);
    const b = bot;
    await b.line(/watching 1 rule/);
    const reloaded = b.nextLine(/reloaded 2 rule\(s\)$/);
    await fs.writeFile(config, version(2));
    await reloaded;
    b.child.kill('SIGTERM');
    assert.equal(await b.exited, 0);
  });
});
