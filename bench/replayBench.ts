/**
 * Record and replay numbers (issue 16): bytes per trade and per book delta on disk, and replay speed — trades/s
 * from the embedded store, and from ClickHouse (a private clickhouse-server), through a hub's replayed market into
 * its candle factory (a minute per seek over the whole range), against the same trades ingested by a factory from
 * memory in the same run (the baseline).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MarketHub } from '../src/core/hub/marketHub';
import type { ClientLookup } from '../src/core/hub/validateRequest';
import { ClickHouseHttp } from '../src/core/record/clickHouseHttp';
import { ClickHouseSink } from '../src/core/record/clickHouseSink';
import { ClickHouseSource } from '../src/core/record/clickHouseSource';
import { ParquetStore } from '../src/core/record/parquetStore';
import type { RecordSink } from '../src/core/record/recordSink';
import type { BookRow, TradeRow } from '../src/core/record/recordTypes';
import { storedDays } from '../src/core/record/storeRetention';
import { replayId } from '../src/core/replay/replayId';
import { ReplayRegistry } from '../src/core/replay/replayRegistry';
import { parquetSource, type RecordSource } from '../src/core/record/recordSource';
import { ClickHouseServer } from '../test/helpers/clickHouseServer';
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
  /** Wall clock and this process's CPU time (the machine is shared: CPU seconds are what one core does, however loaded). */
  replay: { seconds: number; tradesPerSecond: number; tradesPerCpuSecond: number };
  baselineInMemory: { tradesPerSecond: number };
  /** Replay from disk through the hub ÷ the factory fed from memory. */
  ratio: number;
  /** A busy market's day (2 M trades, 1 M book deltas) at the measured sizes. */
  busyDayMB: number;
  /** The same trades and book deltas replayed from ClickHouse (or why that was not measured). */
  clickHouse:
    | {
        replay: { seconds: number; tradesPerSecond: number; tradesPerCpuSecond: number };
        ratioToEmbedded: number;
        ratio: number;
        bytesPerTrade: number;
        bytesPerBookDelta: number;
        insertSeconds: number;
        /** The day's trades read alone, alternated: as Native columns (replay's path) and as RowBinary rows (`readRows`, the path replay took before); CPU ms of this process, medians. */
        readTrades: { nativeCpuMs: number; rowsCpuMs: number; nativeWallMs: number; rowsWallMs: number; cpuRatio: number };
      }
    | { skipped: string };
}

interface Recording {
  readonly trades: TradeRow[][];
  readonly book: BookRow[][];
  readonly lastTs: number;
}

/** A million trades (one every 10 ms) and 200,000 book deltas (10 a second), in the recorder's batches. */
export function makeRecording(totalTrades: number, batch: number): Recording {
  let seed = 7;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  let price = 50_000;
  let ts = START;
  let id = 1_000_000_000;
  const trades: TradeRow[][] = [];
  for (let done = 0; done < totalTrades; done += batch) {
    const rows: TradeRow[] = [];
    for (let i = 0; i < batch; i++) {
      price = Math.round((price + (rand() - 0.5) * 10) * 100) / 100;
      ts += 10;
      rows.push({ ts, id: String(id++), price, amount: Math.round(rand() * 1e5) / 1e5, side: rand() < 0.5 ? 'buy' : 'sell', received: ts + Math.round(rand() * 50) });
    }
    trades.push(rows);
  }
  // Book deltas as the recorder writes them: one level per row, a running seq, 10 updates a second.
  const book: BookRow[][] = [];
  let seq = 0;
  for (let done = 0; done < BOOK_DELTAS; done += batch) {
    const rows: BookRow[] = [];
    for (let i = 0; i < batch; i++) {
      const bid = rand() < 0.5;
      rows.push({ ts: START + (done + i) * 100, seq: ++seq, kind: 'delta', side: bid ? 'bid' : 'ask', price: Math.round((50_000 + (bid ? -1 : 1) * rand() * 50) * 100) / 100, amount: rand() < 0.2 ? 0 : Math.round(rand() * 1e4) / 1e4 });
    }
    book.push(rows);
  }
  return { trades, book, lastTs: ts };
}

const BOOK_DELTAS = 200_000;

export async function store(sink: RecordSink, rec: Recording): Promise<void> {
  for (const rows of rec.trades) await sink.write({ kind: 'trades', market: MARKET, rows });
  for (const rows of rec.book) await sink.write({ kind: 'book', market: MARKET, rows });
  await sink.close();
}

