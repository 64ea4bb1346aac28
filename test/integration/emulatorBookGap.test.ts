/**
 * The emulator's 'book-gap' and 'book-snapshot' faults on the wire, as each exchange's docs describe a lost book
 * message and its mending:
 * - Binance ("How to manage a local order book correctly"): "If the U of the new event is not lastUpdateId+1 [the
 *   previous event's u + 1], something went wrong. Discard your local order book and restart the process."
 * - Coinbase Advanced Trade: every message carries the connection's sequence_num; a skipped number is a lost message.
 * - Bybit v5 orderbook: `u` is one more per message of a topic; "If you receive a new snapshot message, you will have
 *   to reset your local orderbook. If there is a problem on Bybit's end, a snapshot will be re-sent".
 */
import * as assert from 'node:assert/strict';
import { ExchangeEmulator } from '../../src/emulator';
import { RawClient } from '../helpers/rawClient';

interface DepthEvent {
  e: 'depthUpdate';
  U: number;
  u: number;
  b: [string, string][];
  a: [string, string][];
}
const isDepth = (f: unknown): f is DepthEvent => (f as { e?: string }).e === 'depthUpdate';
const isReply = (id: number) => (f: unknown): f is { id: number } => (f as { id?: number }).id === id;

interface Envelope {
  channel: string;
  sequence_num: number;
  events: { type: string }[];
}
const isEnvelope = (f: unknown): f is Envelope => typeof (f as { sequence_num?: unknown }).sequence_num === 'number';
const onChannel = (channel: string) => (f: unknown): f is Envelope => isEnvelope(f) && f.channel === channel;

interface BookMessage {
  topic: string;
  type: 'snapshot' | 'delta';
  data: { b: [string, string][]; a: [string, string][]; u: number };
}
const onTopic = (topic: string) => (f: unknown): f is BookMessage => (f as { topic?: string }).topic === topic;
const onAnyBook = (f: unknown): f is BookMessage => (f as { topic?: string }).topic?.startsWith('orderbook.') === true;

/** The update id of the emulator's next book step of `symbol`. */
const nextBookStepId = (emu: ExchangeEmulator<'binance' | 'coinbase' | 'bybit'>, symbol: string): Promise<number> =>
  new Promise((resolve) => {
    const onBook = (stepped: string, updateId: number): void => {
      if (stepped !== symbol) return;
      emu.off('book', onBook);
      resolve(updateId);
    };
    emu.on('book', onBook);
  });
const nextBookStep = async (emu: ExchangeEmulator<'binance' | 'coinbase' | 'bybit'>, symbol: string): Promise<void> => void (await nextBookStepId(emu, symbol));

