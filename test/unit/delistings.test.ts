/** Delistings: which failures and silences make a market's listing doubtful, and what a market found gone does to its calls and watches. */
import * as assert from 'node:assert/strict';
import { Delistings } from '../../src/core/exchange/delistings';
import { NoLongerListedError } from '../../src/core/errors';

class BadSymbol extends Error {
  override name = 'BadSymbol';
}

/** A check of the listing the test answers: `answer` resolves it with the symbols no longer listed. */
function checks(tooRecent = false) {
  const asked: string[][] = [];
  let answer: ((symbols: readonly string[]) => void) | undefined;
  let wasAsked: () => void = () => undefined;
  const whenAsked = new Promise<void>((resolve) => (wasAsked = resolve));
  const unlisted = (symbols: readonly string[]) => {
    asked.push([...symbols]);
    wasAsked();
    if (tooRecent) return undefined;
    return new Promise<readonly string[]>((resolve) => (answer = resolve));
  };
  return { asked, whenAsked, unlisted, answer: (symbols: readonly string[]) => answer?.(symbols) };
}

const never = <T>() => new Promise<T>(() => undefined);

describe('Delistings: markets cached as listed that the exchange no longer knows', () => {
  it('a BadSymbol has the listing checked; found gone, the call fails with NoLongerListedError, and so do waiting watches and later calls', async () => {
    const c = checks();
    const d = new Delistings({ exchange: 'binance', unlisted: c.unlisted });
    const waiting = d.watch('trades GONE/USDT', 'GONE/USDT', false, never);
    const failed = d.failed('GONE/USDT', new BadSymbol('binance {"code":-1121,"msg":"Invalid symbol."}'));
    const second = d.failed('GONE/USDT', new BadSymbol('again'));
    assert.deepEqual(c.asked, [['GONE/USDT']], 'one check for both');
    c.answer(['GONE/USDT']);
    const err = await failed;
    assert.ok(err instanceof NoLongerListedError);
    assert.equal(err.message, 'binance no longer trades GONE/USDT: the markets downloaded again do not list it as trading (delisted or halted since they were last loaded), so no data comes for it while it does not trade.');
    assert.equal(await second, err);
    await assert.rejects(waiting, (e) => e === err);
    assert.throws(() => d.assertListed('GONE/USDT'), (e) => e === err);
    assert.throws(() => d.watch('ticker GONE/USDT', 'GONE/USDT', true, never), (e) => e === err, 'a new watch fails at once');
    d.assertListed('BTC/USDT');
  });

  it('a BadSymbol on a market the check still finds listed, or with markets too recent to doubt, stays the exchange\'s own error; other errors are not doubted', async () => {
    const c = checks();
    const d = new Delistings({ exchange: 'binance', unlisted: c.unlisted });
    const original = new BadSymbol('Invalid symbol.');
    const failed = d.failed('ETH/USDT', original);
    c.answer([]);
    assert.equal(await failed, original);
    d.assertListed('ETH/USDT');
    const network = new Error('ECONNRESET');
    assert.equal(await d.failed('ETH/USDT', network), network);
    assert.equal(c.asked.length, 1, 'no check for a network error');
    const recent = new Delistings({ exchange: 'binance', unlisted: checks(true).unlisted });
    assert.equal(await recent.failed('GONE/USDT', original), original);
  });

  it('a watch that fails with BadSymbol (ccxt\'s REST snapshot inside watchOrderBook) fails with NoLongerListedError once the check confirms it', async () => {
    const c = checks();
    const d = new Delistings({ exchange: 'binance', unlisted: c.unlisted });
    const watch = d.watch('orderbook GONE/USDT', 'GONE/USDT', true, () => Promise.reject(new BadSymbol('Invalid symbol.')));
    await new Promise((r) => setImmediate(r));
    c.answer(['GONE/USDT']);
    await assert.rejects(watch, NoLongerListedError);
  });

  it('a ticker or book stream silent since it started has the listing checked after the silent limit; a trade stream never (a quiet market is silent)', async () => {
    const c = checks();
    const d = new Delistings({ exchange: 'binance', unlisted: c.unlisted, silentMs: 20 });
    let answerTrades: ((v: string) => void) | undefined;
    const trades = d.watch('trades ETH/USDT', 'ETH/USDT', false, () => new Promise<string>((r) => (answerTrades = r)));
    let answerTicker: ((v: string) => void) | undefined;
    const ticker = d.watch('ticker ETH/USDT', 'ETH/USDT', true, () => new Promise<string>((r) => (answerTicker = r)));
    await c.whenAsked; // the silent limit's timer
    assert.deepEqual(c.asked, [['ETH/USDT']]);
    c.answer([]);
    // Still listed: the watches go on and answer when the exchange does.
    answerTicker?.('t1');
    answerTrades?.('x1');
    assert.equal(await ticker, 't1');
    assert.equal(await trades, 'x1');
    // Answered once: the next watch is ccxt's own promise, no timer, no check.
    const direct = Promise.resolve('t2');
    assert.equal(d.watch('ticker ETH/USDT', 'ETH/USDT', true, () => direct), direct);
    d.stopped('ticker ETH/USDT');
    assert.notEqual(d.watch('ticker ETH/USDT', 'ETH/USDT', true, () => direct), direct, 'after a stop, the first answer is awaited again');
  });

  it('a first answer with only old trades (Coinbase answers a subscribe with its last trades) is given once the listing is checked; gone, the watch fails', async () => {
    const old = (v: string) => v.startsWith('old');
    const c = checks();
    const d = new Delistings({ exchange: 'coinbase', unlisted: c.unlisted });
    const halted = d.watch('trades HALT/USD', 'HALT/USD', false, () => Promise.resolve('old trades'), (v) => !old(v));
    await c.whenAsked;
    assert.deepEqual(c.asked, [['HALT/USD']]);
    c.answer(['HALT/USD']);
    await assert.rejects(halted, NoLongerListedError);

    const c2 = checks();
    const d2 = new Delistings({ exchange: 'coinbase', unlisted: c2.unlisted });
    let given = false;
    const listed = d2.watch('trades BTC/USD', 'BTC/USD', false, () => Promise.resolve('old trades'), (v) => !old(v));
    void listed.then(() => (given = true));
    await c2.whenAsked;
    await Promise.resolve();
    assert.equal(given, false, 'not given while the listing is checked');
    c2.answer([]);
    assert.equal(await listed, 'old trades');
    // A first answer with a recent trade asks nothing; one answered, the next goes straight to the call.
    const c3 = checks();
    const d3 = new Delistings({ exchange: 'coinbase', unlisted: c3.unlisted });
    assert.equal(await d3.watch('trades ETH/USD', 'ETH/USD', false, () => Promise.resolve('new trade'), (v) => !old(v)), 'new trade');
    assert.equal(await d3.watch('trades ETH/USD', 'ETH/USD', false, () => Promise.resolve('old again'), (v) => !old(v)), 'old again');
    assert.deepEqual(c3.asked, []);
  });

  it('stillListed: the markets in use answer when too recent to doubt; else downloaded again, and a market found not trading is gone', async () => {
    const recent = new Delistings({ exchange: 'binance', unlisted: () => undefined });
    assert.equal(await recent.stillListed('BTC/USDT'), true);
    const c = checks();
    const d = new Delistings({ exchange: 'binance', unlisted: c.unlisted });
    const waiting = d.watch('trades GONE/USDT', 'GONE/USDT', false, never);
    const listed = d.stillListed('GONE/USDT');
    c.answer(['GONE/USDT']);
    assert.equal(await listed, false);
    await assert.rejects(waiting, NoLongerListedError);
    assert.throws(() => d.assertListed('GONE/USDT'), NoLongerListedError);
  });

  it('markets downloaded again (a background refresh) end the watches still waiting on markets they no longer list as trading', async () => {
    const d = new Delistings({ exchange: 'bybit', unlisted: () => undefined });
    const gone = d.watch('ticker GONE/USDT:USDT', 'GONE/USDT:USDT', true, never);
    let answer: ((v: number) => void) | undefined;
    const kept = d.watch('ticker BTC/USDT:USDT', 'BTC/USDT:USDT', true, () => new Promise<number>((r) => (answer = r)));
    d.marketsDownloaded((symbol) => symbol !== 'GONE/USDT:USDT');
    await assert.rejects(gone, /bybit no longer trades GONE\/USDT:USDT/);
    answer?.(1);
    assert.equal(await kept, 1);
  });

  it('markets downloaded again: a stream that has answered is gone too (its next start fails), and a market trading again is no longer gone', async () => {
    const d = new Delistings({ exchange: 'binance', unlisted: () => undefined });
    assert.equal(await d.watch('ticker SOL/USDT', 'SOL/USDT', false, () => Promise.resolve('first')), 'first');
    assert.equal(await d.watch('ticker SOL/USDT', 'SOL/USDT', false, () => Promise.resolve('second')), 'second', 'answered: straight to the call');
    d.marketsDownloaded((symbol) => symbol !== 'SOL/USDT');
    assert.throws(() => d.assertListed('SOL/USDT'), NoLongerListedError);
    d.stopped('ticker SOL/USDT');
    await assert.rejects(async () => d.watch('ticker SOL/USDT', 'SOL/USDT', false, () => Promise.resolve('third')), NoLongerListedError);
    d.marketsDownloaded(() => true);
    d.assertListed('SOL/USDT');
    assert.equal(await d.watch('ticker SOL/USDT', 'SOL/USDT', false, () => Promise.resolve('again')), 'again');
  });
});
