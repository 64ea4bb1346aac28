// The ccxt hooks that catch a lost order-book message on Coinbase (sequence_num) and Bybit (u), on stand-ins for
// ccxt's exchange and socket client: the edges the emulator does not produce (a reconnected socket numbering from 0
// again, a message out of order, a delta before any snapshot, an unreadable frame).
import * as assert from 'node:assert/strict';
import { OrderBookGapError, TradesGapError } from '../../src/core/errors';
import { resyncBybitBooksOnGaps } from '../../src/core/exchange/bybitBookGaps';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';
import { mendCoinbaseSequenceGaps } from '../../src/core/exchange/coinbaseSequenceGaps';

class FakeClient {
  subscriptions: Record<string, unknown> = {};
  readonly rejected: Array<{ hash: string | undefined; error: unknown }> = [];
  constructor(readonly url = 'ws://localhost/v5/public/linear') {}
  reject(error: unknown, hash?: string): unknown {
    this.rejected.push({ hash, error });
    return error;
  }
}

describe('coinbase: a lost message (sequence_num) drops the socket’s level2 books and fails its trade watches', () => {
  function rig() {
    const passedOn: unknown[] = [];
    const ex = { orderbooks: { 'BTC/USD': {}, 'ETH/USD': {} } as Record<string, unknown>, handleMessage: (_c: FakeClient, m: unknown) => void passedOn.push(m) };
    mendCoinbaseSequenceGaps(ex as unknown as ProExchange);
    const client = new FakeClient();
    client.subscriptions = { 'level2::BTC/USD': true, 'level2::ETH/USD': true, 'market_trades::BTC/USD': true };
    const send = (c: FakeClient, sequence: unknown) => ex.handleMessage(c, { channel: 'l2_data', sequence_num: sequence, events: [] });
    return { ex, client, passedOn, send };
  }

  it('in sequence: nothing happens; a skipped number fails every level2 and trade watch of the socket and forgets ccxt’s books', () => {
    const { ex, client, passedOn, send } = rig();
    for (const n of [0, 1, 2]) send(client, n);
    assert.equal(client.rejected.length, 0);
    send(client, 4);
    assert.deepEqual(client.rejected.map((r) => r.hash), ['level2::BTC/USD', 'level2::ETH/USD', 'market_trades::BTC/USD']);
    const error = client.rejected[0]?.error;
    assert.ok(error instanceof OrderBookGapError);
    assert.equal(error.message, 'coinbase order book BTC/USD: sequence_num 4 came after 2: 1 message(s) lost; the book is taken again from a new snapshot');
    // Which channel the lost message was on cannot be told: the trades it may have held are fetched from REST.
    const tradesError = client.rejected[2]?.error;
    assert.ok(tradesError instanceof TradesGapError);
    assert.equal(tradesError.message, 'coinbase trade stream BTC/USD: sequence_num 4 came after 2: 1 message(s) lost; the trades missed are fetched from REST');
    assert.deepEqual(Object.keys(ex.orderbooks), [], 'ccxt keeps no copy to apply later updates to');
    assert.equal(passedOn.length, 4, 'every message still goes to ccxt');
  });

  it('each socket numbers its own messages; one out of order, a repeat or one without a number is no gap', () => {
    const { client, send } = rig();
    send(client, 5);
    send(client, 6);
    const other = new FakeClient();
    other.subscriptions = { 'level2::BTC/USD': true };
    send(other, 0);
    send(other, 1);
    send(client, 6);
    send(client, 3);
    send(client, 'x');
    send(client, undefined);
    send(client, 7);
    assert.deepEqual([client.rejected, other.rejected], [[], []]);
  });
});

describe('coinbase: a level2 message numbered at or below the last one is kept from ccxt', () => {
  it('a repeat or a late l2_data message never reaches ccxt (its levels are older than the book ccxt holds); other channels still do', () => {
    const passedOn: Array<[string, number]> = [];
    const ex = { orderbooks: {} as Record<string, unknown>, handleMessage: (_c: FakeClient, m: unknown) => void passedOn.push([(m as { channel: string }).channel, (m as { sequence_num: number }).sequence_num]) };
    mendCoinbaseSequenceGaps(ex as unknown as ProExchange);
    const client = new FakeClient();
    const send = (channel: string, sequence: number) => ex.handleMessage(client, { channel, sequence_num: sequence, events: [] });
    send('l2_data', 0);
    send('l2_data', 1);
    send('l2_data', 1);
    send('l2_data', 0);
    send('market_trades', 1);
    send('l2_data', 2);
    assert.deepEqual(passedOn, [['l2_data', 0], ['l2_data', 1], ['market_trades', 1], ['l2_data', 2]]);
    assert.deepEqual(client.rejected, []);
  });
});

