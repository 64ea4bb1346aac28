// The first seam's check asks REST which trades fell between its seed's last and the stream's first. A first read
// that mixes two sockets' trades (ccxt's trade cache is the exchange's, not the socket's) is no unbroken run: REST's
// trades inside its span that it lacks are missed too, and backfilled, or its bars stay short for good, unflagged.
import * as assert from 'node:assert/strict';
import { CandleFactory } from '../../src/core/candles/candleFactory';
import type { Candle } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { nextEvent } from '../helpers/factoryEvents';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, powerTrade as trade } from '../helpers/factoryScript';
import { referenceCandles } from '../helpers/referenceCandles';
import { SimFactoryHistory } from '../helpers/simFactoryHistory';
import { settle, settleUntil } from '../helpers/simTradeRest';

const whole = ({ time, open, high, low, close, volume }: Candle): Candle => ({ time, open, high, low, close, volume });

describe('CandleFactory: the first seam’s check verifies the first read', () => {
  let f: CandleFactory | undefined;
  afterEach(() => f?.dispose());

  for (const between of [true, false]) {
    it(`a first read of two trades ${between ? 'with one REST has between them (a mixed read): backfilled from it' : 'with none between them: released, nothing more asked'}, every bar the exchange's`, async () => {
      const ex = new SimFactoryHistory(scriptCaps(['1m']));
      const pending = (): number => ex.rest.pending;
      ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE), trade(3, M + 5_000), trade(4, M + 20_000));
      let now = M + 30_000;
      const factory = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 3 });
      f = factory;
      factory.addTimeframe('1m', 10);
      await settleUntil(() => pending() > 0);
      ex.rest.answer();
      await settleUntil(() => factory.isReady('1m'));
      // The old socket's trade, one no socket got (REST has it), the new socket's first: the read holds the outer two.
      const [oldSocket, newSocket] = [trade(5, M + 2 * MINUTE + 10_000), trade(7, M + 2 * MINUTE + 50_000)];
      ex.log.push(oldSocket, ...(between ? [trade(6, M + 2 * MINUTE + 30_000)] : []), newSocket);
      now = M + 2 * MINUTE + 55_000;
      factory.onStreamState(liveSince(M));
      factory.ingest([oldSocket, newSocket]);
      await settleUntil(() => pending() > 0);
      assert.equal(pending(), 1, 'the check asks REST');
      const backfilled = between ? nextEvent(factory, (e) => e.type === 'backfill' && e.outcome === 'done') : undefined;
      ex.rest.answer();
      if (backfilled) {
        await settleUntil(() => pending() > 0);
        assert.equal(pending(), 1, 'the backfill asks REST');
        ex.rest.answer();
        await backfilled;
        for (let i = 0; i < 20; i++) await settle();
      }
      else for (let i = 0; i < 20; i++) await settle();
      assert.equal(pending(), 0, 'nothing more asked');
      ex.log.push(trade(8, M + 4 * MINUTE + 10_000));
      now = M + 4 * MINUTE + 15_000;
      factory.ingest([ex.log.at(-1)!]);
      const closed = factory.snapshot('1m')!.filter((c) => c.time >= M && c.time < M + 4 * MINUTE);
      assert.deepEqual(closed.filter((c) => c.partial).map((c) => new Date(c.time).toISOString()), [], 'no closed bar left partial');
      assert.deepEqual(closed.filter((c) => c.volume > 0).map(whole), referenceCandles(ex.log, '1m').filter((c) => c.time >= M && c.time < M + 4 * MINUTE && c.volume > 0));
    });
  }
});
