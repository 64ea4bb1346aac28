/**
 * Open interest and funding polled through the hub (real ccxt against the Bybit emulator): the figures equal what
 * the emulator served; every poller of an exchange shares one request budget, so N markets and many consumers stay
 * within it (counted from the emulator's own request log); a failed poll backs off into a named state and recovers;
 * a refused market ends `failed`; the last consumer's leaving stops the loop and no request follows.
 */
import * as assert from 'node:assert/strict';
import type { DerivativesEvent } from '../../src/core/derivatives/derivativesPoller';
import type { FundingFigure, OpenInterestFigure } from '../../src/core/derivatives/derivativesFigures';
import type { StreamState } from '../../src/core/types';
import type { Disposable } from '../../src/shared/util/disposable';
import { RequestBudget } from '../../src/core/derivatives/requestBudget';
import { Rig } from '../helpers/emulatorHub';

const BTC = 'BTC/USDT:USDT';
const SYMBOLS = ['BTC/USDT:USDT', 'ETH/USDT:USDT', 'SOL/USDT:USDT'];
const FIVE_MINUTES = 300_000;
const POLL_PATHS = new Set(['/v5/market/open-interest', '/v5/market/tickers']);

/** Records a market's derivatives events and resolves waits on them as they arrive. */
class Figures {
  readonly states: StreamState[] = [];
  openInterest: OpenInterestFigure[] = [];
  funding: FundingFigure[] = [];
  private waiters: Array<() => void> = [];
  readonly consume = (e: DerivativesEvent): void => {
    if (e.type === 'state') this.states.push(e.state);
    else if (e.type === 'openInterest') this.openInterest.push(e.figure);
    else this.funding.push(e.figure);
    for (const w of [...this.waiters]) w();
  };

