/**
 * Hot reload of the spawned bot: every way an editor or a tool saves the config is picked up, again and again
 * (a rename over the file, a delete and re-create, a write in place).
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { startBot, useBotRig } from '../helpers/spawnBot';
import { ccxtVersion } from '../../src/core/exchange/ccxtVersion';

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

  it("a save that changes the notifiers delivers the next alerts to the new ones, not the ones the bot started with", async () => {
    const hooked: unknown[] = [];
    let onHook: (() => void) | undefined;
    const hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hooked.push(JSON.parse(body));
        res.writeHead(204).end();
        onHook?.();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
      const last = rig.emulator.trades('BTC/USDT').at(-1)!.price;
      const level = Math.round(last * 1.01);
      const rule = `rules:\n  - { name: spike, type: price_level, exchange: binance, symbol: BTC/USDT, above: ${level}, frequency: every_time, autoPause: false }\n`;
      const config = path.join(rig.dir, 'notifiers.yaml');
      await fs.writeFile(config, `${rule}notifiers:\n  - type: console\n`);
      bot = startBot(['--config', config, '--exchange-url', `binance=${rig.emulator.url}`, '--cache-dir', path.join(rig.dir, 'cache'), '--state', path.join(rig.dir, 'state3.json')]);
      const b = bot;
      await b.line(/watching 1 rule/);
      await b.line(/rule spike: armed|rule spike: warming up/);
      const reloaded = b.nextLine(/reloaded 1 rule\(s\)$/);
      await fs.writeFile(config, `${rule}notifiers:\n  - type: webhook\n    url: ${url}\n    retries: 0\n`);
      await reloaded;
      const delivered = new Promise<void>((r) => (onHook = r));
      const fired = b.nextLine(/alert spike: /);
      rig.emulator.injectTrades('BTC/USDT', [{ price: level + 5, amount: 0.1, side: 'buy' }]);
      await fired;
      // Delivered within the webhook's own timeout (10 s) when it is the notifier; never when the reload left the console.
      let waited: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'not delivered'>((r) => (waited = setTimeout(() => r('not delivered'), 10_000)));
      const outcome = await Promise.race([delivered.then(() => 'delivered' as const), timedOut]);
      clearTimeout(waited);
      assert.equal(outcome, 'delivered', [...b.out, ...b.err].join('\n'));
      assert.equal((hooked[0] as { ruleName: string }).ruleName, 'spike');
      assert.ok(!b.out.some((l) => /BTC\/USDT.*spike|spike.*BTC\/USDT/.test(l) && !/\[(info|debug|warn|error)\]/.test(l)), `the console notifier is gone: ${b.out.join('\n')}`);
      b.child.kill('SIGTERM');
      assert.equal(await b.exited, 0);
    } finally {
      await new Promise((r) => hook.close(r));
    }
  });

  it(`a save that adds a rule on an exchange no rule used at the start checks it against that exchange's markets (it is not "unknown", its rule not failed)`, async () => {
    // Kraken's markets from the bot's markets cache (fresh: neither downloaded nor refreshed), so the check needs no network.
    const cacheDir = path.join(rig.dir, 'cache-new-exchange');
    await fs.mkdir(path.join(cacheDir, 'markets'), { recursive: true });
    const market = { id: 'XBTUSDT', symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', type: 'spot', spot: true, active: true, precision: { price: 0.1, amount: 0.0001 }, limits: {} };
    const cached = { version: 1, ccxt: ccxtVersion(), exchange: 'kraken', source: JSON.stringify(['kraken', null, false, null]), savedAt: Date.now(), markets: [market], currencies: null };
    await fs.writeFile(path.join(cacheDir, 'markets', 'kraken.json'), JSON.stringify(cached));
    const config = path.join(rig.dir, 'new-exchange.yaml');
    await fs.writeFile(config, version(1));
    bot = startBot(['--config', config, '--exchange-url', `binance=${rig.emulator.url}`, '--cache-dir', cacheDir, '--state', path.join(rig.dir, 'state4.json')]);
    const b = bot;
    await b.line(/watching 1 rule/);
    const refused = b.nextLine(/config has errors: the previous rules keep running|reloaded 2 rule\(s\)$/);
    await fs.writeFile(config, `${version(1)}  - { name: k, type: price_level, exchange: kraken, symbol: BTC/USTD, above: 1 }\n`);
    assert.match(await refused, /config has errors/, [...b.out, ...b.err].join('\n'));
    assert.ok(b.err.some((l) => /unknown symbol "BTC\/USTD" on kraken: rule "k" can never alert; did you mean "BTC\/USDT"\?/.test(l)), [...b.out, ...b.err].join('\n'));
    assert.ok(![...b.out, ...b.err].some((l) => /Unknown exchange/.test(l)), [...b.out, ...b.err].join('\n'));
    b.child.kill('SIGTERM');
    assert.equal(await b.exited, 0);
  });

  it("a save still being checked (an exchange's markets slow to load) is not applied over a later save", async () => {
    // Bybit at an address that takes the markets request and holds it until the test lets it fail.
    const held: net.Socket[] = [];
    let onRequest: (() => void) | undefined;
    const slow = net.createServer((socket) => {
      held.push(socket);
      onRequest?.();
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const config = path.join(rig.dir, 'overtaken.yaml');
    await fs.writeFile(config, version(1));
    bot = startBot(['--config', config, '--exchange-url', `binance=${rig.emulator.url}`, '--exchange-url', `bybit=http://127.0.0.1:${(slow.address() as AddressInfo).port}`, '--cache-dir', path.join(rig.dir, 'cache'), '--state', path.join(rig.dir, 'state5.json')]);
    const b = bot;
    try {
      await b.line(/watching 1 rule/);
      const asked = new Promise<void>((r) => (onRequest = r));
      await fs.writeFile(config, `${version(1)}  - { name: on bybit, type: price_level, exchange: bybit, symbol: BTC/USDT, above: 1 }\n`);
      await asked; // the first save waits for Bybit's markets
      const later = b.nextLine(/reloaded 3 rule\(s\)$/);
      await fs.writeFile(config, version(3));
      await later;
      const first = b.nextLine(/reloaded 2 rule\(s\)$|not applied/);
      slow.close();
      for (const socket of held) socket.destroy();
      assert.match(await first, /not applied/, [...b.out, ...b.err].join('\n'));
      assert.ok(!b.out.some((l) => /rule on-bybit: /.test(l)), `the overtaken save's rule never ran: ${b.out.join('\n')}`);
      b.child.kill('SIGTERM');
      assert.equal(await b.exited, 0);
    } finally {
      slow.close();
      for (const socket of held) socket.destroy();
    }
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
