import * as assert from 'node:assert/strict';
import { formatDerivativesDetail, formatTicker } from '../../../src/extension/markets/tickerFormat';
import type { Ticker } from '../../../src/core/types';

describe("Markets tree: a perpetual's ticker row", () => {
  const perp: Ticker = { timestamp: 0, last: 60_000, bid: undefined, ask: undefined, change24hPercent: 1.5, derivatives: { markPrice: 60_010.5, indexPrice: 60_005, fundingRate: 0.0001, nextFundingTime: Date.UTC(2024, 0, 1, 16), openInterest: 12_345.678 } };

  it('shows mark price and funding beside last and change; a spot row is unchanged', () => {
    assert.equal(formatTicker(perp), '60,000.00  +1.50% · mark 60,010.50 · funding 0.0100%');
    assert.equal(formatTicker({ ...perp, derivatives: undefined }), '60,000.00  +1.50%');
  });

  it('tooltip: mark vs last, the next funding time and open interest', () => {
    assert.equal(formatDerivativesDetail(perp), 'mark 60,010.50 (index 60,005.00) vs last 60,000.00\nfunding 0.0100% next at 16:00 UTC\nopen interest 12,345.678');
    assert.equal(formatDerivativesDetail({ ...perp, derivatives: undefined }), '');
  });
});

describe("Markets tree: a row's price at its market's tick decimals", () => {
  const at = (last: number, derivatives?: Ticker['derivatives']): Ticker => ({ timestamp: 0, last, bid: undefined, ask: undefined, change24hPercent: -0.25, ...(derivatives ? { derivatives } : {}) });

  it('with the tick size known, every price reads to its decimals (as the chart and the DOM read it), more only where a price has more', () => {
    assert.equal(formatTicker(at(1.23456), 0.00001), '1.23456  -0.25%', 'the size rule alone cut it to 1.2346');
    assert.equal(formatTicker(at(60_000), 0.01), '60,000.00  -0.25%');
    assert.equal(formatTicker(at(60_000), 0.5), '60,000.0  -0.25%', 'a tick of 0.5: one decimal, as its chart reads');
    assert.equal(formatTicker(at(0.00001234), 1e-8), '0.00001234  -0.25%');
    assert.equal(formatTicker(at(3.1, { markPrice: 3.1005, indexPrice: undefined, fundingRate: undefined, nextFundingTime: undefined, openInterest: undefined }), 0.001), '3.100  -0.25% · mark 3.1005');
    assert.equal(formatDerivativesDetail(at(3.1, { markPrice: 3.1, indexPrice: 3.10046, fundingRate: undefined, nextFundingTime: undefined, openInterest: undefined }), 0.001), 'mark 3.100 (index 3.1005) vs last 3.100');
  });

  it('without a usable tick size, by the price’s size as before', () => {
    for (const tick of [undefined, 0, -1, Number.NaN]) assert.equal(formatTicker(at(1.23456), tick), '1.2346  -0.25%', String(tick));
  });
});
