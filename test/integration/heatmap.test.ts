import * as assert from 'node:assert/strict';
import { HeatmapSampler } from '../../src/extension/panels/heatmapSampler';
import type { HeatmapColumnWire } from '../../src/shared/protocol';
import { Rig } from '../helpers/emulatorHub';

const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const SAMPLE_MS = 100;

interface TruthBook {
  readonly at: number;
  readonly bids: readonly (readonly [number, number])[];
  readonly asks: readonly (readonly [number, number])[];
}

const flat = (levels: TruthBook['bids'], n: number) => levels.slice(0, n).flat();

describe('liquidity heatmap against the emulator (real ccxt)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it("every column equals the emulator's book at its sample time (within one sample interval); the buffer never holds more than its bound", async () => {
    rig = await Rig.start({ tradesPerSecond: 50, depthIntervalMs: 300 });
    const r = rig;
    // The ground truth: the emulator's book after each step, and when it became current.
    const truth: TruthBook[] = [];
    const record = () => {
      const b = r.emulator.orderBook(BTC.symbol, 500);
      truth.push({ at: Date.now(), bids: b.bids, asks: b.asks });
    };
    record();
    r.emulator.on('book', (symbol) => symbol === BTC.symbol && record());

    const columns: HeatmapColumnWire[] = [];
    let mostHeld = 0;
    let enough: () => void = () => undefined;
    const collected = new Promise<void>((resolve) => (enough = resolve));
    // A 3-second buffer (30 columns), filled twice over.
    const sampler = new HeatmapSampler({ sampleMs: SAMPLE_MS, levels: 200, minutes: 0.05 }, (c) => {
      columns.push(c);
      mostHeld = Math.max(mostHeld, sampler.buffer.size);
      if (columns.length >= 60) enough();
    });
    // The books as the client received them, and when: a column is checked against these, so that the socket's
    // delivery time (long on a loaded machine) is not counted against the sampler; each of them against the truth.
    const received: TruthBook[] = [];
    const subs = [
      r.hub.subscribe({ kind: 'orderbook', ...BTC }, (e) => {
        if (e.type === 'orderbook') received.push({ at: Date.now(), bids: e.book.bids, asks: e.book.asks });
        if (e.type === 'orderbook') sampler.onBook(e.book);
        else if (e.type === 'state' && e.state.status !== 'live') sampler.bookLost();
      }),
      r.hub.subscribe({ kind: 'trades', ...BTC }, (e) => e.type === 'trades' && sampler.onTrades(e.trades)),
      sampler.start(),
    ];
    await collected;
    for (const s of subs) s.dispose();

    assert.equal(sampler.buffer.maxColumns, 30);
    assert.equal(mostHeld, 30, 'the buffer filled to its bound and never past it');
    assert.deepEqual(sampler.buffer.columns(), columns.slice(-30), 'it holds the newest columns');
    for (const [i, [time, bids, asks]] of columns.entries()) {
      const n = bids.length / 2;
      assert.ok(n >= 20 && asks.length / 2 >= 20, `column ${i} has the book's depth (${n} bid levels)`);
      const k = received.findIndex((t, j) => t.at <= time && (received[j + 1]?.at ?? Infinity) > time - SAMPLE_MS && JSON.stringify(flat(t.bids, n)) === JSON.stringify(bids) && JSON.stringify(flat(t.asks, asks.length / 2)) === JSON.stringify(asks));
      assert.ok(k >= 0, `column ${i} at ${time} equals the book the client held within ${SAMPLE_MS} ms before it (best bid ${bids[0]}, ask ${asks[0]}; books received at ${received.filter((t) => t.at > time - 1000 && t.at <= time).map((t) => `${t.at - time}: ${t.bids[0]?.[0]}/${t.asks[0]?.[0]}`).join(', ')})`);
    }
    // Every book received is one the emulator had, in the emulator's order.
    let step = 0;
    for (const [i, b] of received.entries()) {
      const n = b.bids.length;
      const same = (t: TruthBook) => JSON.stringify(flat(t.bids, n)) === JSON.stringify(flat(b.bids, n)) && JSON.stringify(flat(t.asks, b.asks.length)) === JSON.stringify(flat(b.asks, b.asks.length));
      const k = truth.findIndex((t, j) => j >= step && same(t));
      assert.ok(k >= 0, `book ${i} received at ${b.at} is one the emulator had, at or after step ${step} (best bid ${b.bids[0]?.[0]}, ask ${b.asks[0]?.[0]})`);
      step = k;
    }
    const steps = new Set(columns.map(([time]) => truth.filter((t) => t.at <= time).length));
    assert.ok(steps.size >= 10, `the columns followed the book through ${steps.size} steps`);
    const traded = columns.reduce((sum, [, , , trades]) => sum + trades.length / 3, 0);
    assert.ok(traded > 0, 'trades are drawn on the columns');
    assert.deepEqual(r.hub.activeStreams(), [], 'nothing left subscribed');
  });
});
