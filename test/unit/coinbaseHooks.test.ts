// The two ccxt hooks for Coinbase on stand-ins for ccxt's exchange and socket client: what the integration test
// (coinbaseSubscriptions) cannot provoke from the emulator — a look-alike product id, a download that fails, an
// unsubscribe never answered.
import * as assert from 'node:assert/strict';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';
import { routeCoinbaseRefusals } from '../../src/core/exchange/coinbaseRefusals';
import { fixCoinbaseUnsubscribes } from '../../src/core/exchange/coinbaseUnsubscribes';

class FakeClient {
  subscriptions: Record<string, unknown> = {};
  readonly rejected: Array<{ hash: string | undefined; error: unknown }> = [];
  reject(error: unknown, hash?: string): unknown {
    this.rejected.push({ hash, error });
    return error;
  }
}

const markets = { 'BTC/USD': { id: 'BTC-USD' }, 'BTC/USDC': { id: 'BTC-USDC' }, 'ETH/USD': { id: 'ETH-USD' } };

function refusalRig(unlisted: (symbols: readonly string[]) => Promise<readonly string[]> | undefined = () => undefined) {
  const passedOn: unknown[] = [];
  const refused: string[][] = [];
  const asked: string[][] = [];
  const ex = {
    markets,
    handleMessage: (_client: FakeClient, message: unknown) => {
      passedOn.push(message);
      if ((message as { type?: unknown }).type === 'error') throw new Error('ccxt rejects every watch of the socket');
    },
  };
  routeCoinbaseRefusals(ex as unknown as ProExchange, {
    refused: (symbols) => void refused.push([...symbols]),
    unlisted: (symbols) => (asked.push([...symbols]), unlisted(symbols)),
  });
  const client = new FakeClient();
  client.subscriptions = { 'market_trades::BTC/USD': true, 'ticker::BTC/USDC': true, 'ticker_batch::ETH/USD,BTC/USDC': true };
  return { ex, client, passedOn, refused, asked };
}

