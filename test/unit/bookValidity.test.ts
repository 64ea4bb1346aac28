/** ccxt's copy of a book refused update after update is dropped and taken again; a refusal now and then is only skipped. */
import * as assert from 'node:assert/strict';
import { BookValidity, INVALID_BOOKS_IN_A_ROW } from '../../src/core/exchange/bookValidity';
import { classifyError } from '../../src/core/streams/errorKind';

const bad = { ok: false as const, issue: 'order book is crossed: best bid 2 ≥ best ask 1' };
const good = { ok: true as const, value: 'book' };

describe('BookValidity', () => {
  it('skips a refused book as malformed; the third in a row drops ccxt’s copy and reconnects the stream', async () => {
    const v = new BookValidity();
    let dropped = 0;
    const drop = () => Promise.resolve(void dropped++);
    for (let i = 1; i < INVALID_BOOKS_IN_A_ROW; i++) {
      const err: unknown = await v.accept('BTC/USDT', bad, 'binance order book BTC/USDT', drop).catch((e: unknown) => e);
      assert.equal(classifyError(err), 'malformed');
    }
    assert.equal(dropped, 0);
    const err: unknown = await v.accept('BTC/USDT', bad, 'binance order book BTC/USDT', drop).catch((e: unknown) => e);
    assert.equal(dropped, 1);
    assert.equal(classifyError(err), 'network', 'reconnects');
    assert.match(String(err), /binance order book BTC\/USDT: order book is crossed: best bid 2 ≥ best ask 1, in 3 updates in a row/);
  });

  it('a valid book between refusals, another market’s refusals, or the book unwatched start the count again', async () => {
    const v = new BookValidity();
    let dropped = 0;
    const drop = () => Promise.resolve(void dropped++);
    const refuse = (symbol: string) => v.accept(symbol, bad, symbol, drop).catch(() => undefined);
    for (let round = 0; round < 3; round++) {
      await refuse('BTC/USDT');
      await refuse('BTC/USDT');
      await refuse('ETH/USDT');
      if (round === 0) assert.equal(await v.accept('BTC/USDT', good, 'BTC/USDT', drop), 'book');
      else if (round === 1) v.forget('BTC/USDT');
      else assert.equal(await v.accept('BTC/USDT', good, 'BTC/USDT', drop), 'book');
      v.forget('ETH/USDT');
    }
    assert.equal(dropped, 0);
  });
});
