/**
 * The emulator replaying a real recording (Binance XRP/ETH, 12 hours: test/fixtures) to the real, unmodified ccxt
 * and to a raw WebSocket client: REST answers follow the replay clock and equal Binance's official klines, trades
 * stream in recorded order with same-millisecond bursts together, fault knobs keep working.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as http from 'node:http';
import ccxt from 'ccxt';
import { WebSocket } from 'ws';
import { ExchangeEmulator, loadRecording, type OfficialKline, type RecordedTrade, type Recording } from '../../src/emulator';
import { REPLAY_FIXTURE, REPLAY_FIXTURE_END, REPLAY_FIXTURE_START } from '../helpers/replayFixture';

type Binance = InstanceType<typeof ccxt.pro.binance>;
type Row = [number, number, number, number, number, number];

const MINUTE = 60_000;
const at = (iso: string): number => Date.parse(iso);

function makeExchange(emu: ExchangeEmulator): Binance {
  return new ccxt.pro.binance({
    urls: emu.ccxtUrls(),
    options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, ws: { backoff: { base: 50 } } },
    httpAgent: new http.Agent(),
  });
}

/** Binance's rule, from the official 1m klines: a wider bar folds the minutes with trades; none at all → flat at the previous close. */
function foldOfficial(minutes: readonly OfficialKline[], widthMs: number): Row[] {
  const rows: Row[] = [];
  let previousClose: number | undefined;
  for (let i = 0; i < minutes.length; ) {
    const open = Math.floor((minutes[i] as OfficialKline)[0] / widthMs) * widthMs;
    const group: OfficialKline[] = [];
    while (i < minutes.length && (minutes[i] as OfficialKline)[0] < open + widthMs) group.push(minutes[i++] as OfficialKline);
    const traded = group.filter((k) => k[5] > 0);
    if (traded.length === 0) {
      if (previousClose !== undefined) rows.push([open, previousClose, previousClose, previousClose, previousClose, 0]);
      continue;
    }
    const units = traded.reduce((sum, k) => sum + Math.round(k[5] * 1e8), 0);
    const close = (traded[traded.length - 1] as OfficialKline)[4];
    rows.push([open, (traded[0] as OfficialKline)[1], Math.max(...traded.map((k) => k[2])), Math.min(...traded.map((k) => k[3])), close, units / 1e8]);
    previousClose = close;
  }
  return rows;
}

/** The bar of [open, open + width) from the recorded trades up to `now`, flat at the previous price if it has none yet. */
function barFromTrades(trades: readonly RecordedTrade[], open: number, widthMs: number, now: number): Row {
  const inBar = trades.filter((t) => t.timestamp >= open && t.timestamp < open + widthMs && t.timestamp <= now);
  if (inBar.length === 0) {
    const previous = trades.filter((t) => t.timestamp < open).at(-1) as RecordedTrade;
    return [open, previous.price, previous.price, previous.price, previous.price, 0];
  }
  const units = inBar.reduce((sum, t) => sum + Math.round(t.amount * 1e8), 0);
  const prices = inBar.map((t) => t.price);
  return [open, prices[0] as number, Math.max(...prices), Math.min(...prices), prices[prices.length - 1] as number, units / 1e8];
}

const asRows = (candles: readonly (readonly (number | undefined)[])[]): Row[] => candles.map((c) => c.slice(0, 6) as Row);
const tradeView = (t: { id?: string | number; timestamp?: number; price?: number; amount?: number; side?: string }) => ({ id: Number(t.id), timestamp: t.timestamp, price: t.price, amount: t.amount, side: t.side });

interface AggTradeFrame {
  e: 'aggTrade';
  E: number;
  a: number;
  p: string;
  q: string;
  f: number;
  l: number;
  T: number;
  m: boolean;
}
interface TradeFrame {
  e: 'trade';
  t: number;
  p: string;
  q: string;
  T: number;
  m: boolean;
}

/**
 * A raw WebSocket client that numbers the synchronous batches frames arrive in: frames handed over in one turn of
 * the event loop (one socket read) share a batch number, as they reach a consumer such as ccxt together.
 */