/** Seconds (wall and this process's CPU) from opening the replay (reading the store) to the last trade in candle factories of six timeframes, a minute per seek. */
export async function replaySeconds(source: RecordSource, lastTs: number): Promise<{ seconds: number; cpuSeconds: number }> {
  const replays = new ReplayRegistry(noLive, { source: () => source });
  const hub = new MarketHub({ clients: replays });
  const id0 = replayId({ market: MARKET, start: START });
  // From the open: the session reads the recording's first day there (the whole of this one).
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const handle = await replays.open(id0);
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
  // A minute at a time, as a fast replay advances: each seek is one batch per stream.
  for (let to = START + 60_000; lastData < lastTs; to += 60_000) await handle.session.seek(to);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  for (const sub of subs) sub.dispose();
  handle.dispose();
  await hub.close();
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** The same recording into a private clickhouse-server, its size on disk after merges, and its replay. */
async function benchClickHouse(rec: Recording, totalTrades: number, baselineRate: number, embeddedRate: number): Promise<ReplayBenchResult['clickHouse']> {
  let server: ClickHouseServer;
  try {
    server = await ClickHouseServer.start();
  } catch (err) {
    return { skipped: err instanceof Error ? err.message : String(err) };
  }
  try {
    const conn = { url: server.url, database: 'bench' };
    const t0 = process.hrtime.bigint();
    await store(new ClickHouseSink(conn), rec);
    const insertSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const http = new ClickHouseHttp(conn);
    for (const table of ['trades', 'book']) await http.exec(`OPTIMIZE TABLE ${table} FINAL`);
    let text = '';
    for await (const c of http.chunks("SELECT table, toString(sum(bytes_on_disk)) FROM system.parts WHERE database = 'bench' AND active GROUP BY table FORMAT TabSeparated")) text += c.toString();
    const bytes = new Map(text.trim().split('\n').map((l) => l.split('\t') as [string, string]).map(([t, b]) => [t, Number(b)]));
    const { seconds, cpuSeconds } = await replaySeconds(new ClickHouseSource(conn), rec.lastTs);
    const rate = Math.round(totalTrades / seconds);
    const readTrades = await readTradesAlternated(new ClickHouseSource(conn), totalTrades);
    return {
      replay: { seconds: Math.round(seconds * 100) / 100, tradesPerSecond: rate, tradesPerCpuSecond: Math.round(totalTrades / cpuSeconds) },
      ratioToEmbedded: Math.round((rate / embeddedRate) * 1000) / 1000,
      ratio: Math.round((rate / baselineRate) * 1000) / 1000,
      bytesPerTrade: Math.round(((bytes.get('trades') ?? 0) / totalTrades) * 10) / 10,
      bytesPerBookDelta: Math.round(((bytes.get('book') ?? 0) / BOOK_DELTAS) * 10) / 10,
      insertSeconds: Math.round(insertSeconds * 100) / 100,
      readTrades,
    };
  } finally {
    await server.stop();
  }
}

/** The recording's trades read alone from ClickHouse, three times each way, alternated: Native columns vs RowBinary rows. */
async function readTradesAlternated(source: ClickHouseSource, totalTrades: number): Promise<Extract<ReplayBenchResult['clickHouse'], { replay: unknown }>['readTrades']> {
  const range = { market: MARKET, from: 0, until: Number.MAX_SAFE_INTEGER, kinds: ['trades'] as const };
  const timed = async (read: () => Promise<number>): Promise<{ cpuMs: number; wallMs: number }> => {
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const n = await read();
    if (n !== totalTrades) throw new Error(`read ${n} trades of ${totalTrades}`);
    const cpu = process.cpuUsage(cpu0);
    return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: Number(process.hrtime.bigint() - t0) / 1e6 };
  };
  const native = async () => {
    let n = 0;
    for await (const day of source.readDays(range)) n += day.trades.length;
    return n;
  };
  const rows = async () => {
    let n = 0;
    for await (const e of source.readRows(range)) if (e.kind === 'trades') n++;
    return n;
  };
  const runs: Array<{ native: { cpuMs: number; wallMs: number }; rows: { cpuMs: number; wallMs: number } }> = [];
  for (let i = 0; i < 3; i++) runs.push({ native: await timed(native), rows: await timed(rows) });
  const median = (values: number[]) => Math.round(values.sort((a, b) => a - b)[1] as number);
  const nativeCpuMs = median(runs.map((r) => r.native.cpuMs));
  const rowsCpuMs = median(runs.map((r) => r.rows.cpuMs));
  return { nativeCpuMs, rowsCpuMs, nativeWallMs: median(runs.map((r) => r.native.wallMs)), rowsWallMs: median(runs.map((r) => r.rows.wallMs)), cpuRatio: Math.round((nativeCpuMs / rowsCpuMs) * 1000) / 1000 };
}

export async function benchReplay(totalTrades = 1_000_000, batch = 5000, withClickHouse = true): Promise<ReplayBenchResult> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-bench-replay-'));
  try {
    const rec = makeRecording(totalTrades, batch);
    await store(new ParquetStore(root), rec);
    const days = await storedDays(root);
    const bytesOf = (kind: string) => days.filter((d) => d.kind === kind).reduce((s, d) => s + d.bytes, 0);
    const bytesPerTrade = bytesOf('trades') / totalTrades;
    const bytesPerBookDelta = bytesOf('book') / BOOK_DELTAS;
    const { seconds, cpuSeconds } = await replaySeconds(parquetSource(root), rec.lastTs);
    const baseline = await benchCandleIngest(totalTrades, 6000);
    const replayRate = Math.round(totalTrades / seconds);
    return {
      trades: totalTrades,
      bytesPerTrade: Math.round(bytesPerTrade * 10) / 10,
      bookDeltas: BOOK_DELTAS,
      bytesPerBookDelta: Math.round(bytesPerBookDelta * 10) / 10,
      replay: { seconds: Math.round(seconds * 100) / 100, tradesPerSecond: replayRate, tradesPerCpuSecond: Math.round(totalTrades / cpuSeconds) },
      baselineInMemory: { tradesPerSecond: baseline.tradesPerSecond },
      ratio: Math.round((replayRate / baseline.tradesPerSecond) * 1000) / 1000,
      busyDayMB: Math.round((2_000_000 * bytesPerTrade + 1_000_000 * bytesPerBookDelta) / 1e4) / 100,
      clickHouse: withClickHouse ? await benchClickHouse(rec, totalTrades, baseline.tradesPerSecond, replayRate) : { skipped: 'not asked for' },
    };
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}
