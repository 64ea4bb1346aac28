/**
 * Issue 10's fault matrix for the headless bot (a spawned `tradesuite-alerts`, real ccxt, the emulator): a rule on
 * candles and a rule on ticks side by side, on two markets, under each fault (aimed at BTC/USDT where a fault can be
 * aimed at one market). Every fault ends in a named state in the bot's log (`retrying (n)`, `degraded: …`) and back
 * to `armed`; the ETH/USDT rules never leave `armed` under faults aimed at BTC/USDT; the bot never dies; nothing is
 * fired (the rules' levels are out of reach of true data, so an alert would mean wrong data); no closed bar is
 * revised (the engine logs every revision); every bar the bot cached equals the ground truth.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeEmulator } from '../../src/emulator';
import { assertCachedTrue, botConfig, lineAfter, spawnBot as spawn, stopBot as stop, untilArmed } from '../helpers/botFaults';
import { scenariosAtOnce } from '../helpers/scenariosAtOnce';
import type { SpawnedBot } from '../helpers/spawnBot';

const CONFIG = botConfig('binance', 'BTC/USDT', 'ETH/USDT');

describe('the bot under issue 10\'s fault matrix: a candle rule and a tick rule on two markets (spawned, real ccxt, emulator)', function () {
  this.timeout(180_000);
  let emulator: ExchangeEmulator;
  let dir: string;
  let running: SpawnedBot | undefined;
  before(async () => {
    emulator = await ExchangeEmulator.start({ seed: 11, tradesPerSecond: 10, historyMinutes: 30 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-bot-faults-'));
    await fs.writeFile(path.join(dir, 'alerts.yaml'), CONFIG);
  });
  afterEach(() => {
    emulator.clearFaults();
    if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
    running = undefined;
  });
  after(async () => {
    await emulator.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  for (const status of [503, 429] as const) {
    it(`${status}s on exchangeInfo at start: the symbol check is skipped (said so), the rules show retrying (1) with the next attempt time, then every rule is armed; the cached bars are true`, async () => {
      // The first answer is the start-up symbol check's, the second the rules' own market load.
      emulator.failRest({ status, count: 2, path: 'exchangeInfo', retryAfterSec: 1 });
      const { bot, until } = spawn(emulator, dir, `info${status}`);
      running = bot;
      await until(/cannot check the symbols of binance yet .*; its rules start anyway/, 30_000, true);
      for (const rule of ['bars', 'ticks']) {
        assert.match(await until(new RegExp(`rule ${rule}: retrying \\(1\\) at `), 30_000, true), /retrying \(1\) at \d{4}-\d\d-\d\dT[\d:.]+Z: /);
      }
      // The ETH/USDT rules show the retry too if they asked before the markets loaded; every rule ends armed.
      await untilArmed(bot, until);
      await stop(bot);
      for (const symbol of ['BTC/USDT', 'ETH/USDT']) await assertCachedTrue(emulator, path.join(dir, `cache-info${status}`), symbol);
    });
  }

  it('no history at start (503 on every REST request of BTC/USDT): a candle rule ready on one bar reads degraded, never armed before it, then armed once the exchange answers; the cached bars are true', async () => {
    // Its own folder and rule: a 1-bar range is ready on the first bar held, so bars sent before their trouble arm it.
    const own = path.join(dir, 'noHistory');
    await fs.mkdir(own);
    await fs.writeFile(path.join(own, 'alerts.yaml'), 'rules:\n  - { name: range, type: volatility, exchange: binance, symbol: BTC/USDT, timeframe: 1m, measure: range, lookback: 1, above: 50 }\n');
    emulator.failRest({ status: 503, count: 1_000_000, symbol: 'BTC/USDT' });
    const { bot, until } = spawn(emulator, own, 'run');
    running = bot;
    await until(/rule range: degraded: history unavailable \(HTTP 503\), retry at /, 40_000, true);
    const back = until(/rule range: armed$/, 60_000);
    emulator.clearFaults();
    await back;
    const states = bot.out.filter((l) => /rule range: /.test(l)).map((l) => /rule range: (warming up|degraded|armed|[a-z]+)/.exec(l)?.[1]);
    assert.deepEqual(states.slice(0, states.indexOf('degraded')), ['warming up'], `warming up, then degraded: never armed on bars without their history\n${bot.out.join('\n')}`);
    await stop(bot);
    await assertCachedTrue(emulator, path.join(own, 'cache-run'), 'BTC/USDT');
  });

  // The event here is the wall clock itself (the bot's bars are minutes of real time): this one runs on an emulator and
  // in a folder of its own, from the block's start, while the tests before it run.
  const boundaryOutcome = scenariosAtOnce(['boundary'] as const, async (_, scope) => {
    const own = await ExchangeEmulator.start({ seed: 11, tradesPerSecond: 10, historyMinutes: 30 });
    scope.defer(() => own.close());
    const ownDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-bot-faults-boundary-'));
    scope.defer(() => fs.rm(ownDir, { recursive: true, force: true }));
    await fs.writeFile(path.join(ownDir, 'alerts.yaml'), CONFIG);
    const { bot, until } = spawn(own, ownDir, 'boundary');
    scope.defer(async () => {
      if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
      await bot.exited;
    });
    await untilArmed(bot, until);
    const boundary = Math.ceil((Date.now() + 3000) / 60_000) * 60_000;
    await new Promise((r) => setTimeout(r, boundary - 1500 - Date.now()));
    const back = Promise.all([until(lineAfter(/rule bars: retrying \(1\) at /, /rule bars: armed$/), 60_000), until(lineAfter(/rule ticks: retrying \(1\) at /, /rule ticks: armed$/), 60_000)]);
    await own.stop();
    await new Promise((r) => setTimeout(r, Math.max(0, boundary + 1500 - Date.now())));
    await own.restart();
    await back;
    await stop(bot); // SIGTERM persists what the bot holds: only final bars
    const times = await assertCachedTrue(own, path.join(ownDir, 'cache-boundary'), 'BTC/USDT');
    assert.ok(times.includes(boundary - 60_000), 'the bar the outage began in is cached');
    await assertCachedTrue(own, path.join(ownDir, 'cache-boundary'), 'ETH/USDT');
  });
  it('an outage across a bar boundary: retrying, then armed; nothing fired, and every bar the bot cached equals the ground truth', () => boundaryOutcome('boundary'));

  it('one bot through faults aimed at BTC/USDT (a drop with one 503, one 400, a persistent 429 with Retry-After, a plain drop, malformed frames, a drop during a failed backfill), then a restart: each ends in a named state and back to armed; the ETH/USDT rules stay armed; the cached bars are true', async () => {
    const { bot, until } = spawn(emulator, dir, 'runtime');
    running = bot;
    await untilArmed(bot, until);
    const armedAt = bot.out.length + bot.err.length;
    const BTC = 'BTC/USDT';
    const drop = () => void assert.ok(emulator.dropConnections(BTC) > 0, 'BTC/USDT had connections');
    /** A fault, then both BTC/USDT rules through their named states back to armed. */
    const through = async (fault: () => void | Promise<void>, states: { bars: RegExp; ticks: RegExp }) => {
      const back = Promise.all([until(lineAfter(states.bars, /rule bars: armed$/), 60_000), until(lineAfter(states.ticks, /rule ticks: armed$/), 60_000)]);
      await fault();
      await back;
    };
    const reconnecting = /: retrying \(\d+\) at .*: reconnecting: /;
    const retryingBars = new RegExp(`rule bars${reconnecting.source}`);
    const retryingTicks = new RegExp(`rule ticks${reconnecting.source}`);

    // One 503 on the gap backfill: retried within the request, so the rules only show the reconnect.
    await through(() => {
      emulator.failRest({ status: 503, count: 1, path: 'aggTrades', symbol: BTC });
      drop();
    }, { bars: retryingBars, ticks: retryingTicks });

    // One 400 on the gap backfill: not retried within the request; the series is degraded until its repair.
    await through(() => {
      emulator.failRest({ status: 400, count: 1, path: 'aggTrades', symbol: BTC });
      drop();
    }, { bars: /rule bars: degraded: history unavailable \(HTTP 400\), retry at /, ticks: retryingTicks });

    // A persistent 429 with Retry-After: REST paused, the series degraded; once the exchange answers, armed again.
    // (A 429 pauses all REST to the exchange, as its limits are per IP: ETH/USDT needs none while its stream is up.)
    const paused = until(/rule bars: degraded: REST paused by a rate limit \(HTTP 429\)/, 60_000);
    const ticksBack = until(lineAfter(retryingTicks, /rule ticks: armed$/), 60_000);
    emulator.failRest({ status: 429, count: 100_000, path: 'aggTrades', retryAfterSec: 1, symbol: BTC });
    drop();
    await Promise.all([paused, ticksBack]);
    const barsBack = until(/rule bars: armed$/, 60_000);
    emulator.clearFaults();
    await barsBack;

    // A plain drop.
    await through(drop, { bars: retryingBars, ticks: retryingTicks });

    // Malformed frames: skipped, the stream stays up; the rules stay armed and the bot alive (a drop proves it).
    assert.ok(emulator.sendMalformed('invalid-json', undefined, BTC) > 0 && emulator.sendMalformed('bad-fields', undefined, BTC) > 0, 'malformed frames were sent');
    await through(drop, { bars: retryingBars, ticks: retryingTicks });

    // A drop during a failed backfill: still degraded, nothing lost; once the exchange answers, armed.
    const degraded = until(/rule bars: degraded: history unavailable \(HTTP 503\)/, 60_000);
    emulator.failRest({ status: 503, count: 100_000, path: 'aggTrades', symbol: BTC });
    drop();
    await degraded;
    const again = until(lineAfter(retryingTicks, /rule ticks: armed$/), 60_000);
    drop();
    await again;
    // Its repair is on a backoff grown by the failures; the next reconnect backfills at once.
    emulator.clearFaults();
    await through(drop, { bars: retryingBars, ticks: retryingTicks });

    // Every fault so far was aimed at BTC/USDT: the ETH/USDT rules never left armed.
    const ethLines = [...bot.out, ...bot.err].slice(armedAt).filter((l) => /rule (bars|ticks)-eth: /.test(l));
    assert.deepEqual(ethLines, [], 'the ETH/USDT rules noticed nothing of the faults aimed at BTC/USDT');

    // The exchange restarts (down for a moment): every rule through retrying back to armed.
    const ethBack = Promise.all(['bars-eth', 'ticks-eth'].map((rule) => until(lineAfter(new RegExp(`rule ${rule}${reconnecting.source}`), new RegExp(`rule ${rule}: armed$`)), 60_000)));
    await through(async () => {
      await emulator.stop();
      await emulator.restart();
    }, { bars: retryingBars, ticks: retryingTicks });
    await ethBack;

    await stop(bot);
    for (const symbol of [BTC, 'ETH/USDT']) await assertCachedTrue(emulator, path.join(dir, 'cache-runtime'), symbol);
  });
});
