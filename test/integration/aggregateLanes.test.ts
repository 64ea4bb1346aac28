/**
 * An aggregate chart's lanes from Bybit (real ccxt, emulator): liquidation volume per bar (longs and shorts
 * liquidated), open interest and funding equal what the emulator served; a spot-only aggregate has none.
 */
import * as assert from 'node:assert/strict';
import { AggregateLanes, type LaneBar } from '../../src/core/aggregate/aggregateLanes';
import type { AggregateDefinition } from '../../src/core/aggregate/aggregateDefinition';
import { bucketStart } from '../../src/core/timeframes';
import type { Ticker } from '../../src/core/types';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { whenChanged } from '../helpers/whenChanged';

const SYMBOL = 'BTC/USDT:USDT';
const PERP: AggregateDefinition = { name: 'BTC perp (agg)', legs: [{ exchange: 'bybit', symbol: SYMBOL }], price: { kind: 'vwap' }, usdtIsUsd: false };

describe('aggregate lanes: liquidations, open interest and funding per bar (Bybit, real ccxt, emulator)', function () {
  this.timeout(45_000);
  let rig: Rig<'bybit'> | undefined;
  afterEach(() => rig?.close());

  it('each 1s bar holds the liquidations the emulator pushed in it (Bybit Buy: a long liquidated), and the open interest and funding of the last ticker in it', async () => {
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 0, tickerIntervalMs: 100 });
    const changes: LaneBar[][] = [];
    const lanes = new AggregateLanes(rig.hub, PERP, '1s', (bars) => changes.push([...bars]), { log: rig.log });
    // The test's own ticker consumer rides the same shared stream: it sees the tickers the lanes saw, in order.
    const req = { kind: 'ticker', exchange: 'bybit', symbol: SYMBOL } as const;
    const tickers = new Recorder<typeof req>();
    const sub = rig.hub.subscribe(req, tickers.consume);
    try {
      await lanes.ready;
      await rig.emulator.waitForStats((st) => (st.subscriptions['allLiquidation.BTCUSDT'] ?? 0) >= 1, 20_000);
      const price = rig.emulator.trades(SYMBOL).at(-1)!.price;
      const t0 = Date.now();
      // Spread so that they fall in at least three 1s bars wherever t0 is in its second (0, 1500, 2100 fell in two
      // when t0 was 500-700 ms into it).
      const injected = rig.emulator.injectLiquidations(SYMBOL, [
        { side: 'buy', price, amount: 1.5, timestamp: t0 },
        { side: 'sell', price: price + 5, amount: 0.25, timestamp: t0 + 300 },
        { side: 'buy', price: price - 5, amount: 2, timestamp: t0 + 1200 },
        { side: 'sell', price, amount: 0.75, timestamp: t0 + 2400 },
      ]);
      const liquidated = () => lanes.snapshot().reduce((n, b) => n + b.longs + b.shorts, 0);
      const want = injected.reduce((n, l) => n + l.amount, 0);
      await tickers.next(() => liquidated() >= want, 'the injected liquidations in the lanes', 15_000);
      const seenTickers = () => tickers.events.flatMap((e) => (e.type === 'ticker' ? [e.ticker] : []));
      const settled = seenTickers().length + 5;
      await tickers.next(() => seenTickers().length >= settled, 'five more tickers', 15_000);
      sub.dispose();
      lanes.dispose();

      const bars = lanes.snapshot();
      const emulator = rig.emulator;
      // Liquidations: the emulator's log (generated ones included) since the lanes started, bucketed by second.
      const log = rig.emulator.liquidations(SYMBOL, t0);
      const truth = new Map<number, { longs: number; shorts: number }>();
      for (const l of log) {
        const b = truth.get(bucketStart('1s', l.timestamp)) ?? { longs: 0, shorts: 0 };
        if (l.side === 'buy') b.longs += l.amount;
        else b.shorts += l.amount;
        truth.set(bucketStart('1s', l.timestamp), b);
      }
      assert.ok(truth.size >= 3, `liquidations in ${truth.size} bars`);
      const got = bars.filter((b) => b.longs + b.shorts > 0);
      const expected = [...truth].sort(([a], [b]) => a - b);
      assert.deepEqual(got.map((b) => b.time), expected.map(([time]) => time), 'the bars with liquidations');
      // Sums of decimal amounts: the lanes add them as they arrive, the truth in log order (0.000307 vs 0.00030700000000000004).
      const near = (x: number, y: number) => Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
      got.forEach((b, i) => {
        const [, w] = expected[i]!;
        assert.ok(near(b.longs, w.longs) && near(b.shorts, w.shorts), `bar ${new Date(b.time).toISOString()}: longs ${b.longs} vs ${w.longs}, shorts ${b.shorts} vs ${w.shorts}`);
      });
      // Open interest and funding: per bar, the last ticker received in it, which is one the emulator sent.
      const lastByBar = new Map<number, Ticker>();
      for (const t of seenTickers()) lastByBar.set(bucketStart('1s', t.timestamp), t);
      const withOi = bars.filter((b) => b.openInterest !== undefined);
      assert.ok(withOi.length >= 3, `open interest in ${withOi.length} bars`);
      for (const b of withOi) {
        const t = lastByBar.get(b.time);
        assert.ok(t, `a ticker in the bar ${b.time}`);
        const at = t.timestamp;
        const sent = emulator.tickers(SYMBOL).find((s) => s.timestamp === at);
        assert.ok(sent, `the emulator sent a ticker at ${t.timestamp}`);
        assert.deepEqual([b.openInterest, b.fundingRate], [sent.openInterest, sent.fundingRate], `bar ${new Date(b.time).toISOString()}`);
      }
      await rig.hub.whenStreamsIdle();
      assert.deepEqual(rig.hub.activeStreams(), [], 'nothing left once the lanes and the ticker consumer are gone');
    } finally {
      sub.dispose();
      lanes.dispose();
    }
  });

  it('a dropped liquidation stream: every bar from the drop until the stream is live again is partial, those before and after are whole', async () => {
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 0, tickerIntervalMs: 100, liquidationsPerTrade: 0 });
    const emulator = rig.emulator;
    const { changed, until } = whenChanged();
    const began = [Date.now()];
    const lanes = new AggregateLanes(rig.hub, PERP, '1s', () => changed(), { log: rig.log });
    began.push(Date.now());
    // The test's own consumer of the same shared stream: when it saw the drop.
    let reconnectingSeen: number | undefined;
    const sub = rig.hub.subscribe({ kind: 'liquidations', exchange: 'bybit', symbol: SYMBOL }, (e) => {
      if (e.type === 'state' && e.state.status === 'reconnecting') reconnectingSeen ??= Date.now();
      changed();
    });
    const topic = 'allLiquidation.BTCUSDT';
    try {
      await lanes.ready;
      await emulator.waitForStats((st) => (st.subscriptions[topic] ?? 0) >= 1, 20_000);
      const price = emulator.trades(SYMBOL).at(-1)!.price;
      const liquidated = () => lanes.snapshot().reduce((n, b) => n + b.longs + b.shorts, 0);
      emulator.injectLiquidations(SYMBOL, [{ side: 'buy', price, amount: 1, timestamp: Date.now() }]);
      await until(() => liquidated() >= 1, 'the first liquidation (the stream live)');
      const firstBar = bucketStart('1s', began[0]!);
      // The ticker makes a bar (open interest) every second: two whole ones before the drop.
      await until(() => lanes.snapshot().filter((b) => b.time > bucketStart('1s', began[1]!) && !b.partial).length >= 2, 'two whole bars before the drop');
      const dropped = Date.now();
      assert.ok(emulator.dropConnections() >= 1, 'a connection dropped');
      await emulator.waitForStats((st) => (st.subscriptions[topic] ?? 0) === 0, 5_000);
      await until(() => reconnectingSeen !== undefined, 'the stream reconnecting');
      await emulator.waitForStats((st) => (st.subscriptions[topic] ?? 0) >= 1, 20_000);
      // Resubscribed: the stream is live again with its first liquidation.
      const resumed = Date.now();
      emulator.injectLiquidations(SYMBOL, [{ side: 'sell', price, amount: 2, timestamp: resumed }]);
      await until(() => liquidated() >= 3, 'the liquidation after the reconnect');
      const backAt = bucketStart('1s', resumed);
      await until(() => lanes.snapshot().some((b) => b.time > backAt + 1000 && !b.partial), 'a whole bar after the outage');
      lanes.dispose();

      const bars = lanes.snapshot();
      const byTime = new Map(bars.map((b) => [b.time, b]));
      // The hole ends at that liquidation's own time (its arrival may be in the next bar, which stays whole).
      for (let t = bucketStart('1s', reconnectingSeen!); t < resumed; t += 1000) {
        assert.equal(byTime.get(t)?.partial, true, `the bar ${new Date(t).toISOString()} over the outage is partial (${byTime.has(t) ? 'held' : 'not held'})`);
      }
      const wrongly = bars.filter((b) => b.partial && (b.time < bucketStart('1s', dropped) || b.time > backAt) && b.time !== firstBar && b.time !== bucketStart('1s', began[1]!));
      assert.deepEqual(wrongly.map((b) => new Date(b.time).toISOString()), [], 'no bar partial before the drop (but the one the lanes began in) or after the outage');
    } finally {
      sub.dispose();
      lanes.dispose();
    }
  });

  it("with the only derivatives leg's server stopped, each bar that starts meanwhile is made partial as it starts (no data comes to make it), and the figures are named stale since the last ticker; whole and fresh again once it is back", async function () {
    this.timeout(60_000);
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 0, tickerIntervalMs: 100, liquidationsPerTrade: 0 });
    const emulator = rig.emulator;
    // The reconnect after the restart waits out the backoff of the attempts made while it was down.
    const { changed, until } = whenChanged(30_000);
    const lanes = new AggregateLanes(rig.hub, PERP, '1s', () => changed(), { log: rig.log });
    try {
      await lanes.ready;
      // The ticker's open interest makes a bar every second while the leg is up.
      await until(() => lanes.snapshot().filter((b) => b.openInterest !== undefined && !b.partial).length >= 2, 'two whole bars with open interest');
      await emulator.stop();
      const stopped = Date.now();
      // Nothing comes from Bybit now: only the lanes' own wake at each bar's start can make these bars.
      const after = (from: number) => lanes.snapshot().filter((b) => b.time > bucketStart('1s', from));
      await until(() => after(stopped).length >= 3, 'three bars made after the stop');
      const made = after(stopped);
      assert.deepEqual(made.filter((b) => !b.partial || b.openInterest !== undefined || b.longs + b.shorts > 0).map((b) => b.time), [], 'the bars made while the leg is down are partial and hold nothing');
      const times = made.map((b) => b.time);
      assert.deepEqual(times, times.map((_, i) => (times[0] as number) + i * 1000), 'one bar a second, none skipped');
      // The legend's figures are the last ticker's meanwhile: the note says so, and since when (before the stop).
      await until(() => /^open interest and funding: bybit BTC\/USDT:USDT: as of \d\d:\d\d:\d\d UTC, its ticker /.test(lanes.figuresNote ?? ''), 'the note naming the stale figures');
      const asOf = /as of (\d\d:\d\d:\d\d) UTC/.exec(lanes.figuresNote ?? '')?.[1];
      assert.ok(asOf !== undefined && asOf <= new Date(stopped).toISOString().slice(11, 19), `the figures are from before the stop (${lanes.figuresNote})`);
      await emulator.restart();
      // A liquidation stream says live with its first liquidation after a reconnect: one is sent once it resubscribed.
      await emulator.waitForStats((st) => (st.subscriptions['allLiquidation.BTCUSDT'] ?? 0) >= 1, 30_000);
      const back = Date.now();
      emulator.injectLiquidations(SYMBOL, [{ side: 'sell', price: emulator.trades(SYMBOL).at(-1)!.price, amount: 2, timestamp: back }]);
      await until(() => after(back + 1000).some((b) => !b.partial && b.openInterest !== undefined), 'a whole bar once the leg is back');
      assert.equal(lanes.figuresNote, undefined, 'fresh figures: no note');
    } finally {
      lanes.dispose();
    }
    await rig.hub.whenStreamsIdle();
    assert.deepEqual(rig.hub.activeStreams(), [], 'nothing left once the lanes are gone');
  });

  it('polled instead (as on exchanges whose ticker lacks them): the bars hold the open interest and funding the emulator served, and failing polls are named until they recover', async () => {
    // A quiet market: the funding rate served holds still while it is compared.
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 0, depthIntervalMs: 0, liquidationsPerTrade: 0 }, { derivativesPollMs: 50, derivativesPollSpacingMs: 20 });
    const t0 = Date.now();
    const notes: Array<string | undefined> = [];
    const { changed, until } = whenChanged();
    const lanes = new AggregateLanes(rig.hub, PERP, '1s', () => changed(), { log: rig.log, sourceOf: () => 'poll', onFiguresNote: (n) => (notes.push(n), changed()) });
    try {
      await lanes.ready;
      const figured = () => lanes.snapshot().filter((b) => b.openInterest !== undefined && b.fundingRate !== undefined);
      await until(() => figured().length >= 2, 'two bars with open interest and funding');
      const truth = rig.emulator.derivatives(SYMBOL);
      // The newest 5-minute open-interest row while the test ran (two, should it have crossed a boundary).
      const rows = new Set([t0, Date.now()].map((t) => rig!.emulator.openInterestAt(SYMBOL, Math.floor(t / 300_000) * 300_000)));
      for (const b of figured()) {
        assert.ok(rows.has(b.openInterest as number), `bar ${b.time}: open interest ${b.openInterest} is not one of ${[...rows].join(', ')}`);
        assert.ok(Math.abs((b.fundingRate as number) - truth.fundingRate) < 1e-12, `bar ${b.time}: funding ${b.fundingRate} vs ${truth.fundingRate}`);
      }
      assert.ok(!rig.hub.activeStreams().some((k) => k.kind === 'ticker'), 'no ticker stream: polled');
      rig.emulator.failRest({ status: 500, count: 1000, path: 'open-interest' });
      await until(() => /^open interest and funding: bybit BTC\/USDT:USDT: retrying \(1\) at .* UTC, open interest \(fetchOpenInterest\) of bybit BTC\/USDT:USDT/.test(lanes.figuresNote ?? ''), 'the note naming the failing poll');
      rig.emulator.clearFaults();
      await until(() => lanes.figuresNote === undefined, 'the note gone once the polls recover');
      assert.equal(notes.at(-1), undefined);
    } finally {
      lanes.dispose();
    }
    assert.equal(rig.hub.derivativesPollCount, 0, 'the poll stopped with the lanes');
    await rig.hub.whenPollsIdle();
  });

  it('an aggregate without a derivatives leg has no lanes: ready rejects, naming it, and no stream is opened', async () => {
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 0 });
    const spot: AggregateDefinition = { ...PERP, name: 'nothing', legs: [{ exchange: 'bybit', symbol: 'BTC/USDT' }] };
    const lanes = new AggregateLanes(rig.hub, spot, '1m', () => assert.fail('no bars'));
    await assert.rejects(lanes.ready, /aggregate nothing/);
    lanes.dispose();
    assert.deepEqual(rig.hub.activeStreams(), []);
  });
});
