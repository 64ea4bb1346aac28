/**
 * Recording overhead (issue 16): the host's CPU for a hub serving 3 markets (trades, order book, ticker and 1m
 * candles, as panels would) with the RecordingService recording them vs not, in alternating phases of one run.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeRegistry } from '../src/core/exchange/exchangeRegistry';
import { MarketHub } from '../src/core/hub/marketHub';
import { RecordingService } from '../src/core/record/recordingService';
import { storedDays } from '../src/core/record/storeRetention';
import { silentLogger } from '../src/core/util/log';
import { cpuOver } from './cpuWindow';
import { startEmulatorProcess } from './emulatorProcess';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] as const;

export interface RecorderOverheadResult {
  name: 'recorder-overhead';
  markets: number;
  emulatorTradesPerSecondPerMarket: number;
  bookUpdatesPerSecondPerMarket: number;
  seconds: number;
  rounds: number;
  /** Median phase without and with recording; every phase's CPU in % of one core. */
  off: { cpuPercent: number; tradesPerSecond: number; runs: number[] };
  on: { cpuPercent: number; tradesPerSecond: number; runs: number[] };
  /** CPU with recording ÷ without, of the median phases (the goal: ≤ 1.2). */
  ratio: number;
  /** The same per trade received (µs of CPU per trade), which a loaded machine's uneven delivery disturbs less. */
  perTrade: { offMicros: number; onMicros: number; ratio: number };
  /** Bytes the recording phases stored (every kind). */
  storedBytes: number;
}

/** CPU µs per trade received: % of a core × 10 000 ÷ trades per second. */
const micros = (p: { cpuPercent: number; tradesPerSecond: number }) => Math.round(((p.cpuPercent * 10_000) / Math.max(1, p.tradesPerSecond)) * 10) / 10;

export async function benchRecorderOverhead(rate = 1000, seconds = 6, rounds = 5): Promise<RecorderOverheadResult> {
  const emu = await startEmulatorProcess(['--exchange', 'binance', '--rate', String(rate), '--symbols', SYMBOLS.join(','), '--history-minutes', '30', '--markets', 'real-size']);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-bench-record-'));
  const registry = new ExchangeRegistry([{ id: 'binance', endpoint: emu.url }]);
  const hub = new MarketHub({ clients: registry, historyBars: 100 });
  const markets = SYMBOLS.map((symbol) => ({ exchange: 'binance', symbol }));
  const service = new RecordingService({ hub, root, policy: () => ({}), log: silentLogger });
  try {
    let trades = 0;
    let started!: () => void;
    const flowing = new Promise<void>((r) => (started = r));
    const subs = markets.flatMap((m) => [
      hub.subscribe({ kind: 'trades', ...m }, (e) => {
        if (e.type !== 'trades') return;
        trades += e.trades.length;
        started();
      }),
      hub.subscribe({ kind: 'orderbook', ...m }, () => undefined),
      hub.subscribe({ kind: 'ticker', ...m }, () => undefined),
      hub.subscribe({ kind: 'candles', ...m, timeframe: '1m' }, () => undefined),
    ]);
    await flowing;
    await cpuOver(2, () => trades); // warm-up: every stream up, the candles seeded
    const off: Array<{ cpuPercent: number; tradesPerSecond: number }> = [];
    const on: Array<{ cpuPercent: number; tradesPerSecond: number }> = [];
    for (let r = 0; r < rounds; r++) {
      service.setMarkets([]);
      off.push(await cpuOver(seconds, () => trades));
      service.setMarkets(markets);
      on.push(await cpuOver(seconds, () => trades));
    }
    service.setMarkets([]);
    for (const s of subs) s.dispose();
    await service.close();
    const storedBytes = (await storedDays(root)).reduce((sum, d) => sum + d.bytes, 0);
    const median = (xs: Array<{ cpuPercent: number; tradesPerSecond: number }>) => {
      const sorted = [...xs].sort((a, b) => a.cpuPercent - b.cpuPercent);
      return { ...sorted[Math.floor(sorted.length / 2)]!, runs: xs.map((x) => x.cpuPercent) };
    };
    const o = median(off);
    const w = median(on);
    return {
      name: 'recorder-overhead',
      markets: markets.length,
      emulatorTradesPerSecondPerMarket: rate,
      bookUpdatesPerSecondPerMarket: 10,
      seconds,
      rounds,
      off: o,
      on: w,
      ratio: Math.round((w.cpuPercent / o.cpuPercent) * 100) / 100,
      perTrade: { offMicros: micros(o), onMicros: micros(w), ratio: Math.round((micros(w) / micros(o)) * 100) / 100 },
      storedBytes,
    };
  } finally {
    await hub.close();
    await registry.closeAll();
    await emu.stop();
    await fs.rm(root, { recursive: true, force: true });
  }
}
