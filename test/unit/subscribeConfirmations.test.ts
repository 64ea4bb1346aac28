// The subscribe answers of each exchange as ccxt hands them to handleSubscriptionStatus, on stand-ins for ccxt's
// exchange and socket client (the integration test quietReconnect runs the real ccxt against the emulators).
import * as assert from 'node:assert/strict';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';
import { readSubscribeConfirmations, subscribeHashOf, SubscribeConfirmations } from '../../src/core/exchange/subscribeConfirmations';

interface FakeClient {
  subscriptions: Record<string, unknown>;
}

function rig(exchangeId: string, subscriptions: Record<string, unknown>) {
  const passedOn: unknown[] = [];
  const ex = {
    markets: { 'BTC/USD': { id: 'BTC-USD' }, 'ETH/USD': { id: 'ETH-USD' } },
    handleSubscriptionStatus: (_client: FakeClient, message: unknown) => (passedOn.push(message), message),
  };
  const confirmations = new SubscribeConfirmations();
  readSubscribeConfirmations(ex as unknown as ProExchange, exchangeId, confirmations);
  const client: FakeClient = { subscriptions };
  const confirmedNow = (hash: string) => {
    const wait = new AbortController();
    let confirmed = false;
    void confirmations.next(hash, wait.signal).then((ok) => (confirmed = ok));
    return {
      /** After `message`: whether the wait was confirmed (the wait is then ended either way). */
      after: async (message: unknown): Promise<boolean> => {
        ex.handleSubscriptionStatus(client, message);
        await Promise.resolve();
        wait.abort();
        await Promise.resolve();
        return confirmed;
      },
    };
  };
  return { ex, client, confirmations, passedOn, confirmedNow };
}

describe('subscribeConfirmations', () => {
  it('Binance: {"result":null,"id":N} confirms the hashes ccxt subscribed with id N, and only those', async () => {
    const { confirmedNow, passedOn, confirmations } = rig('binance', { 'trade::BTC/USDT': { id: 7 }, 'trade::ETH/USDT': { id: 8 }, 'orderbook::BTC/USDT': { id: '9' } });
    assert.equal(await confirmedNow('trade::BTC/USDT').after({ result: null, id: 7 }), true);
    assert.equal(await confirmedNow('trade::ETH/USDT').after({ result: null, id: 7 }), false, 'another request id');
    assert.equal(await confirmedNow('orderbook::BTC/USDT').after({ result: null, id: 9 }), true, 'a string id on our side');
    assert.equal(await confirmedNow('trade::BTC/USDT').after({ result: ['btcusdt@aggTrade'], id: 7 }), false, 'a LIST_SUBSCRIPTIONS answer');
    assert.equal(passedOn.length, 4, "ccxt's own handler still gets every answer");
    assert.equal(confirmations.waits, 0, 'every wait ended');
  });

  it('Bybit: success with op subscribe confirms the hashes of its req_id; a refusal does not', async () => {
    const { confirmedNow } = rig('bybit', { 'trade:BTC/USDT:USDT': { id: 3, topics: ['publicTrade.BTCUSDT'] }, 'orderbook:BTC/USDT:USDT': { id: 4, topics: ['orderbook.50.BTCUSDT'] } });
    assert.equal(await confirmedNow('trade:BTC/USDT:USDT').after({ success: true, ret_msg: '', conn_id: 'c1', req_id: '3', op: 'subscribe' }), true);
    assert.equal(await confirmedNow('trade:BTC/USDT:USDT').after({ success: true, ret_msg: '', conn_id: 'c1', req_id: '4', op: 'subscribe' }), false);
    assert.equal(await confirmedNow('trade:BTC/USDT:USDT').after({ success: false, ret_msg: 'error:handler not found', conn_id: 'c1', req_id: '3', op: 'subscribe' }), false);
    assert.equal(await confirmedNow('trade:BTC/USDT:USDT').after({ success: true, ret_msg: '', conn_id: 'c1', req_id: '3', op: 'unsubscribe' }), false);
  });

  it("Coinbase: a subscriptions message confirms the socket's channels whose products it lists", async () => {
    const { confirmedNow } = rig('coinbase', { 'market_trades::BTC/USD': true, 'market_trades::ETH/USD': true, 'unsubscribe:level2::BTC/USD': {} });
    const listing = (subscriptions: unknown) => ({ channel: 'subscriptions', client_id: '', timestamp: '2025-09-15T17:02:49.90120868Z', sequence_num: 3, events: [{ subscriptions }] });
    assert.equal(await confirmedNow('market_trades::BTC/USD').after(listing({ market_trades: ['BTC-USD'], heartbeats: ['heartbeats'] })), true);
    assert.equal(await confirmedNow('market_trades::ETH/USD').after(listing({ market_trades: ['BTC-USD'], level2: ['ETH-USD'] })), false, 'listed on another channel');
    assert.equal(await confirmedNow('unsubscribe:level2::BTC/USD').after(listing({ level2: ['BTC-USD'] })), false);
    assert.equal(await confirmedNow('market_trades::BTC/USD').after(listing({})), false);
    assert.equal(await confirmedNow('market_trades::BTC/USD').after({ channel: 'subscriptions', events: 'nonsense' }), false);
  });

  it('leaves an exchange whose answers it cannot read as it is', () => {
    const handler = () => undefined;
    const ex = { handleSubscriptionStatus: handler };
    readSubscribeConfirmations(ex as unknown as ProExchange, 'kraken', new SubscribeConfirmations());
    assert.equal(ex.handleSubscriptionStatus, handler);
  });

  it("names ccxt's trades hash of each exchange, and none for other streams (they send a snapshot at once)", () => {
    assert.equal(subscribeHashOf('binance', 'trades', 'BTC/USDT'), 'trade::BTC/USDT');
    assert.equal(subscribeHashOf('bybit', 'trades', 'BTC/USDT:USDT'), 'trade:BTC/USDT:USDT');
    assert.equal(subscribeHashOf('coinbase', 'trades', 'BTC/USD'), 'market_trades::BTC/USD');
    assert.equal(subscribeHashOf('binance', 'orderbook', 'BTC/USDT'), undefined);
    assert.equal(subscribeHashOf('kraken', 'trades', 'BTC/USD'), undefined);
  });

  it('a wait ends on its abort, and one aborted already ends at once', async () => {
    const confirmations = new SubscribeConfirmations();
    const wait = new AbortController();
    const pending = confirmations.next('trade::BTC/USDT', wait.signal);
    assert.equal(confirmations.waits, 1);
    wait.abort();
    assert.equal(await pending, false);
    assert.equal(confirmations.waits, 0);
    assert.equal(await confirmations.next('trade::BTC/USDT', wait.signal), false);
    assert.equal(confirmations.waits, 0);
  });
});
