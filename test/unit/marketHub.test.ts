import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MarketHub } from '../../src/core/hub/marketHub';
import type { CandleEvent } from '../../src/core/hub/requests';
import type { Timeframe } from '../../src/core/timeframes';
import type { Candle, Trade } from '../../src/core/types';
import { FakeClient, fakeLookup, waitForEvent } from '../helpers/fakeClient';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';
import { applyDeltas } from '../helpers/applyDeltas';
import { fakeClientHub } from '../helpers/fakeClientHub';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1, 10);

/** Subscribes to candles and keeps the consumer's view (snapshot + deltas) current. */
function candleView(hub: MarketHub, timeframe: Timeframe) {
  const listeners = new Set<(e: CandleEvent) => void>();
  const view = { candles: [] as Candle[], events: [] as CandleEvent[], snapshots: 0 };
  const sub = hub.subscribe({ kind: 'candles', exchange: 'fake', symbol: 'BTC/USDT', timeframe }, (e) => {
    view.events.push(e);
    if (e.type === 'snapshot') {
      view.candles = [...e.candles];
      view.snapshots++;
    } else if (e.type === 'deltas') view.candles = applyDeltas(view.candles, e.deltas);
    for (const l of listeners) l(e);
  });
  const next = (pred: (e: CandleEvent) => boolean, what: string) => waitForEvent<CandleEvent>((cb) => listeners.add(cb), pred, what);
  return { view, sub, next };
}

let seq = 0;
function trade(timestamp: number, price: number, amount = 1): Trade {
  return { id: String(++seq), timestamp, price, amount, side: seq % 2 ? 'buy' : 'sell' };
}

