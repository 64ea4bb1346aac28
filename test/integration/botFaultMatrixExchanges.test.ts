/**
 * The bot's fault matrix on Coinbase and Bybit protocols (issue 12): a spawned `tradesuite-alerts` with a candle and
 * a tick rule on two markets, real ccxt against each emulator, through faults aimed at the first market (a drop,
 * a persistent 429, malformed frames) and a restart. ccxt carries every market of these exchanges on one
 * connection, so a drop reconnects all four rules: each shows `retrying (n)` and comes back `armed`. The bot stays
 * up, fires nothing, revises no closed bar, and every bar it cached equals the ground truth.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeEmulator, type ExchangeId } from '../../src/emulator';
import { assertCachedTrue, botConfig, lineAfter, RULES, spawnBot, stopBot } from '../helpers/botFaults';
import type { SpawnedBot } from '../helpers/spawnBot';

const EXCHANGES = [
  { exchange: 'coinbase', first: 'BTC/USD', second: 'ETH/USD' },
  { exchange: 'bybit', first: 'BTC/USDT:USDT', second: 'ETH/USDT:USDT' },
] as const;

describe('the bot under the fault matrix on Coinbase and Bybit: a candle and a tick rule on two markets (spawned, real ccxt, emulator)', function () {
  this.timeout(180_000);
  let running: SpawnedBot | undefined;
  afterEach(() => {
    if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
    running = undefined;
  });

  for (const x of EXCHANGES) {
    it(`${x.exchange}: a drop, a persistent 429, malformed frames (aimed at ${x.first}) and a restart each end in a named state and back to armed; the cached bars are true`, async () => {
      const emulator: ExchangeEmulator<ExchangeId> = await ExchangeEmulator.start({ exchange: x.exchange, seed: 12, tradesPerSecond: 10, historyMinutes: 30 });
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), `ts-bot-faults-${x.exchange}-`));
      try {
        await fs.writeFile(path.join(dir, 'alerts.yaml'), botConfig(x.exchange, x.first, x.second));
        const { bot, until } = spawnBot(emulator, dir, 'run');
        running = bot;
        for (const rule of RULES) await until(new RegExp(`rule ${rule}: armed$`), 40_000, true);
        const retrying = (rule: string) => new RegExp(`rule ${rule}: retrying \\(\\d+\\) at .*: reconnecting: `);
        const armed = (rule: string) => new RegExp(`rule ${rule}: armed$`);
        /** A fault, then every rule through retrying (n) back to armed. */
        const through = async (fault: () => void | Promise<void>) => {
          const back = Promise.all(RULES.map((rule) => until(lineAfter(retrying(rule), armed(rule)), 60_000)));
          await fault();
          await back;
        };

        await through(() => void emulator.dropConnections(x.first));

        // A persistent 429 on the first market's requests: REST paused, its candle rule degraded; armed once answered.
        const paused = until(/rule bars: degraded: REST paused by a rate limit/, 60_000);
        const ticksBack = until(lineAfter(retrying('ticks'), armed('ticks')), 60_000);
        emulator.failRest({ status: 429, count: 100_000, symbol: x.first, retryAfterSec: 1 });
        emulator.dropConnections(x.first);
        await Promise.all([paused, ticksBack]);
        const barsBack = until(armed('bars'), 60_000);
        emulator.clearFaults();
        await barsBack;

        // Malformed frames are skipped: the stream stays up (a drop after them proves the bot is alive and well).
        const sent = emulator.sendMalformed('invalid-json', undefined, x.first) + emulator.sendMalformed('bad-fields', undefined, x.first);
        assert.ok(sent > 0, 'malformed frames were sent');
        await through(() => void emulator.dropConnections(x.first));

        await through(async () => {
          await emulator.stop();
          await emulator.restart();
        });

        await stopBot(bot);
        for (const symbol of [x.first, x.second]) await assertCachedTrue(emulator, path.join(dir, 'cache-run'), symbol);
      } finally {
        await emulator.close();
        await fs.rm(dir, { recursive: true, force: true });
      }
    });
  }
});
