/** The protocol's descriptors: the chart's partial flag, the request/response pair, and each message declared once. */
import * as assert from 'node:assert/strict';
import { candleWire, derivativesWire, isContract } from '../../../src/extension/panels/chartMessages';
import { ChartLoadOlderBars, MAX_LEG_REASON_CHARS, parseHostMessage, parseWebviewMessage } from '../../../src/shared/protocol';
import { aggregateLegs } from '../../../src/extension/panels/legShares';
import type { LegBookStatus } from '../../../src/core/aggregate/legBookStates';
import { MAX_LEGS } from '../../../src/shared/util/maxLegs';

describe('shared/protocol', () => {
  it('carries the partial flag of a candle from the engine to the chart, only when set', () => {
    const bar = { time: 60_000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 };
    assert.deepEqual(candleWire(bar), [60_000, 1, 2, 0.5, 1.5, 3]);
    assert.deepEqual(candleWire({ ...bar, partial: true }), [60_000, 1, 2, 0.5, 1.5, 3, true]);
    assert.deepEqual(candleWire({ ...bar, partial: true, partialSince: 90_000 }), [60_000, 1, 2, 0.5, 1.5, 3, true, 90_000]);
    assert.deepEqual(candleWire({ ...bar, partialSince: 90_000 }), [60_000, 1, 2, 0.5, 1.5, 3], 'since when only with partial');
    assert.ok(parseHostMessage({ method: 'chart/candles', params: { candles: [candleWire({ ...bar, partial: true, partialSince: 90_000 })] } }).ok);
    assert.equal(parseHostMessage({ method: 'chart/candles', params: { candles: [[60_000, 1, 2, 0.5, 1.5, 3, true, 'soon']] } }).ok, false, 'a partialSince that is not a time is refused');
    assert.ok(parseHostMessage({ method: 'chart/candles', params: { candles: [candleWire({ ...bar, partial: true })] } }).ok);
    const bad = (candle: unknown[]) => {
      const r = parseHostMessage({ method: 'chart/candles', params: { candles: [candle] } });
      return r.ok ? 'accepted' : r.error;
    };
    assert.match(bad([60_000, 1, 2, 0.5, 1.5, 3, 'yes']), /params\.candles\[0\]\[6\]: expected true or false/);
    assert.match(bad([60_000, 1, 2, 0.5, 1.5, 3, true, 1, 2]), /expected a list of 6 to 8/);
    assert.match(bad([60_000, 1, 2, 0.5, 1.5]), /expected a list of 6 to 8/);
  });

  it('a kept page is told it is hidden (with how long it keeps its pixels), and shown again; anything else is refused', () => {
    assert.ok(parseHostMessage({ method: 'panel/hidden', params: { freeCanvasesAfterMs: 60_000 } }).ok);
    assert.ok(parseHostMessage({ method: 'panel/shown', params: {} }).ok);
    for (const params of [{}, { freeCanvasesAfterMs: -1 }, { freeCanvasesAfterMs: Number.NaN }, { freeCanvasesAfterMs: 1e12 }, 'now']) {
      const parsed = parseHostMessage({ method: 'panel/hidden', params });
      assert.equal(parsed.ok, false, JSON.stringify(params));
    }
    assert.equal(parseHostMessage({ method: 'panel/shown', params: 'now' }).ok, false);
  });

  it('declares "load older bars" as a request whose response carries the same id', () => {
    assert.equal(ChartLoadOlderBars.response.method, 'chart/olderBars');
    const asked = parseWebviewMessage({ method: 'chart/loadOlderBars', params: { requestId: 7, before: 120_000, count: 500, extra: 'dropped' } });
    assert.deepEqual(asked, { ok: true, message: { method: 'chart/loadOlderBars', params: { requestId: 7, before: 120_000, count: 500 } } });
    const noId = parseWebviewMessage({ method: 'chart/loadOlderBars', params: { before: 120_000, count: 500 } });
    assert.ok(!noId.ok && /chart\/loadOlderBars: .*params\.requestId/.test(noId.error), JSON.stringify(noId));
    assert.ok(parseHostMessage({ method: 'chart/olderBars', params: { requestId: 7, candles: [[0, 1, 1, 1, 1, 0]], exhausted: true } }).ok);
    const unsorted = parseHostMessage({ method: 'chart/olderBars', params: { requestId: 7, candles: [[60_000, 1, 1, 1, 1, 0], [0, 1, 1, 1, 1, 0]], exhausted: false } });
    assert.ok(!unsorted.ok && /strictly ascending/.test(unsorted.error));
    assert.ok(parseHostMessage({ method: 'chart/olderBars', params: { requestId: 7, candles: [], exhausted: false, error: 'history unavailable (HTTP 503)' } }).ok, 'a named failure');
    const notText = parseHostMessage({ method: 'chart/olderBars', params: { requestId: 7, candles: [], exhausted: false, error: 503 } });
    assert.ok(!notText.ok && /params\.error/.test(notText.error), JSON.stringify(notText));
  });

  it("carries a perpetual's mark, funding and open interest to the chart's legend, checked at the boundary", () => {
    assert.ok(isContract('BTC/USDT:USDT') && !isContract('BTC/USDT'), 'a perpetual is named BASE/QUOTE:SETTLE');
    const ticker = { timestamp: 0, last: 60_000, bid: 59_999, ask: 60_001, change24hPercent: undefined };
    assert.equal(derivativesWire(ticker), undefined, 'a spot ticker carries none');
    const wire = derivativesWire({ ...ticker, derivatives: { markPrice: 60_010.5, indexPrice: undefined, fundingRate: -0.0001, nextFundingTime: 3_600_000, openInterest: 12_345 } });
    assert.deepEqual(wire, { last: 60_000, markPrice: 60_010.5, fundingRate: -0.0001, nextFundingTime: 3_600_000, openInterest: 12_345 });
    assert.ok(parseHostMessage({ method: 'chart/derivatives', params: wire }).ok);
    const bad = (params: unknown) => {
      const r = parseHostMessage({ method: 'chart/derivatives', params });
      return r.ok ? 'accepted' : r.error;
    };
    assert.match(bad({ ...wire, fundingRate: 3 }), /params\.fundingRate/);
    assert.match(bad({ ...wire, openInterest: -1 }), /params\.openInterest/);
    assert.match(bad({ markPrice: 1 }), /params\.last/);
  });

  it("an aggregate DOM's leg carries its stream's reason however long the exchange's error was: shortened to the page's limit with an ellipsis, never dropped with the whole update", () => {
    const html = `<html>${'x'.repeat(4_000)}</html>`;
    const statuses: LegBookStatus[] = [
      { market: { exchange: 'binance', symbol: 'BTC/USDT' }, state: { status: 'live', since: 0 }, current: true, shown: true },
      { market: { exchange: 'coinbase', symbol: 'BTC/USD' }, state: { status: 'reconnecting', attempt: 7, reason: `HTTP 502 ${html}`, retryInMs: 100 }, current: false, shown: false, staleSince: 1_000 },
      { market: { exchange: 'bybit', symbol: 'BTC/USDT:USDT' }, state: { status: 'failed', reason: `bad symbol ${html}` }, current: false, shown: false },
    ];
    const { legs } = aggregateLegs(statuses, undefined);
    for (const leg of legs.slice(1)) {
      assert.equal(leg.reason?.length, MAX_LEG_REASON_CHARS, leg.label);
      assert.ok(leg.reason?.endsWith('…'), leg.label);
    }
    assert.ok(legs[1]?.reason?.startsWith('reconnecting (7): HTTP 502 <html>'), 'its start is kept: the attempt and the error');
    const params = { market: { exchange: 'aggregate', symbol: 'BTC-USD (agg)' }, rows: [], lastPrice: null, tickSize: 0.01, multiple: 1, multiples: [1], legs };
    const parsed = parseHostMessage({ method: 'dom/update', params });
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    const short = aggregateLegs([{ ...statuses[1]!, state: { status: 'reconnecting', attempt: 7, reason: 'x'.repeat(MAX_LEG_REASON_CHARS - 'reconnecting (7): '.length), retryInMs: 100 } }], undefined).legs[0];
    assert.equal(short?.reason, `reconnecting (7): ${'x'.repeat(MAX_LEG_REASON_CHARS - 'reconnecting (7): '.length)}`, 'a reason at the limit is whole');
  });

  it('keeps only the declared fields of what a webview sends', () => {
    assert.deepEqual(parseWebviewMessage({ method: 'book/setLevels', params: { levels: 20, __proto__: { evil: 1 }, other: 2 } }), { ok: true, message: { method: 'book/setLevels', params: { levels: 20 } } });
  });

  it("an order book panel may ask for at most the engine's book depth (100 levels a side)", () => {
    assert.equal(parseWebviewMessage({ method: 'book/setLevels', params: { levels: 100 } }).ok, true);
    const deeper = parseWebviewMessage({ method: 'book/setLevels', params: { levels: 101 } });
    assert.equal(deeper.ok, false);
    if (!deeper.ok) assert.match(deeper.error, /from 5 to 100/);
  });

  it("holds an aggregate's legs to MAX_LEGS in each panel's messages alike: the chart's, the DOM's and the tape's", () => {
    const aggregate = { exchange: 'aggregate', symbol: 'BTC-USD (agg)' };
    const labels = (n: number) => Array.from({ length: n }, (_, i) => `leg ${i}`);
    const messages = {
      'chart/snapshot': (n: number) => ({ market: aggregate, timeframe: '1m', timeframes: ['1m'], candles: [], options: { emaPeriods: [], showVolume: true }, markers: [], legs: labels(n) }),
      'dom/update': (n: number) => ({ market: aggregate, rows: [], lastPrice: null, tickSize: 0.01, multiple: 1, multiples: [1], legAmountSteps: Array.from({ length: n }, () => 0.001), legs: labels(n).map((label) => ({ label, status: 'live' })) }),
      'tape/snapshot': (n: number) => ({ market: aggregate, rows: [], stats: { tradesPerMinute: 0, volumePerMinute: 0 }, filter: { minSize: 0, highlightSize: 0 }, maxRows: 10, legs: labels(n) }),
    };
    for (const [method, params] of Object.entries(messages)) {
      const atMost = parseHostMessage({ method, params: params(MAX_LEGS) });
      assert.ok(atMost.ok, `${method}: ${atMost.ok ? '' : atMost.error}`);
      const over = parseHostMessage({ method, params: params(MAX_LEGS + 1) });
      assert.match(over.ok ? 'accepted' : over.error, new RegExp(`params\\.(legs|legAmountSteps): at most ${MAX_LEGS} legs`), method);
    }
  });

  it("carries an aggregate DOM's legs' lot steps, one per leg, and the legs that traded in a row, checked at the boundary", () => {
    const statuses: LegBookStatus[] = [
      { market: { exchange: 'binance', symbol: 'BTC/USDT' }, state: { status: 'live', since: 0 }, current: true, shown: true },
      { market: { exchange: 'coinbase', symbol: 'BTC/USD' }, state: { status: 'reconnecting', attempt: 2, reason: 'connection refused', retryInMs: 100 }, current: false, shown: false, staleSince: 1_000 },
      { market: { exchange: 'bybit', symbol: 'BTC/USDT:USDT' }, state: { status: 'connecting' }, current: false, shown: false },
    ];
    const legs = aggregateLegs(statuses, [0.00001, 0.00000001, null]);
    assert.deepEqual(legs.legs[1], { label: 'coinbase BTC/USD', status: 'stale', staleSince: 1_000, reason: 'reconnecting (2): connection refused' }, 'a stale leg says since when');
    assert.deepEqual(legs.legAmountSteps, [0.00001, 0.00000001, null]);
    assert.equal(aggregateLegs(statuses, undefined).legAmountSteps, undefined, 'not resolved yet: no steps');
    assert.equal(aggregateLegs(statuses.slice(0, 2), [0.00001, 0.00000001, 0.001]).legAmountSteps, undefined, 'steps of other legs (edited meanwhile) are not sent');
    const params = { market: { exchange: 'aggregate', symbol: 'BTC-USD (agg)' }, rows: [{ price: 60_000, bid: 0.305, ask: 0, traded: 0.04, shares: [0.9, 0, 0.1], tradedLegs: 0b101 }], lastPrice: 60_000, tickSize: 0.01, multiple: 250, multiples: [1, 250], ...legs };
    assert.ok(parseHostMessage({ method: 'dom/update', params }).ok);
    const bad = (p: object) => {
      const r = parseHostMessage({ method: 'dom/update', params: { ...params, ...p } });
      return r.ok ? 'accepted' : r.error;
    };
    assert.match(bad({ legAmountSteps: [0.00001, 0.00000001] }), /params\.legAmountSteps: 2 steps for 3 legs/);
    assert.match(bad({ legs: undefined }), /params\.legAmountSteps: sent without legs/);
    assert.match(bad({ legs: [legs.legs[0], { ...legs.legs[1], staleSince: 'yesterday' }, legs.legs[2]] }), /params\.legs\[1\]\.staleSince/);
    assert.match(bad({ legAmountSteps: [0.00001, 0, null] }), /params\.legAmountSteps\[1\]: expected a number > 0/);
    assert.match(bad({ legAmountSteps: [0.00001, '0.001', null] }), /params\.legAmountSteps\[1\]/);
    assert.match(bad({ rows: [{ ...params.rows[0], tradedLegs: 2 ** 16 }] }), /params\.rows\[0\]\.tradedLegs/);
    assert.match(bad({ rows: [{ ...params.rows[0], tradedLegs: 1.5 }] }), /params\.rows\[0\]\.tradedLegs/);
    assert.match(bad({ rows: [{ ...params.rows[0], tradedLegs: 0 }] }), /params\.rows\[0\]\.tradedLegs/, 'sent only when some leg traded');
  });
});