describe('coinbase: a level2 update before its snapshot on a socket', () => {
  it("forgets ccxt's book of the socket before and fails the watch once; a snapshot starts the product on that socket", () => {
    const passedOn: unknown[] = [];
    const ex = {
      orderbooks: { 'BTC/USD': {} } as Record<string, unknown>,
      // ccxt's safeMarket names an unknown id by itself.
      safeMarket: (id: string) => ({ symbol: id === 'BTC-USD' ? 'BTC/USD' : id }),
      handleMessage: (_c: FakeClient, m: unknown) => void passedOn.push((m as { sequence_num: number }).sequence_num),
    };
    mendCoinbaseSequenceGaps(ex as unknown as ProExchange);
    const l2 = (c: FakeClient, sequence: number, type: string) => ex.handleMessage(c, { channel: 'l2_data', sequence_num: sequence, events: [{ type, product_id: 'BTC-USD', updates: [] }] });
    const reconnected = new FakeClient();
    l2(reconnected, 1, 'update');
    l2(reconnected, 2, 'update');
    assert.deepEqual(reconnected.rejected.map((r) => r.hash), ['level2::BTC/USD'], 'one failure until a snapshot');
    assert.match(String((reconnected.rejected[0]?.error as Error).message), /coinbase order book BTC\/USD: an update of BTC-USD came before its snapshot on this connection/);
    assert.deepEqual(Object.keys(ex.orderbooks), [], "ccxt's book of the socket before is forgotten");
    assert.deepEqual(passedOn, [1, 2], 'the messages still go to ccxt (which drops updates of a book it does not hold)');
    const fresh = new FakeClient();
    l2(fresh, 0, 'snapshot');
    l2(fresh, 1, 'update');
    l2(reconnected, 3, 'snapshot');
    l2(reconnected, 4, 'update');
    assert.equal(fresh.rejected.length + reconnected.rejected.length, 1);
    // A product neither subscribed on the socket nor held by ccxt: no rejection for ccxt to keep.
    const other = new FakeClient();
    ex.handleMessage(other, { channel: 'l2_data', sequence_num: 1, events: [{ type: 'update', product_id: 'ETH-USD', updates: [] }] });
    assert.deepEqual(other.rejected, []);
  });
});

describe('bybit: an orderbook delta out of sequence (u) fails the watch until a snapshot', () => {
  const topic = 'orderbook.50.BTCUSDT';
  function rig() {
    const passedOn: unknown[] = [];
    const ex = {
      safeMarket: (id: string, _m?: unknown, _d?: unknown, type?: string) => ({ symbol: id === 'BTCUSDT' && type === 'contract' ? 'BTC/USDT:USDT' : undefined }),
      handleOrderBook: (_c: FakeClient, m: unknown) => void passedOn.push((m as { data: { u: unknown } }).data.u),
    };
    resyncBybitBooksOnGaps(ex as unknown as ProExchange);
    const client = new FakeClient();
    const send = (c: FakeClient, type: string, u: unknown, t = topic) => ex.handleOrderBook(c, { topic: t, type, ts: 1, data: { s: 'BTCUSDT', b: [], a: [], u, seq: 1 } });
    return { client, passedOn, send };
  }

  it('a skipped u fails the watch, its deltas are kept from ccxt until a snapshot starts the topic over', () => {
    const { client, passedOn, send } = rig();
    send(client, 'snapshot', 10);
    send(client, 'delta', 11);
    send(client, 'delta', 13);
    send(client, 'delta', 14);
    assert.deepEqual(passedOn, [10, 11], 'the deltas after the gap never reach ccxt');
    assert.equal(client.rejected.length, 1, 'one failure per gap');
    assert.equal(client.rejected[0]?.hash, 'orderbook:BTC/USDT:USDT');
    const error = client.rejected[0]?.error;
    assert.ok(error instanceof OrderBookGapError);
    assert.equal(error.message, 'bybit order book BTC/USDT:USDT: orderbook.50.BTCUSDT: u 13 came after 11: 1 message(s) lost; the book is taken again from a new snapshot');
    send(client, 'snapshot', 1);
    send(client, 'delta', 2);
    assert.deepEqual(passedOn, [10, 11, 1, 2], "a snapshot (u = 1 after Bybit's restart too) starts over");
    assert.equal(client.rejected.length, 1);
  });

  it('a delta before any snapshot is a gap; orderbook.1 (snapshots only) never is; topics and sockets are apart; unreadable frames go to ccxt as they are', () => {
    const { client, passedOn, send } = rig();
    send(client, 'delta', 7);
    assert.equal(client.rejected.length, 1);
    assert.match(String((client.rejected[0]?.error as Error).message), /orderbook\.50\.BTCUSDT: a delta \(u 7\) before any snapshot/);
    for (const u of [3, 5, 9]) send(client, 'snapshot', u, 'orderbook.1.BTCUSDT');
    const other = new FakeClient();
    send(other, 'snapshot', 1);
    send(other, 'delta', 2);
    send(client, 'delta', 'not-a-number');
    assert.deepEqual(passedOn, [3, 5, 9, 1, 2, 'not-a-number']);
    assert.equal(client.rejected.length + other.rejected.length, 1);
  });
});
