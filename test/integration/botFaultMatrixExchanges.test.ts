/**
 * The bot's fault matrix on Coinbase and Bybit protocols (issue 12): a spawned `tradesuite-alerts` with a candle and
 * a tick rule on two markets, real ccxt against each emulator, through faults aimed at the first market (a drop,
 * a persistent 429, malformed frames, one 503 and one 400 on the gap backfill, a drop during a failed backfill), a
 * restart, and a failed markets load at start (503 and 429). ccxt carries every market of these exchanges on one
 * connection, so a drop reconnects all four rules: each shows `retrying (n)` and comes back `armed`. The bot stays
 * up, fires nothing, revises no closed bar, and every bar it cached equals the ground truth.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeEmulator, type ExchangeId } from '../../src/emulator';
import { assertCachedTrue, botConfig, lineAfter, RULES, spawnBot, stopBot, untilArmed } from '../helpers/botFaults';
import type { SpawnedBot } from '../helpers/spawnBot';

/**
 * `trades`: failRest's path for the REST trades a gap backfill asks for (Coinbase's market trades are its `ticker`
 * endpoint); `markets`: the listing its market load reads, and how many answers one load takes from it.
 */
const EXCHANGES = [
  { exchange: 'coinbase', first: 'BTC/USD', second: 'ETH/USD', trades: 'ticker', markets: 'market/products', perLoad: 3 },
  { exchange: 'bybit', first: 'BTC/USDT:USDT', second: 'ETH/USDT:USDT', trades: 'recent-trade', markets: 'instruments-info', perLoad: 2 },
] as const;

const retrying = (rule: string) => new RegExp(`rule ${rule}: retrying \\(\\d+\\) at .*: reconnecting: `);
const armed = (rule: string) => new RegExp(`rule ${rule}: armed$`);

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
        await untilArmed(bot, until);
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

    it(`${x.exchange}: one 503 and one 400 on the gap backfill, and a drop during a failed backfill (aimed at ${x.first}): named states, back to armed; the cached bars are true`, async () => {
      const emulator: ExchangeEmulator<ExchangeId> = await ExchangeEmulator.start({ exchange: x.exchange, seed: 13, tradesPerSecond: 10, historyMinutes: 30 });
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), `ts-bot-backfill-${x.exchange}-`));
      try {
        await fs.writeFile(path.join(dir, 'alerts.yaml'), botConfig(x.exchange, x.first, x.second));
        const { bot, until } = spawnBot(emulator, dir, 'backfill');
        running = bot;
        await untilArmed(bot, until);
        const drop = () => void assert.ok(emulator.dropConnections(x.first) > 0, `${x.first} had connections`);
        /** A fault, then each rule through its named state back to armed (one connection carries all four). */
        const through = async (fault: () => void, states: Partial<Record<(typeof RULES)[number], RegExp>> = {}) => {
          const back = Promise.all(RULES.map((rule) => until(lineAfter(states[rule] ?? retrying(rule), armed(rule)), 60_000)));
          fault();
          await back;
        };

        // One 503 on the gap backfill's trades: retried within the request, so the rules only show the reconnect.
        await through(() => {
          emulator.failRest({ status: 503, count: 1, path: x.trades, symbol: x.first });
          drop();
        });

        // One 400: not retried within the request; the candle rule is degraded until its repair, the others reconnect.
        await through(
          () => {
            emulator.failRest({ status: 400, count: 1, path: x.trades, symbol: x.first });
            drop();
          },
          { bars: /rule bars: degraded: history unavailable \((HTTP 400|[a-z-]+ error)\), retry at / },
        );

        // A drop during a failed backfill: still degraded, nothing lost; once the exchange answers, armed.
        const degraded = until(/rule bars: degraded: history unavailable \(HTTP 503\)/, 60_000);
        emulator.failRest({ status: 503, count: 100_000, path: x.trades, symbol: x.first });
        drop();
        await degraded;
        const othersBack = Promise.all(RULES.filter((r) => r !== 'bars').map((rule) => until(lineAfter(retrying(rule), armed(rule)), 60_000)));
        drop();
        await othersBack;
        emulator.clearFaults();
        await through(drop);

        await stopBot(bot);
        for (const symbol of [x.first, x.second]) await assertCachedTrue(emulator, path.join(dir, 'cache-backfill'), symbol);
      } finally {
        await emulator.close();
        await fs.rm(dir, { recursive: true, force: true });
      }
    });

    for (const status of [503, 429] as const) {
      it(`${x.exchange}: ${status}s on the markets load at start: the symbol check is skipped (said so), the rules show retrying (1), then all are armed; the cached bars are true`, async () => {
        const emulator: ExchangeEmulator<ExchangeId> = await ExchangeEmulator.start({ exchange: x.exchange, seed: 14, tradesPerSecond: 10, historyMinutes: 30 });
        const dir = await fs.mkdtemp(path.join(os.tmpdir(), `ts-bot-markets-${x.exchange}-`));
        try {
          await fs.writeFile(path.join(dir, 'alerts.yaml'), botConfig(x.exchange, x.first, x.second));
          // The first load is the start-up symbol check's, the second the rules' own.
          emulator.failRest({ status, count: 2 * x.perLoad, path: x.markets, retryAfterSec: 1 });
          const { bot, until } = spawnBot(emulator, dir, `markets${status}`);
          running = bot;
          await until(new RegExp(`cannot check the symbols of ${x.exchange} yet .*; its rules start anyway`), 30_000, true);
          for (const rule of ['bars', 'ticks']) assert.match(await until(new RegExp(`rule ${rule}: retrying \\(1\\) at `), 30_000, true), /retrying \(1\) at \d{4}-\d\d-\d\dT[\d:.]+Z: /);
          await untilArmed(bot, until);
          await stopBot(bot);
          for (const symbol of [x.first, x.second]) await assertCachedTrue(emulator, path.join(dir, `cache-markets${status}`), symbol);
        } finally {
          await emulator.close();
          await fs.rm(dir, { recursive: true, force: true });
        }
      });
    }
  }
});
