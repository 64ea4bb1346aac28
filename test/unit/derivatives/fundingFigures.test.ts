import * as assert from 'node:assert/strict';
import { checkFundingRate } from '../../../src/core/derivatives/derivativesFigures';
import { EXCHANGE_CLOCK_SLACK_MS } from '../../../src/core/exchange/plausible';

const NOW = Date.UTC(2026, 11, 5, 10);
/** The exchange's clock known (its REST Date header), as it is once a derivatives poll has answered. */
const ctx = { now: NOW, latest: NOW + EXCHANGE_CLOCK_SLACK_MS };

describe('checkFundingRate', () => {
  it("takes a next funding time hours past the exchange's clock (a schedule), and still bounds it by a month", () => {
    const eightHours = NOW + 8 * 3_600_000;
    const checked = checkFundingRate({ fundingRate: 0.0001, timestamp: NOW, fundingTimestamp: eightHours }, ctx);
    assert.deepEqual(checked, { ok: true, value: { timestamp: NOW, rate: 0.0001, markPrice: undefined, nextFundingTime: eightHours } });
    const farOff = checkFundingRate({ fundingRate: 0.0001, timestamp: NOW, fundingTimestamp: NOW + 40 * 86_400_000 }, ctx);
    assert.ok(!farOff.ok && /^next funding time .* more than a day in the future$/.test(farOff.issue), JSON.stringify(farOff));
  });

  it("refuses the figure's own time past the exchange's clock", () => {
    const checked = checkFundingRate({ fundingRate: 0.0001, timestamp: NOW + 2 * 3_600_000 + EXCHANGE_CLOCK_SLACK_MS }, ctx);
    assert.ok(!checked.ok && /^funding .*ahead of the exchange's clock$/.test(checked.issue), JSON.stringify(checked));
  });
});