describe('emulator: a lost book message (book-gap) and a fresh snapshot mid-stream (book-snapshot)', function () {
  this.timeout(30_000);
  let client: RawClient | undefined;
  let emu: ExchangeEmulator<'binance' | 'coinbase' | 'bybit'> | undefined;
  afterEach(async () => {
    await client?.close();
    await emu?.close();
    client = undefined;
    emu = undefined;
  });

  it("binance: the diff after the lost one has U past the previous u + 1 (the docs' restart rule), and the stream goes on in sequence from it", async () => {
    const binance = await ExchangeEmulator.start({ seed: 5, tradesPerSecond: 0, depthIntervalMs: 20 });
    emu = binance;
    const raw = new RawClient(`${binance.ccxtUrls().api.ws.spot}/1`);
    client = raw;
    await raw.open();
    raw.send({ method: 'SUBSCRIBE', params: ['btcusdt@depth@100ms'], id: 1 });
    await raw.next(isReply(1));
    let previous = (await raw.next(isDepth)).u;
    // Through the control API, as a script would.
    const res = await fetch(`${binance.url}/_emulator/fault/malformed`, { method: 'POST', body: JSON.stringify({ kind: 'book-gap', stream: 'btcusdt@depth@100ms' }) });
    assert.deepEqual(await res.json(), { sent: 1 }, 'one subscriber misses the next diff');
    let jumps = 0;
    for (let n = 0; n < 10; n++) {
      const event = await raw.next(isDepth);
      assert.ok(event.U <= event.u);
      if (event.U !== previous + 1) {
        jumps += 1;
        assert.ok(event.U > previous + 1, `the ids jump forward: U ${event.U} after u ${previous}`);
      }
      previous = event.u;
    }
    assert.equal(jumps, 1, 'exactly one diff lost');
    assert.equal(binance.sendMalformed('book-snapshot', 'btcusdt@depth@100ms'), 0, 'Binance sends no snapshot on its diff stream');
  });

  it('binance: a book-gap armed on a depth stream nobody subscribes to is spent by the next book step, not kept for a later subscriber', async () => {
    // Steps far apart: the subscribe is answered well before the next one.
    const binance = await ExchangeEmulator.start({ seed: 5, tradesPerSecond: 0, depthIntervalMs: 300 });
    emu = binance;
    assert.equal(binance.sendMalformed('book-gap', 'btcusdt@depth@100ms'), 0, 'nobody misses it');
    await nextBookStep(binance, 'BTC/USDT');
    const raw = new RawClient(`${binance.ccxtUrls().api.ws.spot}/1`);
    client = raw;
    await raw.open();
    raw.send({ method: 'SUBSCRIBE', params: ['btcusdt@depth@100ms'], id: 1 });
    await raw.next(isReply(1));
    const firstStep = await nextBookStepId(binance, 'BTC/USDT');
    const first = await raw.next(isDepth);
    assert.ok(first.u <= firstStep, `the first diff after the subscribe (u ${first.u}) is no later than the step after its answer (${firstStep})`);
  });

  it("binance perpetuals: the diff after the lost one has a pu that is not the previous u (the futures docs' restart rule)", async () => {
    const binance = await ExchangeEmulator.start({ seed: 5, tradesPerSecond: 0, depthIntervalMs: 20 });
    emu = binance;
    const raw = new RawClient(`${binance.url.replace(/^http/, 'ws')}/fstream/public/ws`);
    client = raw;
    await raw.open();
    raw.send({ method: 'SUBSCRIBE', params: ['btcusdt@depth@100ms'], id: 1 });
    await raw.next(isReply(1));
    const isFuturesDepth = (f: unknown): f is DepthEvent & { pu: number } => isDepth(f) && typeof (f as { pu?: unknown }).pu === 'number';
    let previous = (await raw.next(isFuturesDepth)).u;
    assert.equal(binance.sendMalformed('book-gap', 'fstream:btcusdt@depth@100ms'), 1);
    let jumps = 0;
    for (let n = 0; n < 10; n++) {
      const event = await raw.next(isFuturesDepth);
      if (event.pu !== previous) {
        jumps += 1;
        assert.ok(event.pu > previous, `pu ${event.pu} after u ${previous}`);
      }
      previous = event.u;
    }
    assert.equal(jumps, 1, 'exactly one diff lost');
  });

  it('coinbase: the connection loses one level2 message: sequence_num skips one number, and the book has moved on', async () => {
    const coinbase = await ExchangeEmulator.start({ exchange: 'coinbase', seed: 5, tradesPerSecond: 0, depthIntervalMs: 20 });
    emu = coinbase;
    const raw = new RawClient(coinbase.ccxtUrls().api.ws);
    client = raw;
    await raw.open();
    raw.send({ type: 'subscribe', product_ids: ['BTC-USD'], channel: 'level2' });
    let previous = (await raw.next(onChannel('l2_data'))).sequence_num;
    const before = coinbase.orderBook('BTC/USD', 1).lastUpdateId;
    assert.equal(coinbase.sendMalformed('book-gap', 'level2:BTC-USD'), 1);
    let jumps = 0;
    for (let n = 0; n < 10; n++) {
      const message = await raw.next(onChannel('l2_data'));
      assert.equal(message.events[0]?.type, 'update');
      if (message.sequence_num !== previous + 1) {
        jumps += 1;
        assert.equal(message.sequence_num, previous + 2, 'one number skipped');
      }
      previous = message.sequence_num;
    }
    assert.equal(jumps, 1, 'exactly one message lost');
    assert.ok(coinbase.orderBook('BTC/USD', 1).lastUpdateId > before, 'the book stepped on');
    assert.equal(coinbase.sendMalformed('book-snapshot', 'level2:BTC-USD'), 0, 'Coinbase documents no snapshot mid-stream');
  });

  it('coinbase: a book-gap armed on a level2 topic nobody subscribes to is spent by the next book step, not kept for a later subscriber', async () => {
    const coinbase = await ExchangeEmulator.start({ exchange: 'coinbase', seed: 5, tradesPerSecond: 0, depthIntervalMs: 20 });
    emu = coinbase;
    assert.equal(coinbase.sendMalformed('book-gap', 'level2:BTC-USD'), 0, 'nobody misses it');
    await nextBookStep(coinbase, 'BTC/USD');
    const raw = new RawClient(coinbase.ccxtUrls().api.ws);
    client = raw;
    await raw.open();
    raw.send({ type: 'subscribe', product_ids: ['BTC-USD'], channel: 'level2' });
    const snapshot = await raw.next(onChannel('l2_data'));
    assert.equal(snapshot.events[0]?.type, 'snapshot');
    let previous = snapshot.sequence_num;
    for (let n = 0; n < 5; n++) {
      const message = await raw.next(onChannel('l2_data'));
      assert.equal(message.sequence_num, previous + 1, `update ${n + 1} after the snapshot is in sequence`);
      previous = message.sequence_num;
    }
  });

  it("bybit: a delta goes missing (u skips one), and orderbook.1's next snapshot simply follows", async () => {
    const bybit = await ExchangeEmulator.start({ exchange: 'bybit', seed: 5, tradesPerSecond: 0, depthIntervalMs: 20 });
    emu = bybit;
    const raw = new RawClient(bybit.ccxtUrls().api.ws.public.linear);
    client = raw;
    await raw.open();
    raw.send({ req_id: '1', op: 'subscribe', args: ['orderbook.50.BTCUSDT', 'orderbook.1.BTCUSDT'] });
    // Every book frame, of either topic, in order: orderbook.1 sends only when its top level moves (the random walk's
    // pace), so twenty frames could all be orderbook.50's, and waiting for one topic's frame discarded the other's.
    const topics = ['orderbook.50.BTCUSDT', 'orderbook.1.BTCUSDT'];
    const last = new Map<string, number>();
    while (topics.some((topic) => !last.has(topic))) {
      const message = await raw.next(onAnyBook);
      last.set(message.topic, message.data.u);
    }
    assert.equal(bybit.sendMalformed('book-gap', undefined, 'BTC/USDT:USDT'), 2, 'both topics lose their next message');
    const jumps = new Map<string, number>();
    const since = new Map<string, number>();
    while (topics.some((topic) => (since.get(topic) ?? 0) < 3)) {
      const message = await raw.next(onAnyBook);
      since.set(message.topic, (since.get(message.topic) ?? 0) + 1);
      assert.equal(message.type, message.topic === 'orderbook.1.BTCUSDT' ? 'snapshot' : 'delta');
      const previous = last.get(message.topic)!;
      if (message.data.u !== previous + 1) {
        jumps.set(message.topic, (jumps.get(message.topic) ?? 0) + 1);
        assert.equal(message.data.u, previous + 2, `${message.topic}: one u skipped`);
      }
      last.set(message.topic, message.data.u);
    }
    assert.deepEqual(Object.fromEntries(jumps), { 'orderbook.50.BTCUSDT': 1, 'orderbook.1.BTCUSDT': 1 });
  });

  it('bybit: a book-gap armed on an orderbook topic nobody subscribes to is spent by the next book step, not kept for a later subscriber', async () => {
    const bybit = await ExchangeEmulator.start({ exchange: 'bybit', seed: 5, tradesPerSecond: 0, depthIntervalMs: 20 });
    emu = bybit;
    const topic = 'orderbook.50.BTCUSDT';
    assert.equal(bybit.sendMalformed('book-gap', topic), 0, 'nobody misses it');
    await nextBookStep(bybit, 'BTC/USDT:USDT');
    const raw = new RawClient(bybit.ccxtUrls().api.ws.public.linear);
    client = raw;
    await raw.open();
    raw.send({ req_id: '1', op: 'subscribe', args: [topic] });
    const snapshot = await raw.next(onTopic(topic));
    assert.equal(snapshot.type, 'snapshot');
    let previous = snapshot.data.u;
    for (let n = 0; n < 5; n++) {
      const message = await raw.next(onTopic(topic));
      assert.equal(message.data.u, previous + 1, `delta ${n + 1} after the snapshot is in sequence`);
      previous = message.data.u;
    }
  });

  it('bybit: book-snapshot sends the whole view again as a snapshot with the next u, the book as it is now', async () => {
    const bybit = await ExchangeEmulator.start({ exchange: 'bybit', seed: 6, tradesPerSecond: 0, depthIntervalMs: 20 });
    emu = bybit;
    const raw = new RawClient(bybit.ccxtUrls().api.ws.public.linear);
    client = raw;
    await raw.open();
    const topic = 'orderbook.50.BTCUSDT';
    raw.send({ req_id: '1', op: 'subscribe', args: [topic] });
    await raw.next(onTopic(topic));
    assert.equal(bybit.sendMalformed('book-snapshot', topic), 1);
    const truth = bybit.orderBook('BTC/USDT:USDT', 50);
    let previous: number | undefined;
    for (;;) {
      const message: BookMessage = await raw.next(onTopic(topic));
      if (previous !== undefined) assert.equal(message.data.u, previous + 1, 'in sequence');
      previous = message.data.u;
      if (message.type !== 'snapshot') continue;
      assert.deepEqual(message.data.b.map(([p, q]) => [Number(p), Number(q)]), truth.bids);
      assert.deepEqual(message.data.a.map(([p, q]) => [Number(p), Number(q)]), truth.asks);
      break;
    }
  });
});
