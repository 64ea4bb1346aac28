/**
 * Paint first, then top up (issue 13): a chart subscription gets the cached bars before any REST request answers,
 * then the topped-up snapshot; with REST history blocked, the cached bars and live trades with `historyOffline`,
 * and the full snapshot once a retry loads the history. The cached bars go out before the markets load (ccxt's
 * import and loadMarkets are not waited for); a cached market the exchange no longer serves ends in a named failure.
 */
import * as assert from 'node:assert/strict';
import { CandleCache } from '../../src/core/history/candleCache';
import type { CandleEvent, SubscriptionRequest } from '../../src/core/hub/requests';
import { bucketStart } from '../../src/core/timeframes';
import type { Candle } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { Recorder, Rig } from '../helpers/emulatorHub';

const CHART = { kind: 'candles', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' } as const satisfies SubscriptionRequest;
/** Another market's chart on the same exchange, never held. */
const OTHER_CHART = { ...CHART, symbol: 'ETH/USDT' } as const satisfies SubscriptionRequest;

type Bars = Extract<CandleEvent, { type: 'cached' }>['candles'];

/** `count` closed 1m bars ending before the current minute, as a chart of `symbol` would have left in the cache. */
async function cacheBars(cacheDir: string, symbol: string, count: number): Promise<Candle[]> {
  const now = bucketStart('1m', Date.now());
  const bars: Candle[] = Array.from({ length: count }, (_, i) => ({ time: now - (count - i) * 60_000, open: 10, high: 11, low: 9, close: 10.5, volume: 3, final: true }));
  await new CandleCache(cacheDir, silentLogger).merge({ exchange: 'binance', symbol, timeframe: '1m' }, bars);
  return bars;
}

/**
 * The cached bars are in the snapshot unchanged. The snapshot keeps a window of the newest bars, so when a minute
 * passes between the two, the oldest cached bar has slid out of its front: compared by time, at most one missing.
 */
function assertKept(cached: Bars, snapshot: Bars): void {
  const byTime = new Map(snapshot.map((c) => [c.time, c]));
  const missing = cached.filter((c) => !byTime.has(c.time));
  assert.ok(missing.length <= 1 && missing.every((c) => c.time === cached[0]?.time), `only the oldest cached bar may have slid out: ${missing.map((c) => c.time).join(', ')}`);
  for (const c of cached) if (byTime.has(c.time)) assert.deepEqual(byTime.get(c.time), c, `cached bar ${c.time} is the same in the snapshot`);
}

describe('paint first, then top up (real ccxt, emulator)', function () {
  this.timeout(60_000);
  let rig: Rig;
  afterEach(() => rig?.close());

  /** A first run fills the candle cache; the rig returned is a restart over the same cache. */
  async function warmCache(): Promise<Rig> {
    rig = await Rig.start({ tradesPerSecond: 20, historyMinutes: 240 }, { historyBars: 200 });
    const first = new Recorder<typeof CHART>();
    const sub = rig.hub.subscribe(CHART, first.consume);
    await first.next((e) => e.type === 'snapshot', 'the first snapshot');
    assert.ok(!first.events.some((e) => e.type === 'cached'), 'nothing cached on the first run');
    sub.dispose();
    rig = await rig.restartHub(200);
    return rig;
  }

  it('the first seed writes its history to the cache once: the factory keeps only the bars that close after it for its next write', async () => {
    rig = await Rig.start({ tradesPerSecond: 20, historyMinutes: 240 }, { historyBars: 200 });
    const writes: number[][] = [];
    rig.hub.onCacheWritten((key, bars) => {
      if (key.symbol === CHART.symbol && key.timeframe === CHART.timeframe) writes.push(bars.map((b) => b.time));
    });
    const rec = new Recorder<typeof CHART>();
    rig.hub.subscribe(CHART, rec.consume);
    const snapshot = (await rec.next((e) => e.type === 'snapshot', 'the first snapshot')) as Extract<CandleEvent, { type: 'snapshot' }>;
    assert.ok(snapshot.candles.length >= 199, `${snapshot.candles.length} bars`);
    await rig.hub.close(); // the factory persists what it holds
    const times = writes.flat();
    assert.ok(writes.length >= 1 && writes[0]!.length >= 199, `the history written first: ${writes.map((w) => w.length).join(', ')}`);
    assert.equal(new Set(times).size, times.length, `no bar written twice (writes of ${writes.map((w) => w.length).join(', ')} bars)`);
  });

  it('the cached bars come first, then the snapshot topped up from REST, which keeps them', async () => {
    await warmCache();
    const rec = new Recorder<typeof CHART>();
    const sub = rig.hub.subscribe(CHART, rec.consume);
    const snapshot = (await rec.next((e) => e.type === 'snapshot', 'the topped-up snapshot')) as Extract<CandleEvent, { type: 'snapshot' }>;
    sub.dispose();
    const cached = rec.events.find((e) => e.type === 'cached') as Extract<CandleEvent, { type: 'cached' }> | undefined;
    assert.ok(cached && cached.candles.length > 100, 'cached bars painted');
    assert.ok(rec.events.indexOf(cached) < rec.events.indexOf(snapshot), 'before the snapshot');
    assert.equal(snapshot.historyOffline, undefined);
    const byTime = new Map(snapshot.candles.map((c) => [c.time, c]));
    for (const c of cached.candles) assert.deepEqual(byTime.get(c.time), c, `cached bar ${c.time} is the same in the snapshot`);
    assert.ok((snapshot.candles.at(-1)?.time ?? 0) > (cached.candles.at(-1)?.time ?? 0), 'topped up with newer bars');
  });

  it('the cached bars go out before the markets have loaded; the market is checked and topped up after, with no second preview', async () => {
    await warmCache();
    rig.emulator.failRest({ status: 503, count: 100_000, path: 'exchangeInfo' });
    const historyRequests = () => Object.entries(rig.emulator.stats().restRequests).filter(([p]) => p.endsWith('klines') || p.endsWith('aggTrades'));
    const before = historyRequests();
    const rec = new Recorder<typeof CHART>();
    const sub = rig.hub.subscribe(CHART, rec.consume);
    const cached = (await rec.next((e) => e.type === 'cached', 'cached bars while the markets cannot load')) as Extract<CandleEvent, { type: 'cached' }>;
    assert.ok(cached.candles.length > 100, `${cached.candles.length} cached bars`);
    await rec.next((e) => e.type === 'state' && e.state.status === 'retrying', 'the markets load being retried, shown as a named state');
    assert.deepEqual(historyRequests(), before, 'no history asked for before the market was checked');
    assert.ok(!rec.events.some((e) => e.type === 'snapshot'), 'no snapshot before the market was checked');
    rig.emulator.clearFaults();
    const snapshot = (await rec.next((e) => e.type === 'snapshot', 'the topped-up snapshot once the markets load', 30_000)) as Extract<CandleEvent, { type: 'snapshot' }>;
    sub.dispose();
    assert.equal(rec.events.filter((e) => e.type === 'cached').length, 1, 'the factory does not show the same cached bars again');
    assertKept(cached.candles, snapshot.candles);
    assert.ok((snapshot.candles.at(-1)?.time ?? 0) > (cached.candles.at(-1)?.time ?? 0), 'topped up with newer bars');
  });

  it("started after its consumer's first paint: the cached bars at once, nothing asked for the market until the paint; then checked, topped up and live", async () => {
    await warmCache();
    let painted!: () => void;
    const paint = new Promise<void>((resolve) => (painted = resolve));
    const rec = new Recorder<typeof CHART>();
    const held = rig.hub.subscribe(CHART, rec.consume, { startAfter: paint });
    let checked = false;
    void held.ready.then(() => (checked = true));
    const cached = (await rec.next((e) => e.type === 'cached', 'the cached bars, before the paint')) as Extract<CandleEvent, { type: 'cached' }>;
    assert.ok(cached.candles.length > 100, `${cached.candles.length} cached bars`);
    // Another chart, not held, on the same exchange: once it is live, the held one would have been too.
    const other = new Recorder<typeof OTHER_CHART>();
    const free = rig.hub.subscribe(OTHER_CHART, other.consume);
    await other.next((e) => e.type === 'snapshot', "the other chart's snapshot");
    await rig.emulator.waitForStats((st) => (st.subscriptions['ethusdt@aggTrade'] ?? 0) >= 1, 10_000);
    assert.equal(checked, false, 'the held chart is not checked before the paint');
    assert.ok(!rec.events.some((e) => e.type === 'snapshot'), 'no snapshot before the paint');
    assert.equal(rig.emulator.stats().subscriptions['btcusdt@aggTrade'], undefined, "the held chart's trades not subscribed before the paint");

    painted();
    const snapshot = (await rec.next((e) => e.type === 'snapshot', 'the topped-up snapshot after the paint')) as Extract<CandleEvent, { type: 'snapshot' }>;
    await rig.emulator.waitForStats((st) => (st.subscriptions['btcusdt@aggTrade'] ?? 0) >= 1, 10_000);
    assert.equal(checked, true);
    assertKept(cached.candles, snapshot.candles);
    held.dispose();
    free.dispose();
  });

  it('a subscription held for a paint that never comes and then closed acquires nothing: no stream, no series', async () => {
    await warmCache();
    const rec = new Recorder<typeof CHART>();
    const held = rig.hub.subscribe(CHART, rec.consume, { startAfter: new Promise<void>(() => undefined) });
    await rec.next((e) => e.type === 'cached', 'the cached bars');
    held.dispose();
    await held.ready; // settles on close, the paint never having come
    const other = new Recorder<typeof OTHER_CHART>();
    const free = rig.hub.subscribe(OTHER_CHART, other.consume);
    await other.next((e) => e.type === 'snapshot', "another chart's snapshot");
    assert.equal(rig.emulator.stats().subscriptions['btcusdt@aggTrade'], undefined, 'no stream for the closed chart');
    assert.equal(rig.hub.snapshot(CHART), undefined, 'no series held for it');
    assert.ok(!rec.events.some((e) => e.type === 'snapshot' || e.type === 'state'), 'nothing more reached the closed consumer');
    free.dispose();
  });

  it('a cached market the exchange does not list: the cached bars, then a failed state and an error naming it, never a hang', async () => {
    rig = await Rig.start({ tradesPerSecond: 20, historyMinutes: 60 }, { historyBars: 200 });
    await cacheBars(rig.cacheDir, 'GONE/USDT', 50);
    const gone = { ...CHART, symbol: 'GONE/USDT' } as const;
    // The markets are held back until the cached bars are out, so the order below is the one a slow load gives.
    rig.emulator.failRest({ status: 503, count: 100_000, path: 'exchangeInfo' });
    const rec = new Recorder<typeof gone>();
    const sub = rig.hub.subscribe(gone, rec.consume);
    const outcome = sub.ready.then(
      () => 'resolved',
      (err: unknown) => String(err),
    );
    const cached = (await rec.next((e) => e.type === 'cached', 'the cached bars')) as Extract<CandleEvent, { type: 'cached' }>;
    assert.equal(cached.candles.length, 50);
    rig.emulator.clearFaults();
    const failed = await rec.next((e) => e.type === 'state' && e.state.status === 'failed', 'the failed state', 30_000);
    assert.ok(failed.type === 'state' && failed.state.status === 'failed' && /Unknown symbol "GONE\/USDT" on binance/.test(failed.state.reason), JSON.stringify(failed));
    assert.match(await outcome, /Unknown symbol "GONE\/USDT"/);
    assert.ok(!rec.events.some((e) => e.type === 'snapshot'), 'no snapshot of a market that is not served');
    assert.equal(rig.hub.candleFactoryCount, 0, 'nothing acquired for it');
    sub.dispose();
  });

  it('REST history blocked: the cached bars and live trades, marked offline; the full history once REST answers again', async () => {
    await warmCache();
    for (const path of ['klines', 'aggTrades']) rig.emulator.failRest({ status: 503, count: 100_000, path });
    const rec = new Recorder<typeof CHART>();
    const sub = rig.hub.subscribe(CHART, rec.consume);
    const cached = (await rec.next((e) => e.type === 'cached', 'cached bars')) as Extract<CandleEvent, { type: 'cached' }>;
    const offline = (await rec.next((e) => e.type === 'snapshot', 'a snapshot without REST history', 30_000)) as Extract<CandleEvent, { type: 'snapshot' }>;
    assert.equal(offline.historyOffline, true);
    assertKept(cached.candles, offline.candles);
    assert.ok(rec.events.some((e) => e.type === 'state' && e.state.status === 'degraded'), 'the subscription is degraded, saying why');
    assert.ok(!offline.candles.some((c) => c.time > (cached.candles.at(-1)?.time ?? 0) && c.time < (offline.candles.at(-1)?.time ?? 0) - 60_000 && !c.partial), 'no bar invented across the hole');

    await rec.next(() => rec.candles.some((c) => c.partial), 'live trades on top: their first bar lacks its earlier trades (partial)');
    rig.emulator.clearFaults();
    const full = (await rec.upcoming((e) => e.type === 'snapshot', 'the full snapshot after the retry', 30_000)) as Extract<CandleEvent, { type: 'snapshot' }>;
    sub.dispose();
    assert.equal(full.historyOffline, undefined);
    assert.ok(!full.candles.some((c) => c.partial), 'the retry replaced the partial bars');
    assertKept(cached.candles, full.candles);
  });
});
