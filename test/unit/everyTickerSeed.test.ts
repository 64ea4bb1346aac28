// The REST snapshot that completes a stream of every market's tickers (Binance's arrays carry only those that changed).
import * as assert from 'node:assert/strict';
import { EveryTickerSeed, type RawTickers } from '../../src/core/exchange/everyTickerSnapshot';

function deferred<T>() {
  let resolve: (v: T) => void = () => undefined;
  let reject: (e: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const t = (symbol: string, last: number): readonly [string, unknown] => [symbol, { last }];

describe('every-ticker seed', () => {
  it('a snapshot that comes first answers the read; the stream answers the next; no second snapshot', async () => {
    let asked = 0;
    const snapshot = deferred<RawTickers>();
    const seed = new EveryTickerSeed(() => (asked++, snapshot.promise));
    const stream = deferred<RawTickers>();
    const first = seed.read(stream.promise);
    snapshot.resolve([t('BTC/USDT', 1), t('DOGE/USDT', 2)]);
    assert.deepEqual(await first, [t('BTC/USDT', 1), t('DOGE/USDT', 2)]);
    stream.resolve([t('BTC/USDT', 3)]);
    assert.deepEqual(await seed.read(stream.promise), [t('BTC/USDT', 3)]);
    assert.equal(asked, 1);
  });

  it('batches before the snapshot pass through, and the snapshot then brings only the markets they did not carry (theirs are newer)', async () => {
    const snapshot = deferred<RawTickers>();
    const seed = new EveryTickerSeed(() => snapshot.promise);
    assert.deepEqual(await seed.read(Promise.resolve([t('BTC/USDT', 10)])), [t('BTC/USDT', 10)]);
    assert.deepEqual(await seed.read(Promise.resolve([t('ETH/USDT', 20)])), [t('ETH/USDT', 20)]);
    snapshot.resolve([t('BTC/USDT', 1), t('ETH/USDT', 2), t('DOGE/USDT', 3)]);
    const pending = deferred<RawTickers>();
    assert.deepEqual(await seed.read(pending.promise), [t('DOGE/USDT', 3)], 'delivered at once, not after the stream');
    pending.resolve([t('ETH/USDT', 21)]);
    assert.deepEqual(await seed.read(pending.promise), [t('ETH/USDT', 21)]);
  });

  it('a read whose stream fails rejects (the stream retries) and keeps the snapshot for the next; a stream lost to the snapshot that fails later leaves nothing unhandled', async () => {
    const snapshot = deferred<RawTickers>();
    let asked = 0;
    const seed = new EveryTickerSeed(() => (asked++, snapshot.promise));
    await assert.rejects(seed.read(Promise.reject(new Error('socket closed'))), /socket closed/);
    const lost = deferred<RawTickers>();
    const read = seed.read(lost.promise);
    snapshot.resolve([t('BTC/USDT', 1)]);
    assert.deepEqual(await read, [t('BTC/USDT', 1)]);
    lost.reject(new Error('closed by user'));
    await new Promise((r) => setImmediate(r));
    assert.equal(asked, 1);
  });

  it('reset (the stream stopped): the next start asks again; an answer for the old start is not delivered as the new one', async () => {
    const answers = [deferred<RawTickers>(), deferred<RawTickers>()];
    let asked = 0;
    const seed = new EveryTickerSeed(() => answers[asked++]!.promise);
    const stream = deferred<RawTickers>();
    const old = seed.read(stream.promise);
    seed.reset();
    answers[0]!.resolve([t('BTC/USDT', 1)]);
    assert.deepEqual(await old, [], 'the old start gets nothing of it');
    const next = seed.read(deferred<RawTickers>().promise);
    answers[1]!.resolve([t('BTC/USDT', 2)]);
    assert.deepEqual(await next, [t('BTC/USDT', 2)]);
    assert.equal(asked, 2);
  });
});
