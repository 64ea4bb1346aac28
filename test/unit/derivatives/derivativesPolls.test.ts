/**
 * The shared polls' bookkeeping against an in-memory client (our MarketDataClient, not a ccxt mock): one loop per
 * market for every consumer, a late consumer gets the newest state and figures at once, a figure the exchange refuses
 * is dropped and named (`degraded`, then `failed` with none left), and the last consumer's leaving ends the loop with
 * no timer left.
 */
import * as assert from 'node:assert/strict';
import { DerivativesPolls } from '../../../src/core/derivatives/derivativesPolls';
import type { DerivativesEvent } from '../../../src/core/derivatives/derivativesPoller';
import type { MarketDataClient, MarketInfo } from '../../../src/core/exchange/marketDataClient';
import { silentLogger } from '../../../src/core/util/log';
import { trackTimers } from '../../helpers/timerTracker';

/** ccxt's class name for a request the exchange refuses: the engine classifies errors by class name. */
class BadRequest extends Error {}

const PERP: MarketInfo = { symbol: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.1, contract: { segment: 'perp', settlement: 'linear', contractSize: 1 } };

function stubClient(opts: { refuseFunding?: boolean; refuseOpenInterest?: boolean } = {}) {
  const calls: string[] = [];
  let oi = 100;
  const client = {
    exchangeId: 'stub',
    loadMarkets: async () => [PERP],
    derivativesPolling: async () => ({ openInterest: true, fundingRate: true, rateLimitMs: 1 }),
    fetchOpenInterest: async (symbol: string) => {
      calls.push(`oi ${symbol}`);
      if (opts.refuseOpenInterest) throw new BadRequest('stub fetchOpenInterest() supports contract markets only');
      return { timestamp: Date.now(), contracts: oi++ };
    },
    fetchFundingRate: async (symbol: string) => {
      calls.push(`funding ${symbol}`);
      if (opts.refuseFunding) throw new BadRequest('no funding here');
      return { timestamp: Date.now(), rate: 0.0001, markPrice: 50_000, nextFundingTime: undefined };
    },
  };
  return { client: client as unknown as MarketDataClient, calls };
}

function polls(client: MarketDataClient): DerivativesPolls {
  return new DerivativesPolls({
    clientFor: async () => client,
    request: (_exchange, _what, call) => call(),
    intervalMs: 5,
    spacingMs: 2,
    backoff: { baseMs: 5, maxMs: 20, factor: 2, jitter: 0 },
    log: silentLogger,
  });
}

function until(events: DerivativesEvent[], pred: (events: DerivativesEvent[]) => boolean, listen: (f: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const check = () => pred(events) && resolve();
    listen(check);
    check();
  });
}

/** A consumer that records and can wait. */
function recorder() {
  const events: DerivativesEvent[] = [];
  const listeners: Array<() => void> = [];
  return {
    events,
    consume: (e: DerivativesEvent) => {
      events.push(e);
      for (const l of listeners) l();
    },
    until: (pred: (events: DerivativesEvent[]) => boolean) => until(events, pred, (f) => listeners.push(f)),
  };
}

const market = { exchange: 'stub', symbol: 'BTC/USDT:USDT' };

describe('DerivativesPolls', () => {
  it('one loop per market for every consumer; a late one gets the state and newest figures at once; the last to leave ends it with no timer left', async () => {
    const timers = trackTimers();
    try {
      const { client, calls } = stubClient();
      const p = polls(client);
      const a = recorder();
      const subA = p.subscribe(market, a.consume);
      await a.until((es) => es.filter((e) => e.type === 'openInterest').length >= 2);
      const b = recorder();
      const subB = p.subscribe(market, b.consume);
      assert.deepEqual(b.events.map((e) => e.type), ['state', 'openInterest', 'funding'], 'the newest of each, at once');
      assert.deepEqual(b.events[0], { type: 'state', state: a.events.filter((e) => e.type === 'state').at(-1)?.state });
      assert.equal(p.size, 1);
      subA.dispose();
      subA.dispose(); // twice is harmless
      assert.equal(p.size, 1, 'b still listens');
      subB.dispose();
      assert.equal(p.size, 0);
      await p.whenIdle();
      const made = calls.length;
      assert.equal(timers.pending(), 0, 'a timer outlived the loop');
      await new Promise((r) => setImmediate(r));
      assert.equal(calls.length, made, 'no request after the loop ended');
      // Asked in turn: open interest, then funding, every round.
      assert.ok(calls.length >= 3, calls.join(', '));
      calls.forEach((c, i) => assert.equal(c, `${i % 2 === 0 ? 'oi' : 'funding'} BTC/USDT:USDT`, `call ${i}`));
    } finally {
      timers.restore();
    }
  });

  it('a refused figure is dropped and named (`degraded`); the other is still polled', async () => {
    const { client, calls } = stubClient({ refuseFunding: true });
    const p = polls(client);
    const r = recorder();
    const sub = p.subscribe(market, r.consume);
    await r.until((es) => es.filter((e) => e.type === 'openInterest').length >= 3);
    sub.dispose();
    await p.whenIdle();
    const states = r.events.flatMap((e) => (e.type === 'state' ? [e.state] : []));
    assert.deepEqual(states.at(-1), { status: 'degraded', reason: 'funding rate (fetchFundingRate) of stub BTC/USDT:USDT: no funding here' });
    assert.equal(calls.filter((c) => c.startsWith('funding')).length, 1, 'asked once');
  });

  it('with every figure refused the loop ends `failed`, naming each; a spot market or a client that polls nothing fails at once', async () => {
    const { client } = stubClient({ refuseFunding: true, refuseOpenInterest: true });
    const p = polls(client);
    const r = recorder();
    p.subscribe(market, r.consume);
    await r.until((es) => es.some((e) => e.type === 'state' && e.state.status === 'failed'));
    const failed = r.events.find((e) => e.type === 'state' && e.state.status === 'failed');
    assert.ok(failed?.type === 'state' && failed.state.status === 'failed');
    assert.match(failed.state.reason, /open interest \(fetchOpenInterest\) of stub BTC\/USDT:USDT: stub fetchOpenInterest\(\) supports contract markets only; funding rate/);

    const spot = recorder();
    p.subscribe({ exchange: 'stub', symbol: 'BTC/USDT' }, spot.consume);
    await spot.until((es) => es.some((e) => e.type === 'state' && e.state.status === 'failed'));
    assert.deepEqual(spot.events.at(-1), { type: 'state', state: { status: 'failed', reason: 'stub has no market BTC/USDT' } });

    const replay = polls({ exchangeId: 'replay', loadMarkets: async () => [PERP] } as unknown as MarketDataClient);
    const none = recorder();
    replay.subscribe(market, none.consume);
    await none.until((es) => es.some((e) => e.type === 'state' && e.state.status === 'failed'));
    assert.match(JSON.stringify(none.events.at(-1)), /not polled on this source/);
    p.dispose();
    replay.dispose();
    await Promise.all([p.whenIdle(), replay.whenIdle()]);
  });
});
