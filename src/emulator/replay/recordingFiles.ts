/** Finds and reads the files of a recording folder (`BASE_QUOTE-trades.json[.gz]`, `BASE_QUOTE-<interval>.json[.gz]`). */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { KLINE_INTERVALS } from '../klines';

const gunzipAsync = promisify(gunzip);

/** A recording file bigger than this (after decompression) is refused: the replay holds everything in memory. */
export const MAX_RECORDING_FILE_BYTES = 256 * 1024 * 1024;

export interface RecordingFileSet {
  readonly base: string;
  readonly quote: string;
  readonly tradesFile: string;
  /** Official kline files by interval ('1m' → path). */
  readonly klineFiles: ReadonlyMap<string, string>;
}

const FILE_NAME = /^([A-Z0-9]{2,12})_([A-Z0-9]{2,12})-([0-9a-zA-Z]+)\.json(\.gz)?$/;

/** The trades file and the official kline files of `dir`; throws naming the folder when they do not fit. */
export async function findRecordingFiles(dir: string): Promise<RecordingFileSet> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new Error(`replay: cannot read the recording folder ${dir}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let market: { base: string; quote: string } | undefined;
  let tradesFile: string | undefined;
  const klineFiles = new Map<string, string>();
  for (const name of names.sort()) {
    const match = FILE_NAME.exec(name);
    if (!match) continue;
    const [, base, quote, kind] = match as unknown as [string, string, string, string];
    if (kind !== 'trades' && !KLINE_INTERVALS.includes(kind)) continue;
    if (market !== undefined && (market.base !== base || market.quote !== quote)) {
      throw new Error(`replay: ${dir} holds files of two markets (${market.base}_${market.quote} and ${base}_${quote}); a recording is one market`);
    }
    market = { base, quote };
    const path = join(dir, name);
    if (kind === 'trades') {
      if (tradesFile !== undefined) throw new Error(`replay: ${dir} has two trades files (${tradesFile} and ${path})`);
      tradesFile = path;
    } else {
      if (klineFiles.has(kind)) throw new Error(`replay: ${dir} has two ${kind} kline files`);
      klineFiles.set(kind, path);
    }
  }
  if (market === undefined || tradesFile === undefined) {
    throw new Error(`replay: ${dir} has no trades file; expected BASE_QUOTE-trades.json or .json.gz (Binance aggTrades rows) beside optional BASE_QUOTE-<interval>.json klines`);
  }
  return { ...market, tradesFile, klineFiles };
}

/** Parses a JSON file, gunzipping `.gz` files first; errors name the file. */
export async function readJsonFile(path: string): Promise<unknown> {
  const size = (await stat(path)).size;
  if (size > MAX_RECORDING_FILE_BYTES) throw new Error(`replay: ${path} is ${size} bytes; the limit is ${MAX_RECORDING_FILE_BYTES}`);
  let bytes: Buffer = await readFile(path);
  if (path.endsWith('.gz')) {
    try {
      bytes = await gunzipAsync(bytes, { maxOutputLength: MAX_RECORDING_FILE_BYTES });
    } catch (error) {
      throw new Error(`replay: ${path} is not a readable gzip file of at most ${MAX_RECORDING_FILE_BYTES} bytes: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (error) {
    throw new Error(`replay: ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