  until(pred: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out waiting for ${what}; states ${JSON.stringify(this.states)}`));
      }, timeoutMs);
      const check = () => {
        if (!pred()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }
}

describe('open interest and funding polls (Bybit emulator, real ccxt)', function () {
  this.timeout(60_000);
  let rig: Rig<'bybit'> | undefined;
  const subs: Disposable[] = [];
  afterEach(async () => {
    for (const s of subs.splice(0)) s.dispose();
    await rig?.close();
    rig = undefined;
  });

  it('the polled open interest and funding equal what the emulator served', async () => {
    // A quiet market (no trades, no book steps): the funding rate the emulator serves holds still while it is compared.
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 0, depthIntervalMs: 0 }, { derivativesPollMs: 100, derivativesPollSpacingMs: 50 });
    const got = new Figures();
    const first = rig.emulator.derivatives(BTC);
    subs.push(rig.hub.subscribeDerivatives({ exchange: 'bybit', symbol: BTC }, got.consume));
    await got.until(() => got.openInterest.length >= 2 && got.funding.length >= 2, 'two rounds of figures');
    const truth = rig.emulator.derivatives(BTC);
    for (const f of got.funding) assert.deepEqual([f.rate, f.markPrice], [truth.fundingRate, truth.markPrice]);
    // The next funding time moves on at each funding (00:00, 08:00, 16:00 UTC): one served before the polls or after
    // them, never going back, and the one served throughout when no funding fell between.
    const served = [first.nextFundingTime, truth.nextFundingTime];
    const next = got.funding.map((f) => f.nextFundingTime);
    for (const t of next) assert.ok(served.includes(t as number), `next funding ${t} is one the emulator served (${served.join(', ')})`);
    assert.deepEqual(next, [...next].sort((a, b) => (a as number) - (b as number)), 'the next funding time never goes back');
    for (const oi of got.openInterest) {
      // Bybit's open interest is a history: the newest 5-minute row, which is the one the emulator recorded for that time.
      assert.equal(oi.timestamp % FIVE_MINUTES, 0, `a 5-minute row, not ${oi.timestamp}`);
      assert.ok(Date.now() - oi.timestamp < 2 * FIVE_MINUTES, 'the newest row');
      assert.equal(oi.contracts, rig.emulator.openInterestAt(BTC, oi.timestamp));
    }
    assert.equal(got.states.at(-1)?.status, 'live');
  });

  it('three markets with two consumers each poll as one loop per market under one budget: the emulator never sees more than the bound', async () => {
    const spacing = 150;
    // Every turn granted, by any budget: the bound is kept where the requests are let out. Their arrivals at the
    // emulator are later by the machine's latency, which under load bunched three of them within 80 ms.
    const grants: number[] = [];
    const take = RequestBudget.prototype.take;
    RequestBudget.prototype.take = function (this: RequestBudget, signal?: AbortSignal) {
      return take.call(this, signal).then(() => void grants.push(this.lastGrantAt));
    };
    try {
      rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 0 }, { derivativesPollMs: 10, derivativesPollSpacingMs: spacing });
      const since = Date.now();
      const figures = SYMBOLS.map(() => new Figures());
      for (const [i, symbol] of SYMBOLS.entries()) {
        const f = figures[i] as Figures;
        subs.push(rig.hub.subscribeDerivatives({ exchange: 'bybit', symbol }, f.consume), rig.hub.subscribeDerivatives({ exchange: 'bybit', symbol }, f.consume));
      }
      assert.equal(rig.hub.derivativesPollCount, 3, 'one poll loop per market, whatever the consumers');
      // Asked every 10 ms, six requests a round: unbounded, they would be hundreds a second. Two rounds of every market.
      await Promise.all(figures.map((f) => f.until(() => f.funding.length >= 4 && f.openInterest.length >= 4, 'four rounds', 30_000)));
      const polls = rig.emulator.restLog(since).filter((e) => POLL_PATHS.has(e.path));
      // Every request the emulator saw went out on a turn of the one budget, and the turns were `spacing` apart.
      assert.ok(polls.length > 0 && polls.length <= rig.hub.derivativesTurns('bybit'), `${polls.length} poll requests on ${rig.hub.derivativesTurns('bybit')} turns`);
      assert.ok(grants.length >= polls.length, `${grants.length} turns granted`);
      for (let i = 1; i < grants.length; i++) assert.ok(grants[i]! - grants[i - 1]! >= spacing, `turns ${i - 1} and ${i} granted ${grants[i]! - grants[i - 1]!} ms apart`);
      // Each consumer got every figure of its market (each market's events went to both of its consumers).
      for (const f of figures) assert.equal(f.funding.length % 2, 0);
    } finally {
      RequestBudget.prototype.take = take;
    }
  });

  it('a failed poll backs off as `retrying`, naming the figure, the market and the error, and goes back to live with the served values', async () => {
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 0, depthIntervalMs: 0 }, { derivativesPollMs: 50, derivativesPollSpacingMs: 20 });
    const got = new Figures();
    subs.push(rig.hub.subscribeDerivatives({ exchange: 'bybit', symbol: BTC }, got.consume));
    await got.until(() => got.states.at(-1)?.status === 'live', 'live');
    const before = got.openInterest.length;
    rig.emulator.failRest({ status: 500, count: 2, path: 'open-interest' });
    await got.until(() => got.states.some((s) => s.status === 'retrying'), 'retrying');
    const retrying = got.states.find((s): s is Extract<StreamState, { status: 'retrying' }> => s.status === 'retrying');
    assert.ok(retrying);
    assert.match(retrying.reason, /open interest \(fetchOpenInterest\) of bybit BTC\/USDT:USDT/);
    assert.ok(retrying.retryAt > Date.now() - 60_000);
    await got.until(() => got.states.at(-1)?.status === 'live' && got.openInterest.length > before, 'live again with open interest');
    const oi = got.openInterest.at(-1) as OpenInterestFigure;
    assert.equal(oi.contracts, rig.emulator.openInterestAt(BTC, oi.timestamp));
    assert.equal(rig.hub.derivativesPollCount, 1, 'the loop survived');
  });

  it('a rate limit pauses every poll of the exchange until its reset', async () => {
    // Turns 200 ms apart: longer than ccxt's own throttle for this endpoint (Bybit's rateLimit 20 ms × its cost), which
    // would otherwise hold a granted request in ccxt's queue past the limit's answer.
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 0 }, { derivativesPollMs: 20, derivativesPollSpacingMs: 200 });
    const got = new Figures();
    const hub = rig.hub;
    // The turns the exchange's budget had let out when the limit's answer reached a poller (either market's).
    let turnsAtLimit: number | undefined;
    const onLimit = (e: DerivativesEvent) => {
      if (e.type === 'state' && e.state.status === 'retrying') turnsAtLimit ??= hub.derivativesTurns('bybit');
    };
    subs.push(
      hub.subscribeDerivatives({ exchange: 'bybit', symbol: BTC }, (e) => (onLimit(e), got.consume(e))),
      hub.subscribeDerivatives({ exchange: 'bybit', symbol: 'ETH/USDT:USDT' }, onLimit),
    );
    await got.until(() => got.states.at(-1)?.status === 'live', 'live');
    const injected = Date.now();
    // Bybit's rate limit: HTTP 200, retCode 10006, X-Bapi-Limit-Reset-Timestamp a second ahead.
    rig.emulator.failRest({ status: 429, count: 1, path: 'open-interest', retryAfterSec: 1 });
    await got.until(() => got.states.some((s) => s.status === 'retrying'), 'retrying after the rate limit');
    const limited = rig.emulator.restLog(injected).find((e) => e.path === '/v5/market/open-interest');
    assert.ok(limited, 'the emulator answered the rate limit');
    await got.until(() => got.states.at(-1)?.status === 'live', 'live after the reset', 20_000);
    // Requests let out before the limit's answer came back may still arrive after it (however late); none let out
    // after it may arrive before the reset: every poll request the emulator saw by then was one of those turns.
    assert.ok(turnsAtLimit !== undefined && turnsAtLimit > 0, 'turns counted when the limit was answered');
    const beforeReset = rig.emulator.restLog().filter((e) => POLL_PATHS.has(e.path) && e.at < limited.at + 900);
    assert.ok(beforeReset.length <= turnsAtLimit, `${beforeReset.length} poll requests before the reset, but only ${turnsAtLimit} were let out before the limit was known`);
    const after = rig.emulator.restLog(limited.at + 900).filter((e) => POLL_PATHS.has(e.path));
    assert.ok(after.length > 0, 'polled again after the reset');
  });

  it('a market the exchange does not list ends `failed`, naming it; nothing is polled for it', async () => {
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 0 }, { derivativesPollMs: 20 });
    const got = new Figures();
    subs.push(rig.hub.subscribeDerivatives({ exchange: 'bybit', symbol: 'NOPE/USDT:USDT' }, got.consume));
    await got.until(() => got.states.at(-1)?.status === 'failed', 'failed');
    assert.deepEqual(got.states.at(-1), { status: 'failed', reason: 'bybit has no market NOPE/USDT:USDT' });
    assert.equal(rig.emulator.restLog().filter((e) => POLL_PATHS.has(e.path)).length, 0);
  });

  it('the last consumer leaving stops the loop: no request after it has ended', async () => {
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 0 }, { derivativesPollMs: 20, derivativesPollSpacingMs: 20 });
    const a = new Figures();
    const b = new Figures();
    const first = rig.hub.subscribeDerivatives({ exchange: 'bybit', symbol: BTC }, a.consume);
    const second = rig.hub.subscribeDerivatives({ exchange: 'bybit', symbol: BTC }, b.consume);
    await a.until(() => a.funding.length >= 2, 'figures');
    first.dispose();
    const seen = b.funding.length;
    await b.until(() => b.funding.length > seen + 1, 'the other consumer still polled');
    assert.equal(rig.hub.derivativesPollCount, 1);
    second.dispose();
    assert.equal(rig.hub.derivativesPollCount, 0);
    await rig.hub.whenPollsIdle();
    const count = rig.emulator.restLog().filter((e) => POLL_PATHS.has(e.path)).length;
    // Nothing signals "no request"; ten poll intervals with nothing is the proof.
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(rig.emulator.restLog().filter((e) => POLL_PATHS.has(e.path)).length, count, 'a request after the loop ended');
  });
});
