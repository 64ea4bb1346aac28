/** The footprint on the chart's wire: engine bars to messages, and a frame's changes merged (bars by time, cells by price). */
import * as assert from 'node:assert/strict';
import { FrameCoalescer } from '../../../src/extension/panels/frameCoalescer';
import { footprintBarWire, FOOTPRINT_MERGE_RULES } from '../../../src/extension/panels/footprintMessages';
import type { FootprintBarWire, HostMessage } from '../../../src/shared/protocol';

const bar = (time: number, cells: FootprintBarWire['cells'], close = 100): FootprintBarWire => ({ time, open: 100, high: 101, low: 99, close, buy: 1, sell: 1, poc: 100, cells });

describe('footprint messages', () => {
  it('a bar goes on the wire with its imbalances as 1 (buy), 2 (sell), 3 (both), and partial only when set', () => {
    const wire = footprintBarWire({ time: 0, open: 1, high: 2, low: 1, close: 2, buyVolume: 3, sellVolume: 1, delta: 2, poc: 1, cells: [{ price: 1, buy: 3, sell: 0, buyImbalance: true }, { price: 2, buy: 0, sell: 1, buyImbalance: true, sellImbalance: true }, { price: 3, buy: 1, sell: 0 }], partial: true });
    assert.deepEqual(wire, { time: 0, open: 1, high: 2, low: 1, close: 2, buy: 3, sell: 1, poc: 1, cells: [[1, 3, 0, 1], [2, 0, 1, 3], [3, 1, 0]], partial: true });
  });

  it('changes of one frame merge into one message: the newer bar wins, its cells merged by price; a full footprint supersedes them', () => {
    const posted: HostMessage[] = [];
    let flush: (() => void) | undefined;
    const c = new FrameCoalescer((m) => posted.push(m), (f) => ((flush = f), { cancel: () => undefined }), FOOTPRINT_MERGE_RULES);
    c.send({ method: 'chart/footprintBars', params: { bars: [bar(60, [[100, 1, 0], [101, 0, 1]])], deltas: [[60, 1, 1]] } });
    c.send({ method: 'chart/footprintBars', params: { bars: [bar(60, [[101, 2, 1]], 101), bar(120, [[99, 1, 0]])], deltas: [[60, 2, 2], [120, 1, 3]] } });
    flush?.();
    assert.equal(posted.length, 1);
    assert.deepEqual(posted[0], {
      method: 'panel/batch',
      params: { messages: [{ method: 'chart/footprintBars', params: { bars: [bar(60, [[100, 1, 0], [101, 2, 1]], 101), bar(120, [[99, 1, 0]])], deltas: [[60, 2, 2], [120, 1, 3]] } }] },
    });
    c.send({ method: 'chart/footprintBars', params: { bars: [bar(60, [])], deltas: [] } });
    c.send({ method: 'chart/footprint', params: { market: { exchange: 'binance', symbol: 'BTC/USDT' }, timeframe: '1m', depth: 0, bucket: 1, imbalanceRatio: 3, cvdReset: 'session', bars: [], deltas: [] } });
    flush?.();
    const batch = posted[1];
    assert.deepEqual(batch?.method === 'panel/batch' ? batch.params.messages.map((m) => m.method) : [], ['chart/footprint']);
  });
});