/** A promise and its resolvers, to hold the markets' download while the frame waits. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const anonymous = { type: 'error', message: 'Failed to subscribe', reason: 'Invalid product ID provided' };

describe('routeCoinbaseRefusals', () => {
  it("hands a refusal only to the watches of the products it names (BTC-USD is not BTC-USDC) and forgets their subscriptions", () => {
    const { ex, client, passedOn, refused } = refusalRig();
    ex.handleMessage(client, { type: 'error', message: 'Failed to subscribe', reason: 'BTC-USD is not a valid product' });
    assert.deepEqual(passedOn, [], "ccxt's handler (which rejects everything) is not called");
    assert.deepEqual(client.rejected.map((r) => r.hash), ['market_trades::BTC/USD']);
    assert.match(String(client.rejected[0]!.error), /SubscriptionRefusedError: coinbase refused to stream BTC\/USD: Failed to subscribe: BTC-USD is not a valid product/);
    assert.deepEqual(Object.keys(client.subscriptions), ['ticker::BTC/USDC', 'ticker_batch::ETH/USD,BTC/USDC']);
    assert.deepEqual(refused, [['BTC/USD']]);
  });

  it("the exchange's words are kept to one bounded line", () => {
    const { ex, client } = refusalRig();
    ex.handleMessage(client, { type: 'error', message: 'Failed\nto subscribe', reason: `BTC-USD ${'x'.repeat(5000)}` });
    const text = String(client.rejected[0]!.error);
    assert.ok(!text.includes('\n') && text.length < 600, text.slice(0, 100));
  });

  it('a refusal naming a product of a multi-product subscription fails that subscription', () => {
    const { ex, client, refused } = refusalRig();
    ex.handleMessage(client, { type: 'error', message: 'failure to subscribe: unknown product id(s) ETH-USD' });
    assert.deepEqual(client.rejected.map((r) => r.hash), ['ticker_batch::ETH/USD,BTC/USDC']);
    assert.deepEqual(refused, [['ETH/USD']]);
  });

  it("an error naming none of the socket's products, when the markets are too recent to doubt, and every other frame, go to ccxt as before", () => {
    const { ex, client, passedOn, refused, asked } = refusalRig();
    const frame = { type: 'error', message: 'rate limit exceeded' };
    assert.throws(() => ex.handleMessage(client, frame), /rejects every watch/);
    ex.handleMessage(client, { channel: 'market_trades', events: [] });
    assert.equal(passedOn.length, 2);
    assert.deepEqual(client.rejected, []);
    assert.deepEqual(refused, []);
    assert.deepEqual(asked, [['BTC/USD', 'BTC/USDC', 'ETH/USD']], "the markets were asked about the socket's products");
  });

  it('a refusal naming no product waits for the markets downloaded again and goes only to the products they no longer list', async () => {
    const download = deferred<readonly string[]>();
    const { ex, client, passedOn, refused, asked } = refusalRig(() => download.promise);
    client.subscriptions['unsubscribe:market_trades::BTC/USD'] = true;
    assert.equal(ex.handleMessage(client, anonymous), undefined, 'held, not thrown');
    assert.deepEqual(asked, [['BTC/USD', 'BTC/USDC', 'ETH/USD']], 'an unsubscribe in flight is not a candidate');
    assert.equal(client.rejected.length, 0, 'nothing is rejected while the markets download');
    download.resolve(['ETH/USD']);
    await download.promise;
    await Promise.resolve();
    assert.deepEqual(client.rejected.map((r) => r.hash), ['ticker_batch::ETH/USD,BTC/USDC']);
    assert.match(String(client.rejected[0]!.error), /coinbase refused to stream ETH\/USD: Failed to subscribe: Invalid product ID provided \(the markets downloaded again no longer list it\)/);
    assert.ok(!('ticker_batch::ETH/USD,BTC/USDC' in client.subscriptions), 'its subscription is forgotten, so a later watch asks again');
    assert.deepEqual(passedOn, [], "ccxt's handler is not called");
    assert.deepEqual(refused, [], 'the markets are already downloaded: no second download');
  });

  for (const [name, settle] of [
    ['the markets downloaded again list every product of the socket', (d: ReturnType<typeof deferred<readonly string[]>>) => d.resolve([])],
    ['the download fails', (d: ReturnType<typeof deferred<readonly string[]>>) => d.reject(new Error('offline'))],
  ] as const) {
    it(`a refusal naming no product goes to ccxt (every watch of the socket rejected) when ${name}`, async () => {
      const download = deferred<readonly string[]>();
      const { ex, client, passedOn } = refusalRig(() => download.promise);
      ex.handleMessage(client, anonymous);
      settle(download);
      await download.promise.catch(() => undefined);
      await Promise.resolve();
      assert.deepEqual(passedOn, [anonymous]);
      assert.equal(client.rejected.length, 1);
      assert.equal(client.rejected[0]!.hash, undefined, 'rejected without a hash: every watch');
      assert.match(String(client.rejected[0]!.error), /rejects every watch/);
    });
  }

  it('a refused unsubscribe is handed to its watch but is no news about the markets', () => {
    const { ex, client, refused } = refusalRig();
    client.subscriptions['unsubscribe:ticker::ETH/USD'] = true;
    ex.handleMessage(client, { type: 'error', message: 'Failed to subscribe', reason: 'ETH-USD is not a valid product' });
    assert.deepEqual(client.rejected.map((r) => r.hash).sort(), ['ticker_batch::ETH/USD,BTC/USDC', 'unsubscribe:ticker::ETH/USD']);
    assert.deepEqual(refused, [['ETH/USD']], 'only the subscription counts');
  });
});

describe('fixCoinbaseUnsubscribes', () => {
  function unsubscribeRig(answer: (n: number) => Promise<unknown>) {
    const client = new FakeClient();
    const cleaned: string[] = [];
    let calls = 0;
    const started: string[] = [];
    const ex = {
      options: {} as Record<string, unknown>,
      clients: { ws: client },
      markets,
      cleanUnsubscription: (_c: FakeClient, sub: string, unsub: string) => cleaned.push(`${sub} ${unsub}`),
      cleanCache: () => undefined,
      handleSubscriptionStatus: (_c: FakeClient, message: unknown) => message,
      async unSubscribe(symbol: string) {
        // As ccxt: refuse while one is pending, set the pending unsubscription before the first await.
        if (ex.options['unSubscriptionPending'] === true) throw new Error('another unSubscription is pending');
        ex.options['unSubscriptionPending'] = true;
        ex.options['unSubscription'] = { messageHashes: [`unsubscribe:market_trades::${symbol}`], subMessageHashes: [`market_trades::${symbol}`] };
        client.subscriptions[`unsubscribe:market_trades::${symbol}`] = true;
        started.push(symbol);
        await answer(++calls);
        ex.options['unSubscriptionPending'] = false;
        return true;
      },
      unSubscribeMultiple: async () => true,
    };
    fixCoinbaseUnsubscribes(ex as unknown as ProExchange, 30);
    return { ex, client, cleaned, started };
  }

  it('runs unsubscribes one at a time; one never answered is given up, its hashes forgotten, and the next still runs', async () => {
    const { ex, client, started } = unsubscribeRig((n) => (n === 1 ? new Promise<never>(() => undefined) : Promise.resolve()));
    client.subscriptions['market_trades::ETH/USD'] = true;
    const first = ex.unSubscribe('ETH/USD');
    const second = ex.unSubscribe('BTC/USD');
    await assert.rejects(first, /did not confirm an unsubscribe within 30 ms/);
    // Started while the first was pending, the stand-in (as ccxt) would refuse it: it waited for the first to be given up.
    assert.equal(await second, true);
    assert.deepEqual(started, ['ETH/USD', 'BTC/USD']);
    assert.equal(ex.options['unSubscriptionPending'], false);
    assert.equal('unsubscribe:market_trades::ETH/USD' in client.subscriptions, false);
    assert.equal('market_trades::ETH/USD' in client.subscriptions, false, 'a later watch subscribes again');
  });

  it('a failed unsubscribe clears the pending flag that ccxt leaves set', async () => {
    const { ex } = unsubscribeRig((n) => (n === 1 ? Promise.reject(new Error('socket closed')) : Promise.resolve()));
    await assert.rejects(ex.unSubscribe('ETH/USD'), /socket closed/);
    assert.equal(await ex.unSubscribe('ETH/USD'), true);
  });

  it("finishes the pending unsubscribe on a subscriptions answer that no longer lists its products, not on one that does", () => {
    let resolveAnswer: () => void = () => undefined;
    const { ex, client, cleaned } = unsubscribeRig(() => new Promise<void>((r) => (resolveAnswer = r)));
    void ex.unSubscribe('ETH/USD');
    return Promise.resolve().then(() => {
      ex.handleSubscriptionStatus(client, { channel: 'subscriptions', events: [{ subscriptions: { market_trades: ['BTC-USD', 'ETH-USD'] } }] });
      assert.deepEqual(cleaned, []);
      ex.handleSubscriptionStatus(client, { channel: 'subscriptions', events: [{ subscriptions: { market_trades: ['BTC-USD'] } }] });
      assert.deepEqual(cleaned, ['market_trades::ETH/USD unsubscribe:market_trades::ETH/USD']);
      resolveAnswer();
    });
  });
});
