/**
 * The end of a fault test: the market is frozen, the newest bucket of the coarsest timeframe closed by one trade
 * after it, and every bar each recorder holds compared with the bars built from the emulator's trade log.
 */
import * as assert from 'node:assert/strict';
import { bucketStart, nextBucketStart, type Timeframe } from '../../src/core/timeframes';
import type { ExchangeId } from '../../src/emulator';
import type { Recorder, Rig } from './emulatorHub';
import { referenceCandles, roundCandle } from './referenceCandles';
import type { CandleReq } from './threeExchanges';

/** `context` adds what a failure should tell beyond the bar (the log lines that explain it). */
export async function expectEveryBarTrue(rig: Rig<ExchangeId>, symbol: string, recs: ReadonlyMap<Timeframe, Recorder<CandleReq>>, coarsest: Timeframe, context: () => string = () => ''): Promise<void> {
  const emu = rig.emulator;
  emu.setTradesPerSecond(0);
  const last = emu.trades(symbol).at(-1)!;
  const closeAt = nextBucketStart(coarsest, bucketStart(coarsest, last.timestamp));
  const [closer] = await emu.playPath(symbol, [last.price], { intervalMs: 0, startTimestamp: closeAt });
  for (const [tf, rec] of recs) {
    await rec
      .next(() => rec.candles.at(-1)?.time === closeAt && rec.candles.at(-1)?.volume === closer!.amount && !rec.candles.some((c) => c.partial), `${tf}: the closing trade, no partial bar`, 60_000)
      .catch((error: unknown) => {
        const states = rec.events.flatMap((e) => (e.type === 'state' ? [JSON.stringify(e.state)] : []));
        const partial = rec.candles.filter((c) => c.partial).map((c) => JSON.stringify(c));
        throw new Error(`${String(error)}\nstates:\n${states.join('\n')}\npartial bars:\n${partial.join('\n')}\nlast bar ${JSON.stringify(rec.candles.at(-1))}\nlog:\n${rig.log.lines.slice(-30).join('\n')}`);
      });
    const truth = new Map(referenceCandles(emu.trades(symbol), tf).map((c) => [c.time, roundCandle(c)]));
    for (const bar of rec.candles) assert.deepEqual(roundCandle(bar), truth.get(bar.time), `${tf}: the ${new Date(bar.time).toISOString()} bar${context()}`);
    const revised = rec.events.flatMap((e) => (e.type === 'deltas' ? e.deltas.filter((d) => d.kind === 'revised') : []));
    assert.deepEqual(revised, [], `${tf}: no closed bar revised`);
  }
}
