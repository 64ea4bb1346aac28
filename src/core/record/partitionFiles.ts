/** The files a reader reads in one partition: the newest compacted file and the parts it does not replace. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { parquetMetadataAsync } from 'hyparquet';
import { hyparquet } from './parquet';
import { errorMessage } from '../util/log';
import { partSpan } from './storeLayout';

/** Key-value metadata of a compacted file: the JSON list of the file names it replaces. */
export const REPLACES_KEY = 'tradesuite.replaces';

/** `compacted-<first>-<last>-<generation>.parquet`: the newest generation of a partition is the one read. */
export function compactedFileName(first: number, last: number, generation: number): string {
  return `compacted-${first}-${last}-${generation}.parquet`;
}

export function compactedSpan(name: string): { readonly first: number; readonly last: number; readonly generation: number } | undefined {
  const m = /^compacted-(\d+)-(\d+)-(\d+)\.parquet$/.exec(name);
  return m ? { first: Number(m[1]), last: Number(m[2]), generation: Number(m[3]) } : undefined;
}

/**
 * A file and the span its name declares: `first` its first row's time; `last` the newest of its rows' times and of
 * its holes' ends (the millisecond before), so a reader looking for holes ending after a time needs only the names
 * (files written before names covered holes: their rows' only).
 */
export interface PartitionFile {
  readonly name: string;
  readonly first: number;
  readonly last: number;
}

/**
 * What a reader reads in a partition: the newest compacted file whose footer reads (if any) and every part it does
 * not replace; the files replaced but still present (a compaction killed before removing them), which the next one
 * removes; and the compacted files newer than it whose footer cannot be read (a damaged disk, a file cut short by a
 * copy), named with why: not read, so the rest of the partition still is (a reader names them, a compaction stops).
 */
export async function partitionFiles(dir: string): Promise<{ readonly files: PartitionFile[]; readonly replaced: string[]; readonly unreadable: UnreadableFile[] }> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return { files: [], replaced: [], unreadable: [] };
  }
  const compacted = names.flatMap((name) => {
    const span = compactedSpan(name);
    return span ? [{ name, ...span }] : [];
  });
  compacted.sort((a, b) => b.generation - a.generation || a.name.localeCompare(b.name));
  let newest: (PartitionFile & { generation: number }) | undefined;
  const replaced = new Set<string>();
  const unreadable: UnreadableFile[] = [];
  for (const c of compacted) {
    let replaces: string[];
    try {
      replaces = await replacedBy(path.join(dir, c.name));
    } catch (err) {
      if (isMissing(err)) throw err; // replaced meanwhile by a newer compaction: the caller lists again
      unreadable.push({ name: c.name, first: c.first, last: c.last, reason: errorMessage(err) });
      continue;
    }
    newest = c;
    for (const name of replaces) replaced.add(name);
    break;
  }
  // Every compacted file after the newest readable one (older, or of its generation) is replaced by it.
  if (newest) for (const c of compacted.slice(unreadable.length + 1)) replaced.add(c.name);
  const files: PartitionFile[] = newest ? [{ name: newest.name, first: newest.first, last: newest.last }] : [];
  for (const name of names) {
    const span = partSpan(name);
    if (span && !replaced.has(name)) files.push({ name, ...span });
  }
  return { files: files.sort((a, b) => a.first - b.first || a.name.localeCompare(b.name)), replaced: names.filter((n) => replaced.has(n)), unreadable };
}

/** A compacted file whose footer (or the list of what it replaces) cannot be read, and why. */
export interface UnreadableFile extends PartitionFile {
  readonly reason: string;
}

const isMissing = (err: unknown): boolean => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';

/** The part names a compacted file replaces, from its key-value metadata (only the file's footer is read). */
async function replacedBy(file: string): Promise<string[]> {
  const value = (await footerKeyValues(file)).get(REPLACES_KEY);
  const list: unknown = value ? JSON.parse(value) : [];
  if (!Array.isArray(list)) throw new Error(`its ${REPLACES_KEY} is not a list`);
  return list.filter((n): n is string => typeof n === 'string');
}

/** A Parquet file's key-value metadata (only its footer is read). */
export async function footerKeyValues(file: string): Promise<Map<string, string>> {
  const meta = await footerOf(file);
  return new Map((meta.key_value_metadata ?? []).flatMap((kv) => (kv.value === undefined ? [] : [[kv.key, kv.value] as const])));
}

/**
 * How many rows a Parquet file holds and its newest `ts`, as its footer says (only the footer is read: a compacted
 * day may be large): the column's statistics, which the store's writer keeps; undefined for a file without them.
 */
export async function footerRows(file: string): Promise<{ readonly count: number; readonly lastTs: number | undefined }> {
  const meta = await footerOf(file);
  let lastTs: number | undefined;
  for (const group of meta.row_groups) {
    for (const column of group.columns) {
      if (column.meta_data?.path_in_schema[0] !== 'ts') continue;
      const max = timeOf(column.meta_data.statistics?.max_value);
      if (max === undefined) return { count: Number(meta.num_rows), lastTs: undefined };
      lastTs = Math.max(lastTs ?? max, max);
    }
  }
  return { count: Number(meta.num_rows), lastTs };
}

/** A `ts` statistic as epoch ms (decoded as a Date for the store's TIMESTAMP_MILLIS column), if it is one. */
function timeOf(value: unknown): number | undefined {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'bigint' ? Number(value) : value;
  return typeof ms === 'number' && Number.isSafeInteger(ms) ? ms : undefined;
}

async function footerOf(file: string): Promise<Awaited<ReturnType<typeof parquetMetadataAsync>>> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    return await hyparquet().parquetMetadataAsync({
      byteLength: size,
      slice: async (start: number, end: number = size) => {
        const bytes = Buffer.alloc(end - start);
        await handle.read(bytes, 0, end - start, start);
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      },
    });
  } finally {
    await handle.close();
  }
}