class BatchingClient {
  readonly ws: WebSocket;
  readonly frames: Array<{ frame: AggTradeFrame | TradeFrame; batch: number }> = [];
  private batch = 0;
  private batchOpen = false;
  private waiter: (() => void) | undefined;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as AggTradeFrame | TradeFrame | { result: unknown };
      if (!('e' in frame)) return;
      if (!this.batchOpen) {
        this.batch += 1;
        this.batchOpen = true;
        queueMicrotask(() => (this.batchOpen = false));
      }
      this.frames.push({ frame, batch: this.batch });
      this.waiter?.();
    });
  }

  async subscribe(emu: ExchangeEmulator, streams: string[]): Promise<void> {
    await once(this.ws, 'open');
    this.ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: streams, id: 1 }));
    await emu.waitForStats((s) => streams.every((name) => (s.subscriptions[name] ?? 0) >= 1));
  }

  of<K extends 'aggTrade' | 'trade'>(kind: K): Array<{ frame: Extract<AggTradeFrame | TradeFrame, { e: K }>; batch: number }> {
    return this.frames.filter((f) => f.frame.e === kind) as Array<{ frame: Extract<AggTradeFrame | TradeFrame, { e: K }>; batch: number }>;
  }

  /** Resolves once `count` frames have arrived. */
  async until(count: number): Promise<void> {
    while (this.frames.length < count) await new Promise<void>((resolve) => (this.waiter = resolve));
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = once(this.ws, 'close');
    this.ws.close();
    await closed;
  }
}

/** The recorded trades grouped by millisecond, in recorded order. */
function bursts(trades: readonly RecordedTrade[]): RecordedTrade[][] {
  const groups: RecordedTrade[][] = [];
  for (const t of trades) {
    const last = groups[groups.length - 1];
    if (last !== undefined && (last[0] as RecordedTrade).timestamp === t.timestamp) last.push(t);
    else groups.push([t]);
  }
  return groups;
}

