import * as assert from 'node:assert/strict';
import { AggregateSeries, type LegCoverage } from '../../../src/core/aggregate/aggregateSeries';
import type { ResolvedLeg } from '../../../src/core/aggregate/legResolution';
import { SeedConfirmation } from '../../../src/core/aggregate/seedConfirmation';
import type { RequestContext } from '../../../src/core/history/historyService';
import type { MarketKey } from '../../../src/core/keys';
import type { Timeframe } from '../../../src/core/timeframes';
import type { Candle } from '../../../src/core/types';
import type { Logger } from '../../../src/core/util/log';

const T0 = Date.UTC(2026, 0, 1, 12, 0);
const M = 60_000;
const SINCE = T0 + 2 * M;
const leg = (exchange: string): ResolvedLeg => ({ exchange, symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', contract: { segment: 'spot' }, tickSize: 1, amountStep: undefined });
const candle = (time: number, volume: number): Candle => ({ time, open: 100, high: 100, low: 100, close: 100, volume });
const covered = (until: number | undefined): LegCoverage => ({ holes: [], coveredUntil: until });

/** Two legs seeded with a kline each in the bucket before the start; the requests wait for the test. */
function rig(timeoutMs = 60_000) {
  const series = new AggregateSeries('1m', ['spot', 'spot'], { kind: 'vwap' }, SINCE);
  series.seed(T0, [[{ time: T0 + M, open: 100, high: 100, low: 100, close: 100, base: 1 }], [{ time: T0 + M, open: 100, high: 100, low: 100, close: 100, base: 1 }]], true);
  const requests: Array<{ market: MarketKey; from: number; until: number; signal: AbortSignal | undefined; answer: (c: Candle[] | Error) => void }> = [];
  const warnings: string[] = [];
  const log: Logger = { debug: () => undefined, info: () => undefined, warn: (m) => void warnings.push(m), error: () => undefined };
  const abort = new AbortController();
  let confirmed = 0;
  const confirmation = new SeedConfirmation({
    name: 'agg',
    legs: [leg('binance'), leg('okx')],
    series: new Map<Timeframe, AggregateSeries>([['1m', series]]),
    since: SINCE,
    fetch: (market, _tf, from, until, ctx: RequestContext) =>
      new Promise((resolve, reject) => {
        ctx.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        requests.push({ market, from, until, signal: ctx.signal, answer: (c) => (c instanceof Error ? reject(c) : resolve(c)) });
      }),
    signal: abort.signal,
    timeoutMs,
    log,
    onConfirmed: () => void confirmed++,
  });
  return { series, confirmation, requests, warnings, abort, confirmed: () => confirmed };
}

const settled = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('SeedConfirmation: the seed’s newest klines fetched again once every leg is past the start', () => {
  it('asks once, when every leg has been seen at or past `since`, from each leg’s edge; the series takes the answers', async () => {
    const r = rig();
    r.confirmation.check([covered(SINCE + 5), covered(undefined)]);
    r.confirmation.check([covered(SINCE + 5), covered(SINCE - 1)]);
    assert.equal(r.requests.length, 0, 'leg 1 may not be past the start yet');
    r.confirmation.check([covered(SINCE + 5), covered(SINCE)]);
    r.confirmation.check([covered(SINCE + 5), covered(SINCE + 9)]);
    assert.deepEqual(r.requests.map((q) => [q.market.exchange, q.from, q.until]), [['binance', T0 + M, SINCE], ['okx', T0 + M, SINCE]]);
    r.requests[0]!.answer([candle(T0 + M, 3)]);
    r.requests[1]!.answer([candle(T0 + M, 1)]);
    await settled();
    assert.equal(r.confirmed(), 1);
    assert.deepEqual(r.series.bars().map((b) => [b.volume, b.partial]), [[4, undefined]]);
    assert.equal(r.series.seedEdge(0), undefined);
  });

  it('a leg’s failed request leaves its bars partial and is named; dispose aborts the requests and nothing follows', async () => {
    const r = rig();
    r.confirmation.check([covered(SINCE), covered(SINCE)]);
    r.requests[0]!.answer(new Error('HTTP 503'));
    r.requests[1]!.answer([candle(T0 + M, 1)]);
    await settled();
    assert.match(r.warnings.join('\n'), /^aggregate agg: binance BTC\/USDT 1m bars before 2026-01-01T12:02:00\.000Z could not be loaded again \(HTTP 503\); they stay partial$/);
    assert.deepEqual(r.series.bars().map((b) => b.partial), [true]);

    const d = rig();
    d.confirmation.check([covered(SINCE), covered(SINCE)]);
    d.abort.abort();
    await settled();
    assert.deepEqual(d.requests.map((q) => q.signal?.aborted), [true, true], 'the requests are aborted');
    assert.deepEqual([d.confirmed(), d.warnings, d.series.seedEdge(0)], [0, [], T0 + M], 'nothing taken or said after dispose');
  });

  it('requests that outlast the time limit are aborted: the bars stay partial', async () => {
    const r = rig(1);
    r.confirmation.check([covered(SINCE), covered(SINCE)]);
    await Promise.all(r.requests.map((q) => new Promise((resolve) => (q.signal?.aborted ? resolve(undefined) : q.signal?.addEventListener('abort', resolve, { once: true })))));
    await settled();
    assert.equal(r.confirmed(), 1);
    assert.deepEqual(r.series.bars().map((b) => b.partial), [true]);
    assert.equal(r.warnings.length, 2);
  });
});
