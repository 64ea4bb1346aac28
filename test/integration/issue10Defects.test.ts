/**
 * The nine defects of issue 10 ("Nothing lost, nothing wrong, nothing fatal"), each reproduced against the real ccxt
 * and the exchange emulator (or the bot as a spawned process) and held fixed. The root hook in test/setup fails any
 * test during which a promise rejection goes unhandled: in the bot, that is a dead process.
 */
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { ExchangeEmulator } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';
import { startBot } from '../helpers/spawnBot';

const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const oneMinute: Extract<SubscriptionRequest, { kind: 'candles' }> = { kind: 'candles', ...BTC, timeframe: '1m' };

function subscribe<R extends SubscriptionRequest>(rig: Rig, req: R) {
  const rec = new Recorder<R>();
  const sub = rig.hub.subscribe(req, rec.consume);
  return { rec, sub };
}

const rest = (emu: ExchangeEmulator, p: string) => emu.stats().restRequests[`/api/v3/${p}`] ?? 0;

describe('issue 10 defects (real ccxt, emulator)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  describe('defect 1: one failed REST call during seeding', () => {
    it('a 503 on aggTrades is retried: the series seeds exactly, and no rejection goes unhandled', async () => {
      rig = await Rig.start({ tradesPerSecond: 0, historyMinutes: 30 });
      rig.emulator.failRest({ status: 503, count: 1, path: 'aggTrades' });
      const one = subscribe(rig, oneMinute);
      const snap = await one.rec.next((e) => e.type === 'snapshot', 'a snapshot', 20_000);
      assert.ok(snap.type === 'snapshot');
      assert.ok(!one.rec.events.some((e) => e.type === 'error'), JSON.stringify(one.rec.events.filter((e) => e.type === 'error')));
      assert.ok(rest(rig.emulator, 'aggTrades') >= 2, 'the refused request was sent again');
      const truth = referenceCandles(rig.emulator.trades('BTC/USDT'), '1m');
      assert.deepEqual(snap.candles.map(roundCandle), truth.slice(-snap.candles.length).map(roundCandle));
    });

    it('a 400 on aggTrades fails only that series, with a message naming it; nothing goes unhandled', async () => {
      rig = await Rig.start({ tradesPerSecond: 0, historyMinutes: 30 });
      rig.emulator.failRest({ status: 400, count: 1, path: 'aggTrades' });
      const one = subscribe(rig, oneMinute);
      const other = subscribe(rig, { kind: 'candles', exchange: 'binance', symbol: 'ETH/USDT', timeframe: '1m' });
      const err = await one.rec.next((e) => e.type === 'error', 'an error event', 20_000);
      assert.ok(err.type === 'error' && /history unavailable.*BadRequest/.test(err.message), JSON.stringify(err));
      await other.rec.next((e) => e.type === 'snapshot', 'the other market still seeds', 20_000);
      assert.ok(!other.rec.events.some((e) => e.type === 'error'));
    });
  });

  describe('defect 1: the bot survives one failed REST call (spawned process)', () => {
    let emulator: ExchangeEmulator;
    let dir: string;
    let bot: ChildProcess | undefined;
    before(async () => {
      emulator = await ExchangeEmulator.start({ seed: 3, tradesPerSecond: 2, historyMinutes: 30 });
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-defect1-'));
    });
    afterEach(() => {
      if (bot && bot.exitCode === null) bot.kill('SIGKILL');
    });
    after(async () => {
      await emulator.close();
      await fs.rm(dir, { recursive: true, force: true });
    });

    async function runBot(fault: { status: 400 | 503 }, ruleId: string, until: RegExp) {
      const config = path.join(dir, `${ruleId}.yaml`);
      await fs.writeFile(
        config,
        `rules:\n  - name: ${ruleId}\n    type: percentage_change\n    exchange: binance\n    symbol: BTC/USDT\n    timeframe: 1m\n    lookback: 2\n    above: 50\n` +
          `  - name: ${ruleId}-eth\n    type: price_level\n    exchange: binance\n    symbol: ETH/USDT\n    above: 1000000\n`,
      );
      emulator.failRest({ ...fault, count: 1, path: 'aggTrades' });
      const b = startBot(['--config', config, '--exchange-url', `binance=${emulator.url}`, '--no-watch', '--cache-dir', path.join(dir, `cache-${ruleId}`)]);
      bot = b.child;
      const died = b.exited.then((code) => {
        throw new Error(`the bot exited with ${code}:\n${[...b.out, ...b.err].slice(-10).join('\n')}`);
      });
      await Promise.race([b.line(until), died]);
      await Promise.race([b.line(new RegExp(`rule ${ruleId}-eth: \\{"kind":"armed"\\}`)), died]);
      b.child.kill('SIGTERM');
      assert.equal(await b.exited, 0, 'a clean shutdown: the bot was alive and well');
      assert.ok(!b.err.some((l) => /unhandled/i.test(l)), b.err.join('\n'));
      return b;
    }

    it('one 503 on aggTrades: the rule arms, the other rule is untouched, exit 0 on SIGTERM', async () => {
      await runBot({ status: 503 }, 'pc503', /rule pc503: \{"kind":"armed"\}/);
    });

    it('one 400 on aggTrades: the rule shows a named state, the other rule is untouched, exit 0 on SIGTERM', async () => {
      await runBot({ status: 400 }, 'pc400', /rule pc400: \{"kind":"error","message":"history unavailable/);
    });
  });

  describe('defect 2: one failed exchangeInfo', () => {
    for (const status of [429, 503] as const) {
      it(`a ${status} on exchangeInfo is retried with a fresh request, and later subscribers are served`, async () => {
        rig = await Rig.start({ tradesPerSecond: 0, historyMinutes: 30 });
        rig.emulator.failRest({ status, count: 1, path: 'exchangeInfo', retryAfterSec: 0 });
        const first = subscribe(rig, oneMinute);
        await first.rec.next((e) => e.type === 'snapshot', 'a snapshot after the retry', 20_000);
        assert.ok(first.rec.events.some((e) => e.type === 'state' && e.state.status === 'reconnecting'), 'the retry was shown');
        assert.equal(rest(rig.emulator, 'exchangeInfo'), 2, 'one refused request, one fresh one');
        const later = subscribe(rig, { kind: 'candles', exchange: 'binance', symbol: 'ETH/USDT', timeframe: '5m' });
        await later.rec.next((e) => e.type === 'snapshot', 'a later subscriber is served', 20_000);
        assert.ok(!later.rec.events.some((e) => e.type === 'error'));
      });
    }
  });

  describe('defect 8: Retry-After', () => {
    it('under a persistent 429, no request goes out before the last answer\'s Retry-After has passed, and the count is bounded', async () => {
      rig = await Rig.start({ tradesPerSecond: 0, historyMinutes: 30 }, { restMaxAttempts: 2, restConcurrencyPerExchange: 1 });
      await rig.hub.markets('binance');
      const since = Date.now();
      rig.emulator.failRest({ status: 429, count: 1000, retryAfterSec: 1 });
      const one = subscribe(rig, oneMinute);
      await one.rec.next((e) => e.type === 'error', 'the history to fail', 20_000);
      rig.emulator.clearFaults();
      const log = rig.emulator.restLog(since);
      const refused = log.filter((e) => e.status === 429);
      assert.ok(refused.length >= 2, JSON.stringify(log));
      const early = log.flatMap((e, i) => log.slice(i + 1).filter((later) => e.status === 429 && later.at < e.at + 1000).map((later) => `${later.path} ${later.at - e.at} ms after a 429`));
      assert.deepEqual(early, [], 'nothing was sent before Retry-After expired');
      assert.ok(refused.length <= 4, `the attempts are bounded (${refused.length} requests)`);
    });
  });

  describe('defect 7: the cache serves depth honestly', () => {
    it('100 bars cached, then 1000 asked for: the older 900 are fetched, and the bars equal the ground truth', async () => {
      rig = await Rig.start({ tradesPerSecond: 0, historyMinutes: 1200, historyTradesPerMinute: 2 }, { historyBars: 100 });
      const shallow = subscribe(rig, oneMinute);
      await shallow.rec.next((e) => e.type === 'snapshot', 'the shallow snapshot', 20_000);
      shallow.sub.dispose();
      rig = await rig.restartHub(1000);
      const before = rest(rig.emulator, 'klines');
      const deep = subscribe(rig, oneMinute);
      const snap = await deep.rec.next((e) => e.type === 'snapshot', 'the deep snapshot', 20_000);
      assert.ok(snap.type === 'snapshot' && snap.candles.length >= 1000, `got ${snap.type === 'snapshot' ? snap.candles.length : 0} bars`);
      assert.ok(rest(rig.emulator, 'klines') > before, 'the older part was requested');
      const truth = referenceCandles(rig.emulator.trades('BTC/USDT'), '1m');
      assert.deepEqual(snap.candles.map(roundCandle), truth.slice(-snap.candles.length).map(roundCandle));
    });
  });
});