describe('emulator replay of a real recording (Binance XRP/ETH, real ccxt)', function () {
  this.timeout(20_000);
  let recording: Recording;

  before(async () => {
    recording = await loadRecording(REPLAY_FIXTURE);
  });

  it('loads the committed excerpt: 12 hours of aggTrades and the official 1m and 5m klines', () => {
    assert.equal(recording.symbol, 'XRP/ETH');
    assert.deepEqual(recording.officialIntervals, ['1m', '5m']);
    assert.equal(recording.start, REPLAY_FIXTURE_START);
    assert.equal(recording.end, REPLAY_FIXTURE_END);
    assert.equal(recording.officialKlines('1m')?.length, 720);
    assert.equal(recording.officialKlines('5m')?.length, 144);
    assert.equal(recording.trades.length, 3504);
    assert.ok(Math.max(...bursts(recording.trades).map((b) => b.length)) >= 30, 'the excerpt holds bursts of 30+ trades in one millisecond');
  });

  describe('REST, paused at 06:00:30', () => {
    const now = at('2019-10-11T06:00:30Z');
    let emu: ExchangeEmulator;
    let exchange: Binance;

    before(async () => {
      emu = await ExchangeEmulator.start({ replay: { dir: REPLAY_FIXTURE, from: now, paused: true } });
      exchange = makeExchange(emu);
    });
    after(async () => {
      await exchange?.close();
      await emu?.close();
    });

    it('exchangeInfo lists XRP/ETH with the recorded tick and step; time is the replay clock', async () => {
      const markets = await exchange.loadMarkets();
      assert.deepEqual(Object.keys(markets), ['XRP/ETH']);
      const market = markets['XRP/ETH'];
      assert.equal(market?.id, 'XRPETH');
      assert.equal(market?.precision.price, 1e-8);
      assert.equal(market?.precision.amount, 1);
      assert.equal(market?.limits.amount?.min, 1);
      assert.equal(await exchange.fetchTime(), now);
    });

    it('fetchOHLCV 1m and 5m equal the official klines for every closed bar; the bar in progress is built from the trades so far', async () => {
      for (const [timeframe, width] of [['1m', MINUTE], ['5m', 5 * MINUTE]] as const) {
        const official = (recording.officialKlines(timeframe) as readonly OfficialKline[]).filter((k) => k[0] + width <= now);
        const candles = asRows(await exchange.fetchOHLCV('XRP/ETH', timeframe, REPLAY_FIXTURE_START, 1000));
        const inProgress = Math.floor(now / width) * width;
        assert.deepEqual(candles.slice(0, -1), official.map((k) => [...k]), `${timeframe} closed bars`);
        assert.deepEqual(candles.at(-1), barFromTrades(recording.trades, inProgress, width, now), `${timeframe} bar in progress`);
      }
      const flat = (recording.officialKlines('1m') as readonly OfficialKline[]).filter((k) => k[0] < now && k[5] === 0);
      assert.ok(flat.length >= 50, 'minutes without trades (flat, volume 0) were among the compared bars');
    });

    it('intervals without an official file (15m, 1h) are built from the trades by Binance\'s rules', async () => {
      const minutes = (recording.officialKlines('1m') as readonly OfficialKline[]).filter((k) => k[0] < Math.floor(now / MINUTE) * MINUTE);
      for (const [timeframe, width] of [['15m', 15 * MINUTE], ['1h', 60 * MINUTE]] as const) {
        const expected = foldOfficial(minutes, width).filter((r) => r[0] + width <= now);
        const candles = asRows(await exchange.fetchOHLCV('XRP/ETH', timeframe, REPLAY_FIXTURE_START, 1000));
        assert.deepEqual(candles.slice(0, expected.length), expected, timeframe);
        assert.equal(candles.length, expected.length + 1, `${timeframe}: the closed bars and the one in progress`);
      }
    });

    it('fetchTrades ends at the replay clock; advancing the clock serves the next trades', async () => {
      const since = now - 30 * MINUTE;
      const expected = (until: number) => recording.trades.filter((t) => t.timestamp >= since && t.timestamp <= until).map(tradeView);
      const before = await exchange.fetchTrades('XRP/ETH', since, 1000);
      assert.ok(before.length > 10);
      assert.deepEqual(before.map(tradeView), expected(now));
      const later = now + 5 * MINUTE;
      emu.replay?.advanceTo(later);
      assert.deepEqual((await exchange.fetchTrades('XRP/ETH', since, 1000)).map(tradeView), expected(later));
      assert.equal(await exchange.fetchTime(), later);
    });
  });

  describe('WebSocket', () => {
    let emu: ExchangeEmulator | undefined;
    let client: BatchingClient | undefined;
    let exchange: Binance | undefined;
    afterEach(async () => {
      await client?.close();
      await exchange?.close();
      await emu?.close();
      client = undefined;
      exchange = undefined;
      emu = undefined;
    });

    it('aggTrade and trade events arrive in recorded order, every same-millisecond burst in one batch', async () => {
      const from = at('2019-10-11T05:14:00Z');
      const until = at('2019-10-11T05:17:00Z');
      emu = await ExchangeEmulator.start({ replay: { dir: REPLAY_FIXTURE, from, paused: true, speed: 600 } });
      client = new BatchingClient(`ws://127.0.0.1:${emu.port}/stream/ws/0`);
      await client.subscribe(emu, ['xrpeth@aggTrade', 'xrpeth@trade']);
      const expected = recording.trades.filter((t) => t.timestamp > from && t.timestamp <= until);
      emu.replay?.resume();
      await emu.replay?.waitUntil(until);
      await client.until(2 * expected.length);
      const agg = client.of('aggTrade').filter(({ frame }) => frame.T <= until);
      assert.deepEqual(
        agg.map(({ frame: f }) => ({ id: f.a, firstTradeId: f.f, lastTradeId: f.l, timestamp: f.T, price: Number(f.p), amount: Number(f.q), side: f.m ? 'sell' : 'buy' })),
        expected.map((t) => ({ ...t })),
      );
      assert.deepEqual(
        client
          .of('trade')
          .filter(({ frame }) => frame.T <= until)
          .map(({ frame: f }) => [f.t, f.T, Number(f.p), Number(f.q)]),
        expected.map((t) => [t.firstTradeId, t.timestamp, t.price, t.amount]),
      );
      const batchOf = new Map(agg.map(({ frame, batch }) => [frame.a, batch]));
      const multi = bursts(expected).filter((b) => b.length > 1);
      assert.ok(multi.some((b) => b.length >= 30), 'a burst of 30+ trades was replayed');
      for (const burst of multi) {
        const batches = new Set(burst.map((t) => batchOf.get(t.id)));
        assert.equal(batches.size, 1, `the ${burst.length} trades at ${new Date((burst[0] as RecordedTrade).timestamp).toISOString()} arrived in one batch`);
      }
      assert.ok(new Set(agg.map((a) => a.batch)).size > 1, 'the replay paced the trades over several batches');
    });

    it('real ccxt watchTrades (aggTrade) and fetchOHLCV follow a running replay', async () => {
      const from = at('2019-10-11T04:59:00Z');
      const until = at('2019-10-11T05:05:00Z');
      emu = await ExchangeEmulator.start({ replay: { dir: REPLAY_FIXTURE, from, paused: true, speed: 600 } });
      exchange = makeExchange(emu);
      const expected = recording.trades.filter((t) => t.timestamp > from && t.timestamp <= until).map(tradeView);
      const received: ReturnType<typeof tradeView>[] = [];
      const first = exchange.watchTrades('XRP/ETH', undefined, undefined, { name: 'aggTrade' });
      await emu.waitForStats((s) => (s.subscriptions['xrpeth@aggTrade'] ?? 0) >= 1);
      emu.replay?.resume();
      received.push(...(await first).map(tradeView));
      while (received.length < expected.length) received.push(...(await exchange.watchTrades('XRP/ETH', undefined, undefined, { name: 'aggTrade' })).map(tradeView));
      assert.deepEqual(received.slice(0, expected.length), expected);
      await emu.replay?.waitUntil(until);
      emu.replay?.pause();
      const clock = emu.replay?.clock.now() as number;
      const candles = asRows(await exchange.fetchOHLCV('XRP/ETH', '1m', from, 100));
      const official = (recording.officialKlines('1m') as readonly OfficialKline[]).filter((k) => k[0] >= from && k[0] + MINUTE <= clock);
      assert.deepEqual(candles.slice(0, official.length), official.map((k) => [...k]));
      assert.deepEqual(candles.at(-1), barFromTrades(recording.trades, Math.floor(clock / MINUTE) * MINUTE, MINUTE, clock));
    });

    it('six hours at 20,000× finish in seconds with every trade delivered in order', async () => {
      const from = at('2019-10-11T06:00:00Z');
      emu = await ExchangeEmulator.start({ replay: { dir: REPLAY_FIXTURE, from, paused: true, speed: 20_000 } });
      client = new BatchingClient(`ws://127.0.0.1:${emu.port}/stream/ws/0`);
      await client.subscribe(emu, ['xrpeth@aggTrade']);
      const expected = recording.trades.filter((t) => t.timestamp > from);
      assert.ok(expected.length > 1000);
      emu.replay?.resume();
      await emu.replay?.finished;
      await client.until(expected.length);
      assert.deepEqual(
        client.of('aggTrade').map(({ frame }) => frame.a),
        expected.map((t) => t.id),
      );
      assert.equal(emu.replay?.state().finished, true);
      assert.equal(emu.replay?.clock.now(), REPLAY_FIXTURE_END, 'the clock stops at the last recorded trade');
    });
  });

  describe('faults during a replay', () => {
    let emu: ExchangeEmulator;
    let exchange: Binance;
    before(async () => {
      emu = await ExchangeEmulator.start({ replay: { dir: REPLAY_FIXTURE, from: at('2019-10-11T03:00:00Z'), paused: true } });
      exchange = makeExchange(emu);
      await exchange.loadMarkets();
    });
    after(async () => {
      await exchange?.close();
      await emu?.close();
    });

    it('a REST fault fails one request; the next is answered from the replay', async () => {
      emu.failRest({ status: 503, count: 1, path: 'klines' });
      await assert.rejects(exchange.fetchOHLCV('XRP/ETH', '1m', undefined, 5), /-1001/);
      const candles = await exchange.fetchOHLCV('XRP/ETH', '1m', undefined, 5);
      assert.equal(candles.length, 5);
    });

    it('a socket drop closes the stream; after a restart the market is where the clock says', async () => {
      const client = new BatchingClient(`ws://127.0.0.1:${emu.port}/stream/ws/0`);
      await client.subscribe(emu, ['xrpeth@aggTrade']);
      const closed = once(client.ws, 'close');
      assert.equal(emu.dropConnections(), 1);
      await closed;
      await emu.stop();
      const later = at('2019-10-11T03:30:00Z');
      emu.replay?.advanceTo(later);
      await emu.restart();
      const trades = await exchange.fetchTrades('XRP/ETH', later - 10 * MINUTE, 1000);
      assert.deepEqual(
        trades.map(tradeView),
        recording.trades.filter((t) => t.timestamp >= later - 10 * MINUTE && t.timestamp <= later).map(tradeView),
      );
      assert.equal(await exchange.fetchTime(), later);
    });
  });

  it('npm run emulator -- --replay DIR --speed --from: the CLI serves the replay and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['dist/emulator.js', '--replay', REPLAY_FIXTURE, '--speed', '600', '--from', '2019-10-11T03:00:00Z', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let output = '';
      child.stdout.setEncoding('utf8');
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: string) => {
          output += chunk;
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match && /replaying XRP\/ETH from 2019-10-11T03:00:00\.000Z .* at 600× real time/.test(output)) resolve(match[1] as string);
        });
        child.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before listening:\n${output}`)));
      });
      const state = (await (await fetch(`${url}/_emulator/replay`)).json()) as { symbol: string; speed: number; now: number; paused: boolean };
      assert.deepEqual([state.symbol, state.speed, state.paused], ['XRP/ETH', 600, false]);
      assert.ok(state.now >= at('2019-10-11T03:00:00Z') && state.now < REPLAY_FIXTURE_END, `the clock runs from the start point: ${new Date(state.now).toISOString()}`);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      assert.deepEqual((await exited)[0], 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  describe('control API and validation', () => {
    let emu: ExchangeEmulator;
    before(async () => {
      emu = await ExchangeEmulator.start({ replay: { dir: REPLAY_FIXTURE, from: '2019-10-11T01:00:00Z', paused: true } });
    });
    after(async () => emu?.close());

    const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
      const res = await fetch(`${emu.url}/_emulator${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, json: await res.json() };
    };

    it('serves the replay state, the official klines and the recorded trades, and moves the clock', async () => {
      const state = (await call('GET', '/replay')).json as { symbol: string; now: number; paused: boolean; end: number };
      assert.deepEqual([state.symbol, state.now, state.paused, state.end], ['XRP/ETH', at('2019-10-11T01:00:00Z'), true, REPLAY_FIXTURE_END]);
      assert.deepEqual((await call('GET', '/replay/klines?interval=5m')).json, recording.officialKlines('5m')?.map((k) => [...k]));
      assert.deepEqual((await call('GET', '/replay/trades?limit=3')).json, recording.trades.slice(0, 3).map((t) => ({ ...t })));
      const moved = await call('POST', '/replay/advance', { to: at('2019-10-11T02:00:00Z') });
      assert.equal((moved.json as { now: number }).now, at('2019-10-11T02:00:00Z'));
      const back = await call('POST', '/replay/advance', { to: at('2019-10-11T01:00:00Z') });
      assert.equal(back.status, 400);
      assert.match((back.json as { error: string }).error, /forward/);
      assert.match(((await call('GET', '/replay/klines?interval=1h')).json as { error: string }).error, /no official 1h klines \(it has 1m, 5m\)/);
    });

    it('refuses scripting the recorded market and options that describe a generated one', async () => {
      assert.throws(() => emu.injectTrades('XRP/ETH', [{ price: 0.0015, amount: 1, side: 'buy' }]), /not available while replaying/);
      await assert.rejects(ExchangeEmulator.start({ replay: { dir: REPLAY_FIXTURE }, symbols: ['BTC/USDT'] }), /symbols cannot be combined with replay/);
      await assert.rejects(ExchangeEmulator.start({ replay: { dir: REPLAY_FIXTURE, from: '2019-10-12T00:00:00Z' } }), /outside the recording \(2019-10-11T00:00:00.000Z to 2019-10-11T11:59:01.033Z\)/);
    });
  });
});
