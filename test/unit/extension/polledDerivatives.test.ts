/** A perpetual chart's legend row from its ticker and its polled open interest and funding: the ticker's own figures win, the polls fill the rest, and their trouble is a note until they recover. */
import * as assert from 'node:assert/strict';
import { applyPolled, derivativesWithPolls, type PolledDerivatives } from '../../../src/extension/panels/polledDerivatives';

describe('polled derivatives in the legend', () => {
  it('fills what the ticker lacks, keeps what it has, and names failing polls until they are live again', () => {
    let polled: PolledDerivatives = {};
    assert.equal(derivativesWithPolls(100, undefined, polled), undefined, 'nothing to show yet');
    polled = applyPolled(polled, { type: 'funding', figure: { timestamp: 1, rate: 0.0002, markPrice: 101, nextFundingTime: 28_800_000 } });
    polled = applyPolled(polled, { type: 'openInterest', figure: { timestamp: 1, contracts: 5000 } });
    assert.equal(derivativesWithPolls(undefined, undefined, polled), undefined, 'no last price yet');
    assert.deepEqual(derivativesWithPolls(100, undefined, polled), { last: 100, fundingRate: 0.0002, markPrice: 101, nextFundingTime: 28_800_000, openInterest: 5000 });
    assert.deepEqual(derivativesWithPolls(100, { last: 99, markPrice: 102 }, polled), { last: 100, fundingRate: 0.0002, markPrice: 102, nextFundingTime: 28_800_000, openInterest: 5000 }, "the ticker's mark wins");
    polled = applyPolled(polled, { type: 'state', state: { status: 'retrying', attempt: 2, reason: 'open interest (fetchOpenInterest) of binance BTC/USDT:USDT: 503', retryAt: Date.UTC(2026, 10, 30, 17, 31, 5) } });
    assert.equal(derivativesWithPolls(100, undefined, polled)?.note, 'open interest and funding: retrying (2) at 17:31:05 UTC, open interest (fetchOpenInterest) of binance BTC/USDT:USDT: 503');
    assert.equal(derivativesWithPolls(100, undefined, polled)?.openInterest, 5000, 'the last figures stay while it retries');
    polled = applyPolled(polled, { type: 'state', state: { status: 'live', since: 1 } });
    assert.equal(derivativesWithPolls(100, undefined, polled)?.note, undefined);
  });
});
