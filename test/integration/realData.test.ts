/**
 * Real data (issue 10): a real Binance XRP/ETH recording replayed through the emulator from two starting points
 * inside a minute, with a socket drop each. Every 1m and 5m bar the engine builds (REST history, the seam, live
 * trades, the gap backfill) equals Binance's official kline: OHLC exact, volume within 1e-8. The engine's clock is
 * the replay clock, as an engine's clock is the exchange's time.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeRegistry } from '../../src/core/exchange/exchangeRegistry';
import { MarketHub } from '../../src/core/hub/marketHub';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { Timeframe } from '../../src/core/timeframes';
import { ExchangeEmulator, loadRecording, type OfficialKline, type Recording } from '../../src/emulator';
import { captureLog, Recorder } from '../helpers/emulatorHub';
import { REPLAY_FIXTURE } from '../helpers/replayFixture';

const MINUTE = 60_000;
const XRP = { exchange: 'binance', symbol: 'XRP/ETH' } as const;
type CandleReq = Extract<SubscriptionRequest, { kind: 'candles' }>;

describe('real data: XRP/ETH replayed, every bar equals the official kline (real ccxt)', function () {
  this.timeout(60_000);
  let recording: Recording;
  let emu: ExchangeEmulator | undefined;
  let hub: MarketHub | undefined;
  let registry: ExchangeRegistry | undefined;
  let cacheDir: string | undefined;
  before(async () => {
    recording = await loadRecording(REPLAY_FIXTURE);
  });
  afterEach(async () => {
    await hub?.close();
    await registry?.closeAll();
    await emu?.close();
    if (cacheDir) await fs.rm(cacheDir, { recursive: true, force: true });
    hub = registry = emu = cacheDir = undefined;
  });

  // Inside 02:27, whose 5m bar began with a minute without trades (02:25): the seam bar must skip it, as Binance does.
  for (const from of ['2019-10-11T02:27:20Z', '2019-10-11T02:27:47Z']) {
    it(`from ${from}, with a socket drop 4 minutes in: 1m and 5m bars equal Binance's`, async () => {
      const start = Date.parse(from);
      emu = await ExchangeEmulator.start({ replay: { dir: REPLAY_FIXTURE, from: start, paused: true, speed: 120 } });
      const replay = emu.replay!;
      const log = captureLog();
      cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-realdata-'));
      registry = new ExchangeRegistry([{ id: 'binance', endpoint: emu.url }], { log });
      hub = new MarketHub({ clients: registry, cacheDir, log, clock: replay.clock, historyBars: 60, backoff: { baseMs: 50, maxMs: 400, factor: 2, jitter: 0.2 } });
      const views = (['1m', '5m'] as Timeframe[]).map((timeframe) => {
        const req: CandleReq = { kind: 'candles', ...XRP, timeframe };
        const rec = new Recorder<CandleReq>();
        hub!.subscribe(req, rec.consume);
        return { timeframe, rec };
      });
      const tradesReq = { kind: 'trades', ...XRP } as const;
      const witness = new Recorder<typeof tradesReq>();
      await hub.subscribe(tradesReq, witness.consume).ready;
      for (const v of views) await v.rec.next((e) => e.type === 'snapshot', `${v.timeframe} snapshot`, 20_000);
      replay.resume();
      await replay.waitUntil(start + 4 * MINUTE);
      const reconnecting = views[0]!.rec.upcoming((e) => e.type === 'state' && e.state.status === 'reconnecting', 'reconnecting', 20_000);
      emu.dropConnections();
      await reconnecting;
      const end = start + 14 * MINUTE;
      await replay.waitUntil(end);
      replay.pause();
      const last = recording.trades.filter((t) => t.timestamp <= end).at(-1)!;
      await witness.next((e) => e.type === 'trades' && e.trades.some((t) => Number(t.id) >= last.id), 'the last trade before the pause', 20_000);
      assert.ok(!views.some((v) => v.rec.events.some((e) => e.type === 'error')), 'no history error');
      for (const { timeframe, rec } of views) {
        const width = timeframe === '1m' ? MINUTE : 5 * MINUTE;
        const official = new Map((recording.officialKlines(timeframe) as readonly OfficialKline[]).map((k) => [k[0], k]));
        const closed = rec.candles.filter((c) => c.time + width <= last.timestamp);
        const expectedTimes = [...official.keys()].filter((t) => t >= closed[0]!.time && t <= closed.at(-1)!.time);
        assert.deepEqual(closed.map((c) => c.time), expectedTimes, `${timeframe}: a bar for every official kline, minutes without trades included`);
        assert.ok(closed.length >= (timeframe === '1m' ? 60 : 12), `${timeframe}: ${closed.length} closed bars compared`);
        assert.ok(closed.some((c) => c.time >= start), `${timeframe}: bars built live are compared too`);
        for (const c of closed) {
          const k = official.get(c.time);
          assert.ok(k, `${timeframe} ${new Date(c.time).toISOString()}: an official kline exists`);
          const where = `${timeframe} ${new Date(c.time).toISOString()}`;
          assert.deepEqual([c.open, c.high, c.low, c.close], [k[1], k[2], k[3], k[4]], `${where}: OHLC equals Binance's`);
          assert.ok(Math.abs(c.volume - k[5]) <= 1e-8, `${where}: volume ${c.volume} vs ${k[5]}`);
          assert.ok(!c.partial, `${where} is not partial`);
        }
      }
    });
  }
});
