/**
 * Seeking a replay back (issue 16): the replay stands as if opened at the earlier time, the hub builds the market's
 * bars again from the recording before it (a new snapshot for every consumer), and the bars played after the seek
 * equal the ground truth: no bar of the abandoned future survives.
 */
import * as assert from 'node:assert/strict';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { ReplaySeekError } from '../../src/core/replay/replaySession';
import type { Candle, Trade } from '../../src/core/types';
import { Recorder } from '../helpers/emulatorHub';
import { RecordedReplay } from '../helpers/recordedReplay';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';

const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const T0 = Date.parse('2026-11-28T10:00:00Z');
const START = T0 + 10 * 60_000;
const END = START + 20 * 60_000;
type Candles = Extract<SubscriptionRequest, { kind: 'candles' }>;

function recordedTrades(): Trade[] {
  const out: Trade[] = [];
  for (let ts = T0, i = 0; ts < END; ts += 1500, i++) {
    out.push({ id: String(i + 1), timestamp: ts, price: Math.round(60_000 * (1 + 0.004 * Math.sin(i / 17)) * 100) / 100, amount: 0.01 + (i % 5) * 0.01, side: i % 3 ? 'buy' : 'sell' });
  }
  return out;
}

/** The bars of every trade before `until`, as the hub rounds them. */
const truthBefore = (trades: readonly Trade[], until: number): Candle[] => referenceCandles(trades.filter((t) => t.timestamp < until), '1m').map(roundCandle);
const rounded = (bars: readonly Candle[]) => bars.filter((c) => c.time >= T0).map(roundCandle);

describe('seeking a replay back', function () {
  this.timeout(60_000);
  let replay: RecordedReplay | undefined;
  afterEach(async () => {
    await replay?.close();
    replay = undefined;
  });

  it('rebuilds the bars from the recording before the new position; the bars played after it equal the ground truth', async () => {
    const trades = recordedTrades();
    replay = await RecordedReplay.start(BTC, trades, START, 150);
    const { hub, id, log, session } = replay;
    const bars = new Recorder<Candles>();
    hub.subscribe({ kind: 'candles', exchange: id, symbol: BTC.symbol, timeframe: '1m', historyBars: 100 }, bars.consume);
    await bars.next((e) => e.type === 'snapshot', 'the first snapshot');
    const lastBefore = (to: number) => trades.filter((t) => t.timestamp <= to).at(-1)!.timestamp;
    // The stream's first trade after a seek is checked against the recording's REST (the first seam's check): the bars
    // since the seek are partial until it answers.
    const whole = async (): Promise<void> => {
      if (bars.candles.some((c) => c.partial)) await bars.next(() => !bars.candles.some((c) => c.partial), 'the first seam check settled');
    };

    // Forward to 15 minutes in: the bars so far are the ground truth.
    const far = START + 15 * 60_000;
    const reached = bars.upcoming((e) => e.type === 'deltas' && e.dataTime === lastBefore(far), 'the bars up to 15 minutes in', 20_000);
    await session.seek(far);
    await reached;
    await whole();
    assert.deepEqual(rounded(bars.candles), truthBefore(trades, far + 1));

    // Back to 4 minutes in: a new snapshot holds exactly the bars before it; the abandoned future is gone.
    const back = START + 4 * 60_000;
    const rebuilt = bars.upcoming((e) => e.type === 'snapshot', 'the snapshot after the seek back', 20_000);
    await session.seek(back);
    await rebuilt;
    await whole();
    assert.equal(session.now(), back - 1, 'the replay stands just before the new position');
    assert.deepEqual(rounded(bars.candles), truthBefore(trades, back), 'the bars before the new position, no later one');

    // Played on from there: the bars equal the ground truth again, trade for trade.
    const later = START + 9 * 60_000;
    const replayed = bars.upcoming((e) => e.type === 'deltas' && e.dataTime === lastBefore(later), 'the bars up to 9 minutes in', 20_000);
    await session.seek(later);
    await replayed;
    await whole();
    assert.deepEqual(rounded(bars.candles), truthBefore(trades, later + 1), 'the bars after the seek equal the ground truth');

    await assert.rejects(session.seek(START - 60_000), ReplaySeekError, 'before the start: open the replay there instead');
    assert.ok(!log.lines.some((l) => /revised after its close/.test(l)));
  });
});
