/**
 * The candle cache with a long-kept file (`bench candlecache`): 50,000 1m bars, what its bound lets a chart kept open
 * for about 35 days leave, against a file of 500 in the same run. A chart's start reads its newest 500 bars
 * (`loadFrom`, from the file's end) and each closed bar is merged in (`merge`, appended); beside them, what each cost
 * when the whole file was read, merged and rewritten (`load` + `save`, the path before s38).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CandleCache, mergeCandles } from '../src/core/history/candleCache';
import type { CandleKey } from '../src/core/keys';
import type { Candle } from '../src/core/types';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const MINUTE = 60_000;

export interface CacheFileCosts {
  readonly rows: number;
  /** Median ms of: the newest 500 bars read; one closed bar merged; the same two through the whole file. */
  readonly newest500Ms: number;
  readonly mergeOneMs: number;
  readonly wholeReadMs: number;
  readonly wholeMergeMs: number;
}

export interface CandleCacheFileResult {
  readonly small: CacheFileCosts;
  readonly large: CacheFileCosts;
  /** large ÷ small of the newest-500 read and of a merge (1 = the file's length costs nothing). */
  readonly readRatio: number;
  readonly mergeRatio: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(rounds: number, run: (round: number) => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    await run(r);
    ms.push(performance.now() - t);
  }
  return Math.round(median(ms) * 100) / 100;
}

async function costs(rows: number, rounds: number): Promise<CacheFileCosts> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ts-bench-cache-'));
  try {
    const cache = new CandleCache(dir, silent);
    const key: CandleKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
    const start = 1_700_000_000_000;
    const bar = (i: number): Candle => ({ time: start + i * MINUTE, open: 60_000 + i, high: 60_010 + i, low: 59_990 + i, close: 60_005 + i, volume: 12.3456 });
    await cache.save(key, Array.from({ length: rows }, (_, i) => bar(i)));
    let next = rows;
    const mergeOneMs = await timed(rounds, () => cache.merge(key, [bar(next++)]));
    const newest500Ms = await timed(rounds, () => cache.loadFrom(key, start + (next - 500) * MINUTE));
    const wholeReadMs = await timed(rounds, () => cache.load(key));
    const wholeMergeMs = await timed(rounds, async () => cache.save(key, mergeCandles((await cache.load(key)) ?? [], [bar(next++)])));
    return { rows, newest500Ms, mergeOneMs, wholeReadMs, wholeMergeMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchCandleCacheFile(rounds = 15): Promise<CandleCacheFileResult> {
  const small = await costs(500, rounds);
  const large = await costs(50_000, rounds);
  const ratio = (a: number, b: number) => Math.round((a / Math.max(0.01, b)) * 100) / 100;
  return { small, large, readRatio: ratio(large.newest500Ms, small.newest500Ms), mergeRatio: ratio(large.mergeOneMs, small.mergeOneMs) };
}
