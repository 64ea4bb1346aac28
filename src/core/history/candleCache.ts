import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describeCandles, type CandleKey } from '../keys';
import type { Candle } from '../types';
import { KeyedMutex } from '../util/keyedMutex';
import { isOtherProcessRunning, tempFileOf, writeAtomic } from '../util/writeAtomic';
import { errorMessage, type Logger } from '../util/log';

const FORMAT_VERSION = 1;
const HEADER = 'time,open,high,low,close,volume';

export interface CacheMeta {
  readonly version: number;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly count: number;
  readonly first: number | null;
  readonly last: number | null;
  readonly savedAt: number;
}

/**
 * Closed candles on disk, one CSV of rows plus a separate JSON of metadata per (exchange, symbol, timeframe).
 * Writes are atomic (temp file + rename) and serialised per key; a corrupt file is logged, removed and reported
 * as a miss, never thrown.
 */
export class CandleCache {
  private readonly locks = new KeyedMutex();
  /** Keys whose leftover temp files were already swept by this process. */
  private readonly swept = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
  ) {}

  async load(key: CandleKey): Promise<Candle[] | undefined> {
    return this.locks.run(this.paths(key).rows, async () => {
      await this.sweepLeftovers(key);
      return this.readUnlocked(key);
    });
  }

  async save(key: CandleKey, candles: readonly Candle[]): Promise<void> {
    await this.locks.run(this.paths(key).rows, () => this.writeUnlocked(key, candles));
  }

  /** Read-modify-write under the key's lock: `candles` win over cached rows at the same time; keeps the newest `maxRows`. */
  async merge(key: CandleKey, candles: readonly Candle[], maxRows = 50_000): Promise<Candle[]> {
    return this.locks.run(this.paths(key).rows, async () => {
      await this.sweepLeftovers(key);
      const merged = mergeCandles((await this.readUnlocked(key)) ?? [], candles).slice(-maxRows);
      await this.writeUnlocked(key, merged);
      return merged;
    });
  }

  private async readUnlocked(key: CandleKey): Promise<Candle[] | undefined> {
    const { rows, meta } = this.paths(key);
    let text: string;
    try {
      text = await fs.readFile(rows, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      this.log.warn(`cannot read cache for ${describeCandles(key)}: ${errorMessage(err)}`);
      return undefined;
    }
    const parsed = parseRows(text);
    if (typeof parsed === 'string') {
      this.log.warn(`cache for ${describeCandles(key)} is corrupt (${parsed}); discarding ${rows}`);
      await Promise.all([fs.rm(rows, { force: true }), fs.rm(meta, { force: true })]);
      return undefined;
    }
    return parsed;
  }

  private async writeUnlocked(key: CandleKey, candles: readonly Candle[]): Promise<void> {
    const { dir, rows, meta } = this.paths(key);
    const info: CacheMeta = {
      version: FORMAT_VERSION,
      exchange: key.exchange,
      symbol: key.symbol,
      timeframe: key.timeframe,
      count: candles.length,
      first: candles[0]?.time ?? null,
      last: candles[candles.length - 1]?.time ?? null,
      savedAt: Date.now(),
    };
    await fs.mkdir(dir, { recursive: true });
    await writeAtomic(rows, formatRows(candles));
    await writeAtomic(meta, JSON.stringify(info, null, 2));
  }

  /**
   * A write killed between its temp file and the rename leaves `<file>.<pid>.<n>.tmp` behind (up to a megabyte
   * each). Once per key and process, under the key's lock, those of processes no longer running are removed; a
   * live process's (another window sharing the cache) are its writes in progress.
   */
  private async sweepLeftovers(key: CandleKey): Promise<void> {
    const { dir, rows, meta } = this.paths(key);
    if (this.swept.has(rows)) return;
    this.swept.add(rows);
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch {
      return; // no directory yet: nothing left over
    }
    const own = [path.basename(rows), path.basename(meta)];
    for (const name of names) {
      const temp = tempFileOf(name);
      if (!temp || !own.includes(temp.target) || isOtherProcessRunning(temp.pid)) continue;
      await fs.rm(path.join(dir, name), { force: true });
      this.log.info(`removed ${name}, left by an interrupted cache write of ${describeCandles(key)}`);
    }
  }

  async readMeta(key: CandleKey): Promise<CacheMeta | undefined> {
    try {
      return JSON.parse(await fs.readFile(this.paths(key).meta, 'utf8')) as CacheMeta;
    } catch (err) {
      this.log.debug(`no cache metadata for ${describeCandles(key)}: ${errorMessage(err)}`);
      return undefined;
    }
  }

  /**
   * Whether the rows may hold a bar in [from, until), from the small metadata file alone, so a page outside them
   * (scrolling left past the oldest cached bar) skips reading and parsing every row. Only valid metadata that
   * places every row outside says no; missing, stale or malformed metadata says maybe (the rows are read).
   */
  async mayHold(key: CandleKey, from: number, until: number): Promise<boolean> {
    const meta = await this.readMeta(key);
    if (meta?.version !== FORMAT_VERSION || typeof meta.first !== 'number' || typeof meta.last !== 'number') return true;
    return meta.first < until && meta.last >= from;
  }

  paths(key: CandleKey): { dir: string; rows: string; meta: string } {
    const dir = path.join(this.dir, safeName(key.exchange), safeName(key.symbol));
    return { dir, rows: path.join(dir, `${key.timeframe}.csv`), meta: path.join(dir, `${key.timeframe}.meta.json`) };
  }
}

/** File-name-safe and reversible enough to stay unique: "BTC/USDT:USDT" → "BTC_USDT_USDT". */
function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9.-]/g, '_');
}

function formatRows(candles: readonly Candle[]): string {
  const lines = [HEADER];
  for (const c of candles) lines.push(`${c.time},${c.open},${c.high},${c.low},${c.close},${c.volume}`);
  return lines.join('\n') + '\n';
}

/** Rows, or a description of the first problem found. */
export function parseRows(text: string): Candle[] | string {
  if (!text.endsWith('\n')) return 'file is truncated (no final newline)';
  const lines = text.split('\n');
  if (lines[0] !== HEADER) return `unexpected header ${JSON.stringify(lines[0]?.slice(0, 60))}`;
  const out: Candle[] = [];
  for (let i = 1; i < lines.length - 1; i++) {
    const parts = lines[i]!.split(',');
    const nums = parts.map(Number);
    if (parts.length !== 6 || nums.some((n) => !Number.isFinite(n))) return `line ${i + 1} is not six numbers`;
    const [time, open, high, low, close, volume] = nums as [number, number, number, number, number, number];
    const prev = out[out.length - 1];
    if (prev && time <= prev.time) return `line ${i + 1} is out of order`;
    out.push({ time, open, high, low, close, volume });
  }
  return out;
}

/** Union by time, sorted; on equal times the bar from `newer` wins. */
export function mergeCandles(older: readonly Candle[], newer: readonly Candle[]): Candle[] {
  const byTime = new Map<number, Candle>();
  for (const c of older) byTime.set(c.time, c);
  for (const c of newer) byTime.set(c.time, c);
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}
