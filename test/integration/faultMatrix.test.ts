/**
 * Issue 10's fault matrix for chart subscriptions, on each of the three exchange protocols (issue 12), real ccxt
 * against the emulator: 1m candles of two markets, every fault aimed at the first. Each fault ends in a named state
 * and back to live; the other market's stream is untouched where it has its own connection (Binance) and its bars
 * stay exact everywhere; no closed bar is ever revised; at the end every bar held equals the ground truth, and so
 * does every bar the cache on disk holds.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { StreamState } from '../../src/core/types';
import type { ExchangeId } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';
import { scenariosAtOnce, type ScenarioScope } from '../helpers/scenariosAtOnce';

type CandleReq = Extract<SubscriptionRequest, { kind: 'candles' }>;
type TradesReq = Extract<SubscriptionRequest, { kind: 'trades' }>;
type Event = Recorder<CandleReq>['events'][number];
type Status = StreamState['status'];

interface Profile {
  readonly exchange: ExchangeId;
  /** The market every fault is aimed at, and the other one. */
  readonly target: string;
  readonly other: string;
  /** failRest's path of the market listing (ccxt's loadMarkets). */
  readonly marketsPath: string;
  /** Whether ccxt gives each market's stream its own connection (Binance), so a drop aimed at one spares the other. */
  readonly ownConnections: boolean;
}

const PROFILES: readonly Profile[] = [
  { exchange: 'binance', target: 'BTC/USDT', other: 'ETH/USDT', marketsPath: 'exchangeInfo', ownConnections: true },
  { exchange: 'coinbase', target: 'BTC/USD', other: 'ETH/USD', marketsPath: 'brokerage/market/products', ownConnections: false },
  { exchange: 'bybit', target: 'BTC/USDT:USDT', other: 'ETH/USDT:USDT', marketsPath: 'instruments-info', ownConnections: false },
];

const isState = (status: Status) => (e: Event) => e.type === 'state' && e.state.status === status;

/** An event predicate true for the first `second` event after a `first` one (in the order they arrive). */
function after(first: (e: Event) => boolean, second: (e: Event) => boolean): (e: Event) => boolean {
  let seenFirst = false;
  return (e) => {
    if (seenFirst) return second(e);
    seenFirst = first(e);
    return false;
  };
}

/** The latest state is live, not catching up, and a trade's bars have come since it. */
function settledLive(rec: Recorder<CandleReq>): boolean {
  let last = rec.events.length - 1;
  while (last >= 0 && rec.events[last]!.type !== 'state') last--;
  const state = rec.events[last];
  return state?.type === 'state' && state.state.status === 'live' && state.state.catchingUp !== true && rec.events.slice(last + 1).some((e) => e.type === 'deltas');
}

/** Every bar of `bars` equals the ground-truth bar of the same minute (built from the emulator's trade log). */
function assertTrue(truth: ReadonlyMap<number, ReturnType<typeof roundCandle>>, bars: readonly { time: number; open: number; high: number; low: number; close: number; volume: number }[], what: string): void {
  assert.ok(bars.length > 0, `${what}: some bars`);
  for (const bar of bars) assert.deepEqual(roundCandle(bar), truth.get(bar.time), `${what}: the ${new Date(bar.time).toISOString()} bar`);
}

/**
 * One exchange's run. Its waits are mostly the wall clock's (the keep-alive noticing the silent network, Retry-After,
 * backoffs), so the three exchanges' runs go at once, each on its own rig (emulator, hub, cache folder).
 */
