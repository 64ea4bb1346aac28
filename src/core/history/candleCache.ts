import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describeCandles, type CandleKey } from '../keys';
import type { Candle } from '../types';
import { KeyedMutex } from '../util/keyedMutex';
import { isOtherProcessRunning, tempFileOf, writeAtomic } from '../util/writeAtomic';
import { errorMessage, type Logger } from '../util/log';
import { formatRows, mergeCandles, parseRows, parseTail } from './cacheRows';

export { mergeCandles, parseRows } from './cacheRows';

/**
 * 2 since s57/s58: a contract market's kline volume is kept in trade units (contracts where the exchange trades them),
 * and weeks open on Monday on every exchange; files of 1 are read as no cache and fetched again once.
 */
const FORMAT_VERSION = 2;
/** Appends may take a file this far past its `maxRows` before a merge rewrites it to the newest `maxRows`. */
const APPEND_SLACK = 1.1;
/** The first read from a file's end, in bytes (≈ 1,000 rows); each further read takes four times as much. */
const FIRST_TAIL_BYTES = 64 * 1024;

export interface CacheMeta {
  readonly version: number;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly count: number;
  readonly first: number | null;
  readonly last: number | null;
  readonly savedAt: number;
  /** The rows file's size after the write that wrote this metadata: a file of another size had another write since. */
  readonly bytes?: number;
}

/**
 * Closed candles on disk, one CSV of rows plus a separate JSON of metadata per (exchange, symbol, timeframe).
 * Writes are serialised per key: a rewrite is atomic (temp file + rename); bars newer than every row are appended
 * (`merge`), so a long-kept file is not read, parsed and written whole every time a bar closes; a chart's newest bars
 * are read from the file's end (`loadFrom`). A corrupt file is logged, removed and reported as a miss, never thrown.
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

  /**
   * The cached rows at or after `from`, read from the file's end (only as much as reaches back to `from`): a chart's
   * newest bars out of a file of months of them. The whole file when the range reaches its start, or the end read is
   * not whole rows (then a damaged file is named and removed as by `load`).
   */
  async loadFrom(key: CandleKey, from: number): Promise<Candle[] | undefined> {
    return this.locks.run(this.paths(key).rows, async () => {
      await this.sweepLeftovers(key);
      const tail = await this.readTail(key, from);
      const rows = tail ?? (await this.readUnlocked(key));
      return rows?.filter((c) => c.time >= from);
    });
  }

  /**
   * Under the key's lock: `candles` win over cached rows at the same time; keeps the newest `maxRows` (appends may
   * take it 10 % past that before a rewrite trims it). Bars all newer than the file's last are appended when its
   * metadata says what it holds; otherwise the file is read, merged and rewritten.
   */
  async merge(key: CandleKey, candles: readonly Candle[], maxRows = 50_000): Promise<void> {
    await this.locks.run(this.paths(key).rows, async () => {
      await this.sweepLeftovers(key);
      if (await this.appendUnlocked(key, candles, maxRows)) return;
      const merged = mergeCandles((await this.readUnlocked(key)) ?? [], candles).slice(-maxRows);
      await this.writeUnlocked(key, merged);
    });
  }

  /**
   * Appends `candles` when they are in order and all newer than the file's last row, and the metadata is whole and
   * was written with the file as it is (its size: another window's write since, or one cut short, makes a rewrite).
   * Two windows appending the same bars at once leave them twice: a read keeps the later (cacheRows.ts).
   */
  private async appendUnlocked(key: CandleKey, candles: readonly Candle[], maxRows: number): Promise<boolean> {
    const first = candles[0];
    const last = candles[candles.length - 1];
    if (!first || !last) return false;
    const meta = await this.readMeta(key);
    if (meta?.version !== FORMAT_VERSION || typeof meta.first !== 'number' || typeof meta.last !== 'number' || typeof meta.count !== 'number' || typeof meta.bytes !== 'number') return false;
    if (first.time <= meta.last || meta.count + candles.length > maxRows * APPEND_SLACK) return false;
    for (let i = 1; i < candles.length; i++) if ((candles[i] as Candle).time <= (candles[i - 1] as Candle).time) return false;
    const { rows, meta: metaFile } = this.paths(key);
    let size: number;
    try {
      size = (await fs.stat(rows)).size;
    } catch {
      return false;
    }
    if (size !== meta.bytes) return false;
    const text = formatRows(candles, false);
    await fs.appendFile(rows, text);
    const next: CacheMeta = { ...meta, count: meta.count + candles.length, last: last.time, savedAt: Date.now(), bytes: size + Buffer.byteLength(text) };
    await writeAtomic(metaFile, JSON.stringify(next, null, 2));
    return true;
  }

  /** The rows at the file's end reaching back to `from` or before; undefined when the whole file is to be read instead. */
  private async readTail(key: CandleKey, from: number): Promise<Candle[] | undefined> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.paths(key).rows, 'r');
    } catch {
      return undefined; // none, or unreadable: the whole read says which
    }
    try {
      const size = (await handle.stat()).size;
      for (let length = FIRST_TAIL_BYTES; length < size; length *= 4) {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, size - length);
        const rows = parseTail(buffer.toString('latin1', 0, bytesRead));
        if (rows === undefined) return undefined;
        if (rows.length > 0 && (rows[0] as Candle).time <= from) return rows;
      }
      return undefined;
    } catch {
      return undefined;
    } finally {
      await handle.close();
    }
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
      const kept = await this.keptBeforeCut(key, text);
      if (kept) return kept;
      this.log.warn(`cache for ${describeCandles(key)} is corrupt (${parsed}); discarding ${rows}`);
      await Promise.all([fs.rm(rows, { force: true }), fs.rm(meta, { force: true })]);
      return undefined;
    }
    return parsed;
  }

  /**
   * A file whose end was cut (an append stopped by a crash) is cut back to the size its metadata last recorded, when
   * that ends a whole row: the bars before the append are kept, not discarded with it.
   */
  private async keptBeforeCut(key: CandleKey, text: string): Promise<Candle[] | undefined> {
    if (text.endsWith('\n')) return undefined;
    const bytes = (await this.readMeta(key))?.bytes;
    if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes <= 0 || bytes >= text.length || text[bytes - 1] !== '\n') return undefined;
    const rows = parseRows(text.slice(0, bytes));
    if (typeof rows === 'string') return undefined;
    await fs.truncate(this.paths(key).rows, bytes);
    this.log.info(`cache for ${describeCandles(key)}: an append was cut short; kept the ${rows.length} bars before it`);
    return rows;
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
    const text = formatRows(candles);
    await writeAtomic(rows, text);
    await writeAtomic(meta, JSON.stringify({ ...info, bytes: Buffer.byteLength(text) }, null, 2));
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

