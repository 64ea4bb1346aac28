/**
 * Record and replay numbers (issue 16): bytes per trade and per book delta on disk, and replay speed — trades/s
 * from the embedded store through a hub's replayed market into its candle factory (one seek over the whole range),
 * against the same trades ingested by a factory from memory in the same run (the baseline).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MarketHub } from '../src/core/hub/marketHub';
import type { ClientLookup } from '../src/core/hub/validateRequest';
import { ParquetStore } from '../src/core/record/parquetStore';
import type { BookRow, TradeRow } from '../src/core/record/recordTypes';
import { storedDays } from '../src/core/record/storeRetention';
import { replayId } from '../src/core/replay/replayId';
import { ReplayRegistry } from '../src/core/replay/replayRegistry';
import { parquetSource } from '../src/core/record/recordSource';
import { benchCandleIngest } from './candleIngest';

const MARKET = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const START = Date.UTC(2024, 0, 1);
const TIMEFRAMES_BENCHED = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
const noLive: ClientLookup = { ids: () => [], has: () => false, get: () => Promise.reject(new Error('no live exchange')) };

export interface ReplayBenchResult {
  trades: number;
  bytesPerTrade: number;
  bookDeltas: number;
  bytesPerBookDelta: number;
  replay: { seconds: number; tradesPerSecond: number };
  baselineInMemory: { tradesPerSecond: number };
  /** Replay from disk through the hub ÷ the factory fed from memory. */
  ratio: number;
  /** A busy market's day (2 M trades, 1 M book deltas) at the measured sizes. */
  busyDayMB: number;
}

export async function benchReplay(totalTrades = 1_000_000, batch = 5000): Promise<ReplayBenchResult> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-bench-replay-'));
  try {
    const store = new ParquetStore(root);
    let seed = 7;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    let price = 50_000;
    let ts = START;
    let id = 1_000_000_000;
    for (let done = 0; done < totalTrades; done += batch) {
      const rows: TradeRow[] = [];
      for (let i = 0; i < batch; i++) {
        price = Math.round((price + (rand() - 0.5) * 10) * 100) / 100;
        ts += 10;
        rows.push({ ts, id: String(id++), price, amount: Math.round(rand() * 1e5) / 1e5, side: rand() < 0.5 ? 'buy' : 'sell', received: ts + Math.round(rand() * 50) });
      }
      await store.write({ kind: 'trades', market: MARKET, rows });
    }
    // Book deltas as the recorder writes them: one level per row, a running seq, 10 updates a second.
    const bookDeltas = 200_000;
    let seq = 0;
    for (let done = 0; done < bookDeltas; done += batch) {
      const rows: BookRow[] = [];
      for (let i = 0; i < batch; i++) {
        const bid = rand() < 0.5;
        rows.push({ ts: START + (done + i) * 100, seq: ++seq, kind: 'delta', side: bid ? 'bid' : 'ask', price: Math.round((50_000 + (bid ? -1 : 1) * rand() * 50) * 100) / 100, amount: rand() < 0.2 ? 0 : Math.round(rand() * 1e4) / 1e4 });
      }
      await store.write({ kind: 'book', market: MARKET, rows });
    }
    await store.close();
    const days = await storedDays(root);
    const bytesOf = (kind: string) => days.filter((d) => d.kind === kind).reduce((s, d) => s + d.bytes, 0);
    const bytesPerTrade = bytesOf('trades') / totalTrades;
    const bytesPerBookDelta = bytesOf('book') / bookDeltas;

    const replays = new ReplayRegistry(noLive, { source: () => parquetSource(root) });
    const hub = new MarketHub({ clients: replays });
    const id0 = replayId({ market: MARKET, start: START });
    const handle = await replays.open(id0);
    // The same six timeframes as the in-memory baseline.
    let lastData = 0;
    let snapshots = 0;
    let seeded = () => undefined as void;
    const allSeeded = new Promise<void>((resolve) => (seeded = resolve));
    const subs = TIMEFRAMES_BENCHED.map((timeframe) =>
      hub.subscribe({ kind: 'candles', exchange: id0, symbol: MARKET.symbol, timeframe }, (e) => {
        if (e.type === 'snapshot' && ++snapshots === TIMEFRAMES_BENCHED.length) seeded();
        if (e.type === 'deltas' && e.dataTime !== undefined) lastData = e.dataTime;
      }),
    );
    await allSeeded;
    const t0 = process.hrtime.bigint();
    // A minute at a time, as a fast replay advances: each seek is one batch per stream.
    for (let to = START + 60_000; lastData < ts; to += 60_000) await handle.session.seek(to);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    for (const sub of subs) sub.dispose();
    handle.dispose();
    await hub.close();
    const baseline = await benchCandleIngest(totalTrades, 6000);
    const replayRate = Math.round(totalTrades / seconds);
    return {
      trades: totalTrades,
      bytesPerTrade: Math.round(bytesPerTrade * 10) / 10,
      bookDeltas,
      bytesPerBookDelta: Math.round(bytesPerBookDelta * 10) / 10,
      replay: { seconds: Math.round(seconds * 100) / 100, tradesPerSecond: replayRate },
      baselineInMemory: { tradesPerSecond: baseline.tradesPerSecond },
      ratio: Math.round((replayRate / baseline.tradesPerSecond) * 1000) / 1000,
      busyDayMB: Math.round((2_000_000 * bytesPerTrade + 1_000_000 * bytesPerBookDelta) / 1e4) / 100,
    };
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}
