import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { readRecorded } from '../../src/core/record/recordReader';
import { RecordingService } from '../../src/core/record/recordingService';
import { storedHoles } from '../../src/core/record/storedHoles';
import type { TradeRow } from '../../src/core/record/recordTypes';
import { Recorder, Rig } from '../helpers/emulatorHub';

const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const SPEED = 8; // emulator time runs 8× wall time

describe('recording a market that panels show (RecordingService on the hub, real ccxt against the emulator)', function () {
  this.timeout(120_000);
  let rig: Rig | undefined;
  let root: string;
  beforeEach(async () => (root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-recsvc-it-'))));
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
    await fs.rm(root, { recursive: true, force: true });
  });

  it('rides the panel\'s sockets (no connection opened for it), records every trade of the ground truth across a drop, and the streams close with it', async () => {
    const start = Date.now();
    const emuTime = () => start + (Date.now() - start) * SPEED;
    rig = await Rig.start({ tradesPerSecond: 300, historyMinutes: 5, now: emuTime });
    const r = rig;
    // A panel's subscriptions: trades, book and ticker of the market.
    const trades = new Recorder<Extract<SubscriptionRequest, { kind: 'trades' }>>();
    const panel = [
      r.hub.subscribe({ kind: 'trades', ...BTC }, trades.consume),
      r.hub.subscribe({ kind: 'orderbook', ...BTC }, () => undefined),
      r.hub.subscribe({ kind: 'ticker', ...BTC }, () => undefined),
    ];
    await Promise.all(panel.map((s) => s.ready));
    await trades.upcoming((e) => e.type === 'trades', 'trades flowing', 20_000);
    const streams = r.hub.activeStreams().length;
    const shown = await r.emulator.waitForStats((s) => Object.keys(s.subscriptions).length >= 3, 20_000);

    const service = new RecordingService({ hub: r.hub, root, policy: () => ({}), log: r.log, recorder: { flushEveryMs: 250, snapshotEveryMs: 10_000 } });
    const recording = new Promise<void>((resolve) => service.onDidChange(() => service.stateOf(BTC)?.status === 'recording' && resolve()));
    service.setMarkets([BTC]);
    await recording;
    const until = async (ms: number) => {
      const target = emuTime() + ms;
      while (emuTime() < target) await trades.upcoming((e) => e.type === 'trades', 'trades flowing', 10_000);
    };
    await until(20_000);
    const stats = r.emulator.stats();
    assert.equal(stats.openSockets, shown.openSockets, 'no socket opened for the recorder');
    assert.equal(stats.wsConnectionsTotal, shown.wsConnectionsTotal, 'no connection made for it either');
    assert.deepEqual(stats.subscriptions, shown.subscriptions, 'the same topics, each once');
    assert.equal(r.hub.activeStreams().length, streams, 'the hub runs no stream of its own for the recorder');

    const reconnecting = trades.upcoming((e) => e.type === 'state' && e.state.status === 'reconnecting', 'reconnecting');
    r.emulator.dropConnections();
    await reconnecting;
    await trades.upcoming((e) => e.type === 'state' && e.state.status === 'live', 'live again', 30_000);
    await until(30_000);
    r.emulator.setTradesPerSecond(0);
    const last = r.emulator.trades('BTC/USDT').at(-1)!;
    const lastId = r.emulator.wireTradeId('BTC/USDT', last);
    await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === lastId), 'the last trade to arrive', 20_000);
    await service.gapsFilled();

    // The panel closes: the recorder alone holds the streams; they close when it stops.
    for (const s of panel) s.dispose();
    assert.equal(r.hub.activeStreams().length, streams, 'the recorder keeps the market\'s streams');
    service.setMarkets([]);
    await r.emulator.waitForStats((s) => s.openSockets === 0, 20_000);
    await service.close();
    assert.deepEqual(r.hub.activeStreams(), [], 'no stream outlives its last consumer');

    const stored: TradeRow[] = [];
    const problems: string[] = [];
    for await (const e of readRecorded(root, { market: BTC, from: 0, until: Number.MAX_SAFE_INTEGER, onProblem: (m) => problems.push(m) })) if (e.kind === 'trades') stored.push(e.row);
    assert.deepEqual(problems, []);
    const truth = r.emulator.trades('BTC/USDT').map((t) => ({ id: r.emulator.wireTradeId('BTC/USDT', t), ts: t.timestamp, price: t.price, amount: t.amount, side: t.side }));
    const first = truth.findIndex((t) => t.id === stored[0]!.id);
    assert.ok(first >= 0, 'the first stored trade is in the log');
    const expected = truth.slice(first);
    assert.ok(expected.length > 1000, `${expected.length} trades`);
    assert.deepEqual(stored.map((t) => ({ id: t.id, ts: t.ts, price: t.price, amount: t.amount, side: t.side })), expected, 'no loss, no duplicate, across the drop');
    assert.ok(r.log.lines.some((l) => /retrying in/.test(l)), 'the drop happened and was logged');
  });

  it('recording stopped and started again a little later in the session: the trades made between are fetched over REST, each stored once, no hole', async () => {
    const start = Date.now();
    const emuTime = () => start + (Date.now() - start) * SPEED;
    rig = await Rig.start({ tradesPerSecond: 100, historyMinutes: 5, now: emuTime });
    const r = rig;
    const trades = new Recorder<Extract<SubscriptionRequest, { kind: 'trades' }>>();
    const panel = r.hub.subscribe({ kind: 'trades', ...BTC }, trades.consume);
    await panel.ready;
    await trades.upcoming((e) => e.type === 'trades', 'trades flowing', 20_000);
    const until = async (ms: number) => {
      const target = emuTime() + ms;
      while (emuTime() < target) await trades.upcoming((e) => e.type === 'trades', 'trades flowing', 10_000);
    };
    const service = new RecordingService({ hub: r.hub, root, policy: () => ({}), log: r.log, recorder: { flushEveryMs: 250 } });
    const recording = (): Promise<void> => new Promise<void>((resolve) => {
      const sub = service.onDidChange(() => {
        if (service.stateOf(BTC)?.status !== 'recording') return;
        sub.dispose();
        resolve();
      });
    });
    let started = recording();
    service.setMarkets([BTC]);
    await started;
    await until(10_000);
    service.setMarkets([]);
    const stoppedAt = r.emulator.trades('BTC/USDT').length;
    await until(20_000); // not recorded: well within RESUME_WITHIN_MS
    const between = r.emulator.trades('BTC/USDT').length - stoppedAt;
    assert.ok(between > 100, `${between} trades made while not recording`);
    started = recording();
    service.setMarkets([BTC]);
    await started;
    await until(10_000);
    r.emulator.setTradesPerSecond(0);
    const last = r.emulator.trades('BTC/USDT').at(-1)!;
    const lastId = r.emulator.wireTradeId('BTC/USDT', last);
    await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === lastId), 'the last trade to arrive', 20_000);
    await service.gapsFilled();
    panel.dispose();
    await service.close();

    const stored: TradeRow[] = [];
    const problems: string[] = [];
    for await (const e of readRecorded(root, { market: BTC, from: 0, until: Number.MAX_SAFE_INTEGER, onProblem: (m) => problems.push(m) })) if (e.kind === 'trades') stored.push(e.row);
    const holes = await storedHoles(root, BTC, 0, Number.MAX_SAFE_INTEGER, (m) => problems.push(m));
    assert.deepEqual(problems, []);
    const reasons: string[] = holes.map((h) => h.reason);
    assert.deepEqual(reasons, [], 'REST gave the time between');
    const truth = r.emulator.trades('BTC/USDT').map((t) => ({ id: r.emulator.wireTradeId('BTC/USDT', t), ts: t.timestamp, price: t.price, amount: t.amount, side: t.side }));
    const first = truth.findIndex((t) => t.id === stored[0]!.id);
    assert.ok(first >= 0, 'the first stored trade is in the log');
    const expected = truth.slice(first);
    assert.ok(expected.length > 300, `${expected.length} trades`);
    const sorted = [...stored].sort((a, b) => a.ts - b.ts || Number(a.id) - Number(b.id));
    assert.deepEqual(sorted.map((t) => ({ id: t.id, ts: t.ts, price: t.price, amount: t.amount, side: t.side })), expected, 'no loss, no duplicate, the stop\'s trades included');
    assert.ok(r.log.lines.some((l) => /continues the recording stopped earlier/.test(l)), 'the second recording continued the first');
  });
});
