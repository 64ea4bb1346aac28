// The REST snapshot that completes a stream of every market's tickers (Binance's arrays carry only those that changed).
import * as assert from 'node:assert/strict';
import { EveryTickerSeed, everyTickerSnapshot, PARSE_CHUNK, type RawTickers, type SnapshotExchange } from '../../src/core/exchange/everyTickerSnapshot';

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
    const seed = new EveryTickerSeed(() => (asked++, snapshot.promise), () => true);
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
    const seed = new EveryTickerSeed(() => snapshot.promise, () => true);
    assert.deepEqual(await seed.read(Promise.resolve([t('BTC/USDT', 10)])), [t('BTC/USDT', 10)]);
    assert.deepEqual(await seed.read(Promise.resolve([t('ETH/USDT', 20)])), [t('ETH/USDT', 20)]);
    snapshot.resolve([t('BTC/USDT', 1), t('ETH/USDT', 2), t('DOGE/USDT', 3)]);
    const pending = deferred<RawTickers>();
    assert.deepEqual(await seed.read(pending.promise), [t('DOGE/USDT', 3)], 'delivered at once, not after the stream');
    pending.resolve([t('ETH/USDT', 21)]);
    assert.deepEqual(await seed.read(pending.promise), [t('ETH/USDT', 21)]);
  });

  it('a read that fails on a malformed message keeps the snapshot; one whose socket went asks again, before the snapshot came or after (what changed meanwhile is not sent again)', async () => {
    const answers = [deferred<RawTickers>(), deferred<RawTickers>(), deferred<RawTickers>()];
    let asked = 0;
    const seed = new EveryTickerSeed(() => answers[asked++]!.promise, (err) => !(err instanceof TypeError));
    await assert.rejects(seed.read(Promise.reject(new TypeError('malformed frame'))), /malformed/);
    assert.equal(asked, 1);
    await assert.rejects(seed.read(Promise.reject(new Error('socket closed'))), /socket closed/);
    answers[0]!.resolve([t('BTC/USDT', 1)]);
    const lost = deferred<RawTickers>();
    const read = seed.read(lost.promise);
    assert.equal(asked, 2, 'asked again after the socket went');
    answers[1]!.resolve([t('BTC/USDT', 2)]);
    assert.deepEqual(await read, [t('BTC/USDT', 2)], 'the new answer, not the one asked for before');
    lost.reject(new Error('closed by user')); // lost to the snapshot: nothing unhandled
    await assert.rejects(seed.read(Promise.reject(new Error('socket closed'))), /socket closed/);
    const next = seed.read(deferred<RawTickers>().promise);
    assert.equal(asked, 3, 'delivered, then the socket went: asked again');
    answers[2]!.resolve([t('ETH/USDT', 3)]);
    assert.deepEqual(await next, [t('ETH/USDT', 3)]);
  });

  it('reset (the stream stopped): the next start asks again; an answer for the old start is not delivered as the new one', async () => {
    const answers = [deferred<RawTickers>(), deferred<RawTickers>()];
    let asked = 0;
    const seed = new EveryTickerSeed(() => answers[asked++]!.promise, () => true);
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

describe('every-ticker snapshot', () => {
  const markets = (n: number, inactive: ReadonlySet<number> = new Set()) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`M${i}/USDT`, { active: !inactive.has(i) }]));
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ symbol: `M${i}USDT`, lastPrice: String(i) }));

  it("Binance's raw endpoint: parsed a chunk at a time with a turn of the event loop between, without the markets listed as not trading", async () => {
    const chunks: number[] = [];
    let turns = 0;
    let parsing = false;
    const ex: SnapshotExchange = {
      has: { fetchTickers: true },
      markets: markets(600, new Set([7])),
      fetchTickers: () => Promise.reject(new Error('not used')),
      publicGetTicker24hr: () => Promise.resolve(rows(600)),
      parseTickers: ((list: Array<{ symbol: string; lastPrice: string }>) => {
        chunks.push(list.length);
        parsing = true;
        setImmediate(() => {
          if (!parsing) return;
          turns++;
          parsing = false;
        });
        return Object.fromEntries(list.map((r) => [r.symbol.replace('USDT', '/USDT'), { last: Number(r.lastPrice) }]));
      }) as unknown as SnapshotExchange['parseTickers'],
    } as SnapshotExchange;
    const warned: string[] = [];
    const out = await everyTickerSnapshot(() => Promise.resolve(ex), (m) => warned.push(m));
    assert.deepEqual(chunks, [PARSE_CHUNK, PARSE_CHUNK, 600 - 2 * PARSE_CHUNK]);
    assert.equal(turns, 2, 'the event loop turned between chunks');
    assert.equal(out.length, 599);
    assert.ok(!out.some(([symbol]) => symbol === 'M7/USDT'), 'not trading: left out');
    assert.deepEqual(out[0], ['M0/USDT', { last: 0 }]);
    assert.deepEqual(warned, []);
  });

  it("another exchange: ccxt's fetchTickers; a failure is one warning naming why, and no tickers", async () => {
    const ex = { has: { fetchTickers: true }, markets: markets(2), fetchTickers: () => Promise.resolve({ 'M0/USDT': { last: 1 }, 'M1/USDT': { last: 2 } }) } as unknown as SnapshotExchange;
    assert.deepEqual(await everyTickerSnapshot(() => Promise.resolve(ex), () => undefined), [['M0/USDT', { last: 1 }], ['M1/USDT', { last: 2 }]]);
    const warned: string[] = [];
    const failing = { ...ex, fetchTickers: () => Promise.reject(new Error('503 Service unavailable')) } as unknown as SnapshotExchange;
    assert.deepEqual(await everyTickerSnapshot(() => Promise.resolve(failing), (m) => warned.push(m)), []);
    assert.deepEqual(warned, ['markets that have not traded since the stream started show no price until they trade (the REST snapshot failed: Error: 503 Service unavailable)']);
    const odd = { ...ex, publicGetTicker24hr: () => Promise.resolve({ code: -1 }) } as unknown as SnapshotExchange;
    assert.deepEqual(await everyTickerSnapshot(() => Promise.resolve(odd), (m) => warned.push(m)), []);
    assert.match(warned.at(-1) ?? '', /the 24 h tickers are not a list \(object\)/);
  });
});
