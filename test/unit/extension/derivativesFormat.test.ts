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
