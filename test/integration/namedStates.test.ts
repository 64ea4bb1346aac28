/**
 * Every error path ends in a named state (issue 10): `retrying (n)` with the next attempt time, `degraded: reason`,
 * `failed: reason`, and recovery returns to `live`. Real ccxt against the emulator's fault knobs; the bot as a
 * spawned process.
 */
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { StreamState } from '../../src/core/types';
import { ExchangeEmulator } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';
import { startBot } from '../helpers/spawnBot';

const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const oneMinute: Extract<SubscriptionRequest, { kind: 'candles' }> = { kind: 'candles', ...BTC, timeframe: '1m' };
type Req = typeof oneMinute;

const stateOf = (status: StreamState['status']) => (e: Recorder<Req>['events'][number]) => e.type === 'state' && e.state.status === status;
const statesSeen = (rec: Recorder<Req>) => rec.events.flatMap((e) => (e.type === 'state' ? [e.state.status] : []));

/** Resolves when the market's factory reports a backfill `done` for `tf` (the event, not quiet, says it settled). */
function backfillDone(rig: Rig, tf: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no backfill done for ${tf}`)), 30_000);
    const sub = rig.hub.onCandleFactoryEvent(BTC, (e) => {
      if (e.type === 'backfill' && e.timeframe === tf && e.outcome === 'done') {
        clearTimeout(t);
        sub?.dispose();
        resolve();
      }
    });
    if (!sub) clearTimeout(t);
    assert.ok(sub, 'the market has a candle factory');
  });
}

describe('named states of a subscription (real ccxt, emulator)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('history failing with 503s: degraded with the reason and the next repair time, then live once the exchange answers, with the true bars', async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 30 }, { restMaxAttempts: 2 });
    rig.emulator.failRest({ status: 503, count: 1000, path: 'klines' });
    const rec = new Recorder<Req>();
    rig.hub.subscribe(oneMinute, rec.consume);
    const degraded = await rec.next(stateOf('degraded'), 'degraded', 20_000);
    assert.ok(degraded.type === 'state' && degraded.state.status === 'degraded');
    assert.equal(degraded.state.reason, 'history unavailable (HTTP 503)');
    assert.ok(degraded.state.retryAt !== undefined && degraded.state.retryAt > Date.now() - 1000, 'the next repair time is given');
    assert.ok(!rec.events.some((e) => e.type === 'error'), 'no error banner: the state says it');
    const repaired = backfillDone(rig, '1m');
    const live = rec.upcoming(stateOf('live'), 'live again', 30_000);
    rig.emulator.clearFaults();
    await Promise.all([repaired, live]);
    rig.emulator.setTradesPerSecond(0);
    const closed = rec.candles.slice(0, -1);
    assert.ok(closed.length >= 29, `the history arrived (${closed.length} bars)`);
    const truth = referenceCandles(rig.emulator.trades('BTC/USDT'), '1m');
    assert.deepEqual(closed.slice(0, 20).map(roundCandle), truth.filter((c) => c.time >= closed[0]!.time).slice(0, 20).map(roundCandle));
  });

  it('backfill retries exhausted: failed (gave up after n attempts); the next reconnect backfills again and returns to live', async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 30 }, { restMaxAttempts: 1, backfillMaxAttempts: 2 });
    rig.emulator.failRest({ status: 503, count: 1000, path: 'klines' });
    const rec = new Recorder<Req>();
    rig.hub.subscribe(oneMinute, rec.consume);
    const failed = await rec.next(stateOf('failed'), 'failed', 20_000);
    assert.ok(failed.type === 'state' && failed.state.status === 'failed');
    assert.equal(failed.state.reason, 'history unavailable (HTTP 503) (gave up after 2 attempts)');
    const seen = statesSeen(rec);
    assert.ok(seen.indexOf('degraded') >= 0 && seen.indexOf('degraded') < seen.indexOf('failed'), seen.join(' → '));
    rig.emulator.clearFaults();
    const repaired = backfillDone(rig, '1m');
    const live = rec.upcoming(stateOf('live'), 'live after the reconnect', 30_000);
    rig.emulator.dropConnections();
    await Promise.all([repaired, live]);
    assert.equal(statesSeen(rec).at(-1), 'live');
    assert.ok(rec.candles.length >= 30, `the history given up before arrived with the gap (${rec.candles.length} bars)`);
  });

  it('markets that cannot load yet: retrying (n) with the next attempt time, then live', async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 30 });
    rig.emulator.failRest({ status: 503, count: 2, path: 'exchangeInfo' });
    const rec = new Recorder<Req>();
    const before = Date.now();
    rig.hub.subscribe(oneMinute, rec.consume);
    await rec.next(stateOf('live'), 'live', 20_000);
    const retries = rec.events.flatMap((e) => (e.type === 'state' && e.state.status === 'retrying' ? [e.state] : []));
    assert.deepEqual(retries.map((r) => r.attempt), [1, 2]);
    // In words, the class only in the log: ccxt's OperationFailed (Binance's -1001 with its 503) or ExchangeNotAvailable.
    assert.ok(retries.every((r) => r.retryAt >= before && /^(binance failed the request|(exchange|binance) not available): .*(Service unavailable|503)/.test(r.reason)), JSON.stringify(retries));
  });

  it('an unknown symbol: failed with the reason', async () => {
    rig = await Rig.start({ tradesPerSecond: 0, historyMinutes: 5 });
    const rec = new Recorder<Req>();
    const sub = rig.hub.subscribe({ ...oneMinute, symbol: 'NOPE/USDT' }, rec.consume);
    await sub.ready.catch(() => undefined);
    const failed = await rec.next(stateOf('failed'), 'failed');
    assert.ok(failed.type === 'state' && failed.state.status === 'failed' && /NOPE\/USDT/.test(failed.state.reason), JSON.stringify(failed));
  });
});

describe('named states in the bot\'s log (spawned process, real ccxt, emulator)', function () {
  this.timeout(90_000);
  let emulator: ExchangeEmulator;
  let dir: string;
  let bot: ChildProcess | undefined;
  before(async () => {
    emulator = await ExchangeEmulator.start({ seed: 5, tradesPerSecond: 5, historyMinutes: 30 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-named-states-'));
  });
  afterEach(() => {
    if (bot && bot.exitCode === null) bot.kill('SIGKILL');
    emulator.clearFaults();
  });
  after(async () => {
    await emulator.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a candle rule shows degraded while history fails and armed once it answers; a tick rule shows retrying (n) during a drop, then armed; exit 0', async () => {
    const config = path.join(dir, 'alerts.yaml');
    await fs.writeFile(
      config,
      'rules:\n  - name: pc\n    type: percentage_change\n    exchange: binance\n    symbol: BTC/USDT\n    timeframe: 1m\n    lookback: 2\n    above: 50\n' +
        '  - name: px\n    type: price_level\n    exchange: binance\n    symbol: ETH/USDT\n    above: 1000000\n',
    );
    emulator.failRest({ status: 503, count: 1000, path: 'klines' });
    const b = startBot(['--config', config, '--exchange-url', `binance=${emulator.url}`, '--no-watch', '--cache-dir', path.join(dir, 'cache')]);
    bot = b.child;
    const died = b.exited.then((code) => {
      throw new Error(`the bot exited with ${code}:\n${[...b.out, ...b.err].slice(-10).join('\n')}`);
    });
    const degraded = await Promise.race([b.line(/rule pc: degraded: /, 30_000), died]);
    assert.match(degraded, /rule pc: degraded: history unavailable \(HTTP 503\), retry at \d{4}-\d\d-\d\dT[\d:.]+Z$/);
    await Promise.race([b.line(/rule px: armed$/, 30_000), died]);
    const armed = b.nextLine(/rule pc: armed$/, 40_000);
    emulator.clearFaults();
    await Promise.race([armed, died]);

    const retrying = b.nextLine(/rule px: retrying \(1\) at /, 20_000);
    const back = b.nextLine(/rule px: armed$/, 30_000);
    emulator.dropConnections();
    assert.match(await Promise.race([retrying, died]), /rule px: retrying \(1\) at \d{4}-\d\d-\d\dT[\d:.]+Z: reconnecting: /);
    await Promise.race([back, died]);

    b.child.kill('SIGTERM');
    assert.equal(await b.exited, 0, 'alive until told to stop');
    assert.ok(!b.err.some((l) => /unhandled/i.test(l)), b.err.join('\n'));
  });
});