describe('MarketHub (fake client)', () => {
  let client: FakeClient;
  let now: number;
  let hub: MarketHub;

  beforeEach(() => {
    now = T0;
    ({ client, hub } = fakeClientHub({ now: () => now }, { historyBars: 1000 }));
  });
  afterEach(() => hub.close());

  it('seams REST history and live trades exactly: no trade lost or counted twice', async () => {
    for (let i = 0; i < 600; i++) client.trade(trade(T0 - 3 * 60 * MIN + i * 17_000 + 3, 100 + Math.sin(i) * 5), false);
    now = T0 + 5_000;
    let releaseRest!: () => void;
    client.restDelay = new Promise((r) => (releaseRest = r));
    const one = candleView(hub, '1m');
    const hour = candleView(hub, '1h');
    const ready = Promise.all([one.next((e) => e.type === 'snapshot', '1m snapshot'), hour.next((e) => e.type === 'snapshot', '1h snapshot')]);
    await Promise.all([one.sub.ready, hour.sub.ready]);
    // Live trades arrive while REST is still answering: they must be buffered, and REST's copy of them ignored.
    for (let i = 0; i < 5; i++) client.trade(trade(T0 + 6_000 + i * 1000, 101 + i));
    releaseRest();
    await ready;
    for (let i = 0; i < 200; i++) {
      now = T0 + 20_000 + i * 7_000;
      client.trade(trade(now, 99 + (i % 13)));
    }
    const lastTs = now;
    await Promise.all([
      one.next((e) => e.type === 'deltas' && e.deltas.some((d) => d.candle.time === lastTs - (lastTs % MIN)), 'last 1m delta'),
      hour.next((e) => e.type === 'deltas', 'a 1h delta'),
    ]);
    assert.deepEqual(one.view.candles.map(roundCandle), referenceCandles(client.log, '1m').map(roundCandle));
    assert.deepEqual(hour.view.candles.map(roundCandle), referenceCandles(client.log, '1h').map(roundCandle));
    assert.equal(one.view.snapshots, 1);
  });

  it('shares one trade stream between timeframes and stops it when the last consumer leaves', async () => {
    client.trade(trade(T0 - MIN, 100), false);
    const a = candleView(hub, '1m');
    const b = candleView(hub, '5m');
    await Promise.all([a.sub.ready, b.sub.ready]);
    await Promise.all([a.next((e) => e.type === 'snapshot', 'a'), b.next((e) => e.type === 'snapshot', 'b')]);
    assert.deepEqual(hub.activeStreams(), [{ kind: 'trades', exchange: 'fake', symbol: 'BTC/USDT' }]);
    assert.equal(hub.candleFactoryCount, 1);
    a.sub.dispose();
    assert.equal(hub.activeStreams().length, 1, 'still one consumer');
    b.sub.dispose();
    b.sub.dispose(); // twice is harmless
    await hub.whenStreamsIdle();
    assert.deepEqual(hub.activeStreams(), []);
    assert.equal(hub.candleFactoryCount, 0);
    assert.deepEqual(client.stopped, ['trades BTC/USDT']);
  });

  it('rejects bad requests with clear errors and leaves the rest of the hub undisturbed', async () => {
    const good = candleView(hub, '1m');
    await good.sub.ready;
    const errors: string[] = [];
    const bad = [
      hub.subscribe({ kind: 'candles', exchange: 'nowhere', symbol: 'BTC/USDT', timeframe: '1m' }, (e) => e.type === 'error' && errors.push(e.message)),
      hub.subscribe({ kind: 'ticker', exchange: 'fake', symbol: 'BTC/USDX' }, (e) => e.type === 'error' && errors.push(e.message)),
      hub.subscribe({ kind: 'candles', exchange: 'fake', symbol: 'BTC/USDT', timeframe: '7m' as Timeframe }, (e) => e.type === 'error' && errors.push(e.message)),
      hub.subscribe({ kind: 'candles', exchange: 'fake', symbol: 'BTC/USDT', timeframe: '1s' }, (e) => e.type === 'error' && errors.push(e.message)),
    ];
    const results = await Promise.allSettled(bad.map((s) => s.ready));
    assert.ok(results.every((r) => r.status === 'rejected'));
    assert.match(errors[0]!, /Unknown exchange "nowhere".*fake/);
    assert.match(errors[1]!, /Unknown symbol "BTC\/USDX" on fake\. Did you mean: BTC\/USDT/);
    assert.match(errors[2]!, /Unsupported timeframe "7m"\. Allowed: 1m/);
    assert.match(errors[3]!, /Unsupported timeframe "1s"/);
    assert.equal(hub.activeStreams().length, 1);
    for (const s of bad) s.dispose();
    assert.equal(hub.activeStreams().length, 1);
  });

  it('retries an exchange that cannot be reached yet, reporting retrying (n) with the next attempt time, then serves the request', async () => {
    let failures = 2;
    let failedAt = 0;
    const load = client.loadMarkets.bind(client);
    client.loadMarkets = async () => {
      if (failures-- > 0) {
        failedAt = Date.now();
        throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'NetworkError' });
      }
      return load();
    };
    const states: string[] = [];
    const sentAt: number[] = [];
    const sub = hub.subscribe({ kind: 'ticker', exchange: 'fake', symbol: 'BTC/USDT' }, (e) => {
      if (e.type !== 'state') return;
      if (e.state.status === 'retrying') {
        states.push(`retrying ${e.state.attempt}`);
        // Against the failure's time: on a loaded machine the event can arrive after a short retry delay has passed.
        assert.ok(e.state.retryAt >= failedAt && /ECONNREFUSED/.test(e.state.reason), JSON.stringify({ ...e.state, failedAt }));
      } else states.push(e.state.status);
      sentAt.push(Date.now());
    });
    await sub.ready;
    assert.deepEqual(states.slice(0, 2), ['retrying 1', 'retrying 2']);
    assert.deepEqual(hub.activeStreams(), [{ kind: 'ticker', exchange: 'fake', symbol: 'BTC/USDT' }]);
    sub.dispose();
  });

  it('acquires nothing when disposed before validation finished', async () => {
    const sub = hub.subscribe({ kind: 'ticker', exchange: 'fake', symbol: 'BTC/USDT' }, () => undefined);
    sub.dispose();
    await sub.ready;
    assert.deepEqual(hub.activeStreams(), []);
  });

  it('backfills a disconnect: reconnecting, then live, with no gap and no duplicate candle', async () => {
    for (let i = 0; i < 30; i++) client.trade(trade(T0 - 30 * MIN + i * MIN + 500, 100 + i), false);
    now = T0;
    const view = candleView(hub, '1m');
    await view.sub.ready;
    await view.next((e) => e.type === 'snapshot', 'snapshot');
    client.trade(trade(T0 + 1000, 130));
    await view.next((e) => e.type === 'deltas', 'first live delta');
    const states: string[] = [];
    const sawLiveAgain = view.next((e) => e.type === 'state' && e.state.status === 'live', 'live again');
    view.next((e) => e.type === 'state' && e.state.status === 'reconnecting', 'reconnecting').then((e) => e.type === 'state' && states.push(e.state.status), () => undefined);
    client.fail('trades', Object.assign(new Error('connection lost'), { name: 'NetworkError' }));
    // Trades during the outage reach the exchange's log, not our stream.
    for (let i = 0; i < 4; i++) client.trade(trade(T0 + 2 * MIN + i * 20_000, 140 + i), false);
    now = T0 + 4 * MIN;
    client.trade(trade(T0 + 4 * MIN + 100, 150)); // delivered when the stream is back
    await sawLiveAgain;
    // The first read after the drop is checked against REST before its bars are whole (the check releases them).
    await view.next((e) => e.type === 'deltas' && e.deltas.some((d) => d.candle.close === 150 && d.candle.partial !== true), 'backfilled deltas, the first read checked');
    assert.deepEqual(states, ['reconnecting']);
    const times = view.view.candles.map((c) => c.time);
    assert.equal(new Set(times).size, times.length, 'no duplicate candle');
    assert.deepEqual(view.view.candles.map(roundCandle), referenceCandles(client.log, '1m').map(roundCandle));
  });
});