async function scenario(p: Profile, scope: ScenarioScope): Promise<void> {
  const r: Rig<ExchangeId> = await Rig.start({ exchange: p.exchange, tradesPerSecond: 10, historyMinutes: 30 }, { restMaxAttempts: 2 });
  scope.defer(() => r.close());
  const emu = r.emulator;
  /** The fault now under way, and the states the other market showed during each (its stream should not notice). */
  let row = 'start';
  const otherStates: Array<{ row: string; status: Status }> = [];
  const target = new Recorder<CandleReq>();
  const other = new Recorder<CandleReq>();
  const trades = new Recorder<TradesReq>();

  // A market load that fails once: retrying (1), then live.
  emu.failRest({ status: 503, count: 1, path: p.marketsPath });
  const subs = [
    r.hub.subscribe({ kind: 'candles', exchange: p.exchange, symbol: p.target, timeframe: '1m' }, target.consume),
    r.hub.subscribe({ kind: 'candles', exchange: p.exchange, symbol: p.other, timeframe: '1m' }, (e) => {
      if (e.type === 'state') otherStates.push({ row, status: e.state.status });
      other.consume(e);
    }),
    r.hub.subscribe({ kind: 'trades', exchange: p.exchange, symbol: p.target }, trades.consume),
  ];
  await target.next(after(isState('retrying'), isState('live')), 'retrying, then live', 30_000);
  await other.next(isState('live'), 'the other market live', 30_000);
  await target.next((e) => e.type === 'snapshot', 'a snapshot', 30_000);
  // The other market's opening may still be under way (live, catching up for its first seam's check, live again):
  // its states from here on must be the faults', so the faults wait for a trade after its last state, a live one.
  await other.next(() => settledLive(other), "the other market's opening settled (live, a trade after its last state)", 30_000);

  /** Resolves with the 1m backfill outcomes of the target from now until its next `done`. */
  const backfilled = (what: string) => {
    const outcomes: string[] = [];
    return new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what}: no backfill done within 60 s (outcomes ${outcomes.join(', ')})`)), 60_000);
      const sub = r.hub.onCandleFactoryEvent({ exchange: p.exchange, symbol: p.target }, (e) => {
        if (e.type !== 'backfill' || e.timeframe !== '1m') return;
        outcomes.push(e.outcome);
        if (e.outcome !== 'done') return;
        clearTimeout(timer);
        sub?.dispose();
        resolve(outcomes);
      });
      assert.ok(sub, 'the target market has a candle factory');
    });
  };
  /** The states the target showed since event `from`. */
  const statesSince = (from: number) => target.events.slice(from).flatMap((e) => (e.type === 'state' ? [e.state.status] : []));
  /** Why a wait failed: the target's last states and the last REST requests. */
  const explain = (error: unknown): never => {
    const states = target.events.flatMap((e) => (e.type === 'state' ? [JSON.stringify(e.state)] : [])).slice(-6);
    const rest = emu.restLog().slice(-8).map((x) => `${x.status} ${x.path}`);
    throw new Error(`${String(error)}\nthe target's last states:\n${states.join('\n')}\nthe last REST requests:\n${rest.join('\n')}`);
  };
  /**
   * Runs a fault aimed at the target market (ending in a reconnect) and waits until the target is live again and
   * its gap backfilled; a backfill that failed meanwhile must have shown as `degraded`.
   */
  const through = async (name: string, fault: () => void | Promise<void>) => {
    row = name;
    const from = target.events.length;
    const back = target.upcoming(after(isState('reconnecting'), isState('live')), `${name}: reconnecting, then live`, 60_000);
    const done = backfilled(name);
    await fault();
    const [, outcomes] = await Promise.all([back, done]).catch(explain);
    if (outcomes.includes('failed')) assert.ok(statesSince(from).includes('degraded'), `${name}: a failed backfill shows as degraded (${statesSince(from).join(' → ')})`);
    // The backfill's done may still hold the bars while the first read after the drop is checked (catching up).
    await target.next(() => settledLive(target), `${name}: settled live (the first read after the drop checked)`, 60_000).catch(explain);
    return outcomes;
  };
  const drop = () => void assert.ok(emu.dropConnections(p.target) > 0, 'a connection carried the market');

  await through('one 503', () => {
    emu.failRest({ status: 503, count: 1, symbol: p.target });
    drop();
  });
  await through('one 400', () => {
    emu.failRest({ status: 400, count: 1, symbol: p.target });
    drop();
  });
  row = 'a persistent 429';
  const paused = target.upcoming(isState('degraded'), 'degraded by the 429s', 60_000);
  const unpaused = backfilled(row);
  emu.failRest({ status: 429, count: 100_000, symbol: p.target, retryAfterSec: 1 });
  drop();
  const degraded = await paused.catch(explain);
  assert.ok(degraded.type === 'state' && degraded.state.status === 'degraded' && /rate limit|HTTP 429/.test(degraded.state.reason), JSON.stringify(degraded));
  const live = target.upcoming(isState('live'), 'live once the 429s stop', 60_000);
  emu.clearFaults();
  await Promise.all([live, unpaused]).catch(explain);
  await through('a drop', drop);
  // The network under the socket goes away without a word (lost Wi-Fi, a laptop's sleep): only the keep-alive
  // can tell; ccxt's own (Binance's 180 s) left the stream "live" and silent for 12 minutes.
  await through('a silent network', () => void assert.ok(emu.silenceConnections(p.target) > 0, 'a connection carried the market'));

  row = 'malformed frames';
  const mark = emu.trades(p.target).at(-1)?.id ?? 0;
  const later = (id: string) => emu.trades(p.target).some((t) => t.id > mark + 5 && emu.wireTradeId(p.target, t) === id);
  const afterMalformed = trades.upcoming((e) => e.type === 'trades' && e.trades.some((t) => later(t.id)), 'trades after the malformed frames', 30_000);
  const connections = emu.stats().wsConnectionsTotal;
  const statesBefore = target.events.length;
  assert.ok(emu.sendMalformed('bad-fields', undefined, p.target) > 0 && emu.sendMalformed('invalid-json', undefined, p.target) > 0, 'malformed frames were sent');
  await afterMalformed;
  assert.equal(emu.stats().wsConnectionsTotal, connections, 'malformed frames are skipped: no reconnect');
  assert.deepEqual(statesSince(statesBefore), [], 'the target stays live through malformed frames');

  row = 'a drop during a failed backfill';
  const failing = target.upcoming(isState('degraded'), 'degraded by the failed backfill', 60_000);
  const repaired = backfilled(row);
  emu.failRest({ status: 503, count: 100_000, symbol: p.target });
  drop();
  await failing.catch(explain);
  const again = target.upcoming(after(isState('reconnecting'), isState('live')), 'through the second drop', 60_000);
  drop();
  await again.catch(explain);
  emu.clearFaults();
  await repaired.catch(explain);

  // The exchange restarts: every market reconnects (not aimed at one).
  row = 'a restart';
  const bothBack = other.upcoming(after(isState('reconnecting'), isState('live')), 'the other market back after the restart', 60_000);
  await through('a restart', async () => {
    await emu.stop();
    await emu.restart();
  });
  await bothBack;
  row = 'end';

  // Freeze the market, close the bar in progress of each market with one trade in the next minute, settle.
  emu.setTradesPerSecond(0);
  for (const [symbol, rec] of [
    [p.target, target],
    [p.other, other],
  ] as const) {
    const last = emu.trades(symbol).at(-1)!;
    const [closer] = await emu.playPath(symbol, [last.price], { intervalMs: 0, startTimestamp: last.timestamp - (last.timestamp % 60_000) + 60_000 });
    await rec.next(() => rec.candles.at(-1)?.time === closer!.timestamp - (closer!.timestamp % 60_000) && rec.candles.at(-1)?.volume === closer!.amount && !rec.candles.some((c) => c.partial), `${symbol}: every bar settled`, 60_000);
  }

  const revised = (rec: Recorder<CandleReq>) => rec.events.flatMap((e) => (e.type === 'deltas' ? e.deltas.filter((d) => d.kind === 'revised') : []));
  assert.deepEqual(revised(target), [], 'no closed bar of the target market was revised');
  assert.deepEqual(revised(other), [], 'no closed bar of the other market was revised');
  const ownRows = new Set(['one 503', 'one 400', 'a persistent 429', 'a drop', 'a silent network', 'malformed frames', 'a drop during a failed backfill', 'a drop after the failed backfill']);
  const disturbed = otherStates.filter((s) => ownRows.has(s.row) && (p.ownConnections || s.status === 'failed'));
  assert.deepEqual(disturbed, [], p.ownConnections ? 'the other market\'s stream never noticed the faults aimed at the target' : 'the other market never failed');

  const truthOf = (symbol: string) => new Map(referenceCandles(emu.trades(symbol), '1m').map((c) => [c.time, roundCandle(c)]));
  assertTrue(truthOf(p.target), target.candles, `${p.target} held`);
  assertTrue(truthOf(p.other), other.candles, `${p.other} held`);

  // The cache on disk: what the hub persists when the last consumer leaves equals the ground truth.
  const written = new Set<string>();
  const allWritten = new Promise<void>((resolve) =>
    r.hub.onCacheWritten((key) => {
      written.add(key.symbol);
      if (written.has(p.target) && written.has(p.other)) resolve();
    }),
  );
  for (const sub of subs) sub.dispose();
  await allWritten;
  for (const symbol of [p.target, p.other]) {
    const file = path.join(r.cacheDir, p.exchange, symbol.replace(/[/:]/g, '_'), '1m.csv');
    const rows = (await fs.readFile(file, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    const bars = rows.map(([time, open, high, low, close, volume]) => ({ time: time!, open: open!, high: high!, low: low!, close: close!, volume: volume! }));
    assertTrue(truthOf(symbol), bars, `${symbol} cached`);
  }
}

describe('fault matrix: chart subscriptions of two markets, every fault aimed at one (real ccxt, emulator)', function () {
  this.timeout(240_000);
  const outcome = scenariosAtOnce(PROFILES, scenario);

  for (const p of PROFILES) {
    it(`${p.exchange}: a failed market load, one 503, one 400, a persistent 429, a drop, a silent network, malformed frames, a drop during a failed backfill, a restart`, () => outcome(p));
  }
});
