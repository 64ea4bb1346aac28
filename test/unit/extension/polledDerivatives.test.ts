/** A perpetual chart's legend row from its ticker and its polled open interest and funding: the ticker's own figures win, the polls fill the rest, and their trouble is a note until they recover. */
import * as assert from 'node:assert/strict';
import { applyPolled, derivativesWithPolls, tickerArrived, tickerStateChanged, type PolledDerivatives, type TickerFreshness } from '../../../src/extension/panels/polledDerivatives';

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

  it('a ticker down after it was live dates the figures it last brought, in the note, until the next ticker; the opening is no outage; a poll note is kept beside', () => {
    const at = Date.UTC(2026, 10, 30, 17, 31, 5);
    const reconnecting = { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 500 } as const;
    let ticker: TickerFreshness = { wasLive: false };
    ticker = tickerStateChanged(ticker, { status: 'connecting' });
    assert.equal(ticker.note, undefined, 'the first connecting is the opening');
    ticker = tickerArrived(at);
    const figures = { last: 100, markPrice: 101, fundingRate: 0.0001, openInterest: 5000 };
    assert.equal(derivativesWithPolls(100, figures, {}, ticker)?.note, undefined);
    ticker = tickerStateChanged(ticker, reconnecting);
    const down = derivativesWithPolls(100, figures, {}, ticker);
    assert.equal(down?.note, 'mark, funding and open interest as of 17:31:05 UTC: its ticker retrying (1), socket closed');
    assert.equal(down?.openInterest, 5000, 'its last figures stay, dated');
    ticker = tickerStateChanged(ticker, { status: 'connecting' });
    assert.match(ticker.note ?? '', /as of 17:31:05 UTC: its ticker connecting$/, 'connecting again after it was live: a restart');
    ticker = tickerStateChanged(ticker, { status: 'live', since: at + 9000 });
    assert.ok(ticker.note !== undefined, 'live again: dated until a ticker brings fresh figures');
    const polled = applyPolled({}, { type: 'state', state: { status: 'retrying', attempt: 2, reason: '503', retryAt: at } });
    assert.equal(derivativesWithPolls(100, figures, polled, ticker)?.note, 'mark, funding and open interest as of 17:31:05 UTC: its ticker connecting; open interest and funding: retrying (2) at 17:31:05 UTC, 503');
    ticker = tickerArrived(at + 10_000);
    assert.equal(derivativesWithPolls(100, figures, {}, ticker)?.note, undefined, 'fresh again');
  });
});