describe('MarketHub named states of a candles subscription (fake client)', () => {
  let client: FakeClient;
  let hub: MarketHub;
  const networkError = () => Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { name: 'NetworkError' });
  const statesOf = (v: ReturnType<typeof candleView>) => v.view.events.flatMap((e) => (e.type === 'state' ? [e.state] : []));

  beforeEach(() => {
    ({ client, hub } = fakeClientHub({ now: () => T0 }, { historyBars: 100, restMaxAttempts: 2, backfillMaxAttempts: 2 }));
  });
  afterEach(() => hub.close());

  it('asking which timeframes the exchange serves fails on the network: the network error is reported (degraded), not "cannot be rebuilt exactly", then it recovers', async () => {
    client.trade(trade(T0 - 5 * MIN, 100), false);
    const capabilities = client.capabilities.bind(client);
    let failures = 1;
    client.capabilities = async () => {
      if (failures-- > 0) throw networkError(); // the seed asks first: which timeframes the exchange serves
      return capabilities();
    };
    const one = candleView(hub, '1m');
    const degraded = await one.next((e) => e.type === 'state' && e.state.status === 'degraded', 'degraded');
    assert.deepEqual(degraded.type === 'state' && degraded.state.status === 'degraded' && degraded.state.reason, 'history unavailable (network error)');
    await one.next((e) => e.type === 'state' && e.state.status === 'connecting' && statesOf(one).some((s) => s.status === 'degraded'), 'back to the stream state once the retry answered');
    assert.deepEqual(one.view.candles.map((c) => c.time), [T0 - 5 * MIN], 'the history, from the retry');
    assert.ok(!JSON.stringify(one.view.events).includes('rebuilt'), JSON.stringify(statesOf(one)));
  });

  it('a backfill failing on every retry ends in failed (gave up after n attempts); the next reconnect tries again and returns to live', async () => {
    client.trade(trade(T0 - 5 * MIN, 100), false);
    const fetchCandles = client.fetchCandles.bind(client);
    let down = true;
    client.fetchCandles = async (...args) => {
      if (down) throw networkError();
      return fetchCandles(...args);
    };
    const one = candleView(hub, '1m');
    client.trade(trade(T0 + 1000, 101)); // the stream is live
    const failed = await one.next((e) => e.type === 'state' && e.state.status === 'failed', 'failed');
    assert.ok(failed.type === 'state' && failed.state.status === 'failed' && failed.state.reason === 'history unavailable (network error) (gave up after 2 attempts)', JSON.stringify(failed));
    const shown = statesOf(one).map((s) => s.status);
    assert.ok(shown.indexOf('degraded') >= 0 && shown.indexOf('degraded') < shown.indexOf('failed'), shown.join(' → '));
    assert.ok(statesOf(one).some((s) => s.status === 'degraded' && s.retryAt !== undefined), 'the retry schedule was shown');
    down = false;
    const live = one.next((e) => e.type === 'state' && e.state.status === 'live' && statesOf(one).at(-2)?.status === 'reconnecting', 'live again');
    const backfilled = one.next((e) => e.type === 'deltas' && e.deltas.some((d) => d.candle.time === T0 - 5 * MIN), 'the history given up before, fetched with the gap');
    client.fail('trades', networkError());
    client.trade(trade(T0 + 2000, 102));
    await Promise.all([live, backfilled]);
    assert.equal(statesOf(one).at(-1)?.status, 'live');
  });

  it('a second consumer joining while the reconnect gap is backfilled reads live and catching up, as the first, until it is done', async () => {
    client.trade(trade(T0 - 5 * MIN, 100), false);
    const one = candleView(hub, '1m');
    await one.next((e) => e.type === 'snapshot', 'snapshot');
    client.trade(trade(T0 + 1000, 101));
    await one.next((e) => e.type === 'deltas', 'live');
    let releaseRest!: () => void;
    client.restDelay = new Promise((r) => (releaseRest = r)); // the gap's backfill waits on REST
    const catchingUp = one.next((e) => e.type === 'state' && e.state.status === 'live' && e.state.catchingUp === true, 'the first: catching up');
    client.fail('trades', networkError());
    client.trade(trade(T0 + 2000, 102));
    await catchingUp;
    const two = candleView(hub, '1m'); // another chart, or an alert rule, joins while the backfill runs
    await two.next((e) => e.type === 'snapshot', 'the second: snapshot');
    assert.deepEqual(statesOf(two).at(-1), { ...statesOf(one).at(-1), catchingUp: true }, JSON.stringify(statesOf(two)));
    const whole = two.next((e) => e.type === 'state' && e.state.status === 'live' && e.state.catchingUp === undefined, 'the second: live once the gap is in');
    releaseRest();
    client.restDelay = undefined;
    await whole;
    assert.ok(statesOf(two).every((s) => s.status !== 'live' || s.catchingUp === true || s === statesOf(two).at(-1)), JSON.stringify(statesOf(two)));
  });

  it('a consumer joining while the stream reconnects reads live and catching up once it is back, until the gap is backfilled', async () => {
    client.trade(trade(T0 - 5 * MIN, 100), false);
    const one = candleView(hub, '1m');
    await one.next((e) => e.type === 'snapshot', 'snapshot');
    client.trade(trade(T0 + 1000, 101));
    await one.next((e) => e.type === 'deltas', 'live');
    let releaseRest!: () => void;
    client.restDelay = new Promise((r) => (releaseRest = r));
    const reconnecting = one.next((e) => e.type === 'state' && e.state.status === 'reconnecting', 'reconnecting');
    client.fail('trades', networkError());
    await reconnecting; // no trade comes: the stream stays reconnecting
    const two = candleView(hub, '1m');
    await two.next((e) => e.type === 'snapshot', 'the second: snapshot');
    assert.equal(statesOf(two).at(-1)?.status, 'reconnecting');
    const catchingUp = two.next((e) => e.type === 'state' && e.state.status === 'live', 'the second: live again');
    client.trade(trade(T0 + 2000, 102));
    const back = await catchingUp;
    assert.ok(back.type === 'state' && back.state.status === 'live' && back.state.catchingUp === true, JSON.stringify(statesOf(two)));
    const whole = two.next((e) => e.type === 'state' && e.state.status === 'live' && e.state.catchingUp === undefined, 'the second: live once the gap is in');
    releaseRest();
    client.restDelay = undefined;
    await whole;
  });
});

