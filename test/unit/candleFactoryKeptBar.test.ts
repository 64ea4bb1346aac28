// A gap backfill keeps a bar the chart held where the exchange's klines do not yet hold its trades (heldBars.ts). The
// kept bar gets the trades after its horizon only: one lost before the horizon (the stream never pushed it) is in
// neither, so the bar stays partial until it settles to the exchange's kline, which holds it.
import * as assert from 'node:assert/strict';
import { CandleFactory, type FactoryEvent } from '../../src/core/candles/candleFactory';
import type { Timeframe } from '../../src/core/timeframes';
import type { Candle } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { referenceCandles } from '../helpers/referenceCandles';
import { SimFactoryHistory, simKlines } from '../helpers/simFactoryHistory';
import { settleUntil } from '../helpers/simTradeRest';
import { backfillDone, nextEvent } from '../helpers/factoryEvents';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, reconnecting, powerTrade as trade } from '../helpers/factoryScript';

/** Klines declared as not lagging, which lag anyway (Coinbase's, some minutes). */
const CAPS = scriptCaps(['1m']);
const live = liveSince(M);

/** Klines that hold the trades up to `klineHorizon` only. */
class LaggingExchange extends SimFactoryHistory {
  klineHorizon = Infinity;
  override candlesBetween(_market: unknown, tf: Timeframe, from: number, until: number): Promise<Candle[]> {
    return Promise.resolve(simKlines(this.log.filter((t) => t.timestamp <= this.klineHorizon), tf, from, until));
  }
  async answerNext(): Promise<void> {
    await settleUntil(() => this.rest.pending > 0);
    assert.equal(this.rest.pending, 1, 'the factory asked for REST trades');
    this.rest.answer();
  }
}

const plain = ({ time, open, high, low, close, volume }: Candle): Candle => ({ time, open, high, low, close, volume });

describe('CandleFactory: a bar kept from before a gap', () => {
  let f: CandleFactory | undefined;
  afterEach(() => f?.dispose());

  it('lacking a trade lost before its horizon, it is partial, then settles whole to the exchange\'s kline, which holds that trade', async () => {
    const ex = new LaggingExchange(CAPS);
    ex.log.push(trade(1, M - 5 * MINUTE), trade(2, M + 1_000));
    let now = M + 10_000;
    f = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 3 });
    f.onStreamState(live);
    let done = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10);
    await ex.answerNext();
    await done;

    // The stream loses trade 3 and pushes trade 4 (after it), then drops: minute M held trades 2 and 4, up to trade 4.
    ex.log.push(trade(3, M + 15_000), trade(4, M + 20_000));
    now = M + 25_000;
    f.ingest([ex.log[3]!]);
    f.onStreamState(reconnecting);
    ex.log.push(trade(5, M + MINUTE + 5_000)); // made during the drop
    ex.klineHorizon = M + 1_000; // the kline of minute M holds trade 2 only: it does not cover the bar held
    now = M + MINUTE + 10_000;

    const events: FactoryEvent[] = [];
    let kept: Candle | undefined;
    f.onEvent((e) => {
      events.push(e);
      if (!backfillDone(e)) return;
      // The backfill is in: the bar it kept, before anything settles it; the klines catch up from now on.
      kept = f!.snapshot('1m')!.find((c) => c.time === M);
      ex.klineHorizon = Infinity;
    });
    done = nextEvent(f, backfillDone);
    f.onStreamState(live);
    await ex.answerNext();
    await done;
    assert.ok(kept, 'the backfill kept minute M');
    assert.equal(kept.partial, true, 'the kept bar is partial (it may lack trades)');
    assert.equal(kept.volume, 2 ** 2 + 2 ** 4, 'the kept bar holds what the chart held (trades 2 and 4), not trade 3, lost before its horizon');

    const truth = referenceCandles(ex.log, '1m').find((c) => c.time === M)!;
    await settleUntil(() => f?.snapshot('1m')?.find((c) => c.time === M)?.partial !== true);
    const bar = f.snapshot('1m')!.find((c) => c.time === M)!;
    assert.equal(bar.partial, undefined, 'minute M settled whole');
    assert.deepEqual(plain(bar), truth, 'minute M is the exchange\'s kline, with trade 3');
    const announced = events.flatMap((e) => (e.type === 'deltas' ? e.deltas : [])).filter((d) => d.candle.time === M && d.kind !== 'updated' && !d.candle.partial);
    assert.deepEqual(announced.map((d) => plain(d.candle)), [truth], 'minute M is announced final once, as the exchange\'s');
  });
});