describe('MarketHub candle cache', () => {
  let dir: string;
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-hub-'))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  /** A first hub that leaves 400 closed 1m bars in the cache directory. */
  async function fillCache(client: FakeClient, clock: { now: () => number }): Promise<void> {
    for (let i = 0; i < 400; i++) client.trade(trade(T0 - 400 * MIN + i * MIN + 10, 100 + (i % 7)), false);
    const first = new MarketHub({ clients: fakeLookup(client), clock, cacheDir: dir, historyBars: 400 });
    await candleView(first, '1m').next((e) => e.type === 'snapshot', 'first snapshot');
    await first.close();
  }

  it("a restart shows its cached bars before any client is used: the market's check, and markets warmed in the same step (a client's first use loads ccxt and the markets)", async () => {
    const client = new FakeClient();
    const clock = { now: () => T0 + 1 };
    await fillCache(client, clock);
    const checks: { cachedShown: boolean }[] = [];
    let cachedShown = false;
    const lookup = { ...fakeLookup(client), get: async () => (checks.push({ cachedShown }), client) };
    const second = new MarketHub({ clients: lookup, clock, cacheDir: dir, historyBars: 400 });
    try {
      // As a panel does it: a footprint's markets asked for before the candles, the markets warmed after them.
      const before = second.markets('fake');
      const b = candleView(second, '1m');
      const after = second.timeframes('fake');
      const cached = await b.next((e) => e.type === 'cached', 'the cached bars');
      cachedShown = true;
      assert.equal(cached.type === 'cached' && cached.candles.length, 400, 'the 400 closed bars');
      await b.next((e) => e.type === 'snapshot', 'the snapshot');
      assert.ok(checks.length > 0, 'the market was checked');
      await Promise.all([before, after]);
      assert.ok(checks.length >= 3, `the markets, the candles' check and the timeframes used the client (${checks.length} uses)`);
      assert.deepEqual(checks.filter((c) => !c.cachedShown), [], 'every client use came after the cached bars were shown');
    } finally {
      await second.close();
    }
  });

  it('a second chart of a series already held gets its snapshot without a cached preview', async () => {
    const client = new FakeClient();
    const clock = { now: () => T0 + 1 };
    await fillCache(client, clock);
    const hub = new MarketHub({ clients: fakeLookup(client), clock, cacheDir: dir, historyBars: 400 });
    try {
      const a = candleView(hub, '1m');
      await a.next((e) => e.type === 'snapshot', "the first chart's snapshot");
      assert.ok(a.view.events.some((e) => e.type === 'cached'), 'the first chart was shown the cached bars');
      const b = candleView(hub, '1m');
      await b.next((e) => e.type === 'snapshot', "the second chart's snapshot");
      assert.deepEqual(b.view.events.map((e) => e.type).filter((t) => t === 'cached' || t === 'snapshot'), ['snapshot']);
      assert.deepEqual(b.view.candles, a.view.candles);
    } finally {
      await hub.close();
    }
  });

  it('a second start reads the cache and tops up over REST instead of refetching everything', async () => {
    const client = new FakeClient();
    for (let i = 0; i < 400; i++) client.trade(trade(T0 - 400 * MIN + i * MIN + 10, 100 + (i % 7)), false);
    const clock = { now: () => T0 + 1 };
    const first = new MarketHub({ clients: fakeLookup(client), clock, cacheDir: dir, historyBars: 400 });
    const a = candleView(first, '1m');
    await a.next((e) => e.type === 'snapshot', 'first snapshot');
    const firstCalls = client.calls.filter((c) => c.startsWith('candles')).length;
    await first.close();
    for (let i = 0; i < 3; i++) client.trade(trade(T0 + i * MIN + 20, 120 + i), false);
    clock.now = () => T0 + 3 * MIN + 30;
    client.calls.length = 0;
    const second = new MarketHub({ clients: fakeLookup(client), clock, cacheDir: dir, historyBars: 400 });
    const b = candleView(second, '1m');
    await b.next((e) => e.type === 'snapshot', 'second snapshot');
    const secondCalls = client.calls.filter((c) => c.startsWith('candles')).length;
    await second.close();
    assert.ok(firstCalls >= 8, `first start pages through history (${firstCalls} requests)`);
    assert.equal(secondCalls, 1, 'second start needs one small top-up request');
    assert.deepEqual(b.view.candles.slice(-5).map(roundCandle), referenceCandles(client.log, '1m').slice(-5).map(roundCandle));
  });
});
