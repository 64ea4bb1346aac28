/**
 * A recorded Parquet file is untrusted input: a footer whose row count disagrees with what the file holds is skipped
 * and named, before anything is sized by its count (a footer claiming 50 million rows of a 1,500-row file made the
 * reader allocate and check them all: 70 s of the extension host's thread and 2 GB), and one claiming fewer rows
 * than its row groups hold does not silently drop the rest.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parquetMetadata, type FileMetaData } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { encodeBatch } from '../../../src/core/record/parquetStore';
import { readPart } from '../../../src/core/record/recordReader';
import type { TradeRow } from '../../../src/core/record/recordTypes';

const market = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
/** More than the writer's first row group (1,000 rows): the file has two. */
const ROWS = 1500;
const trades: TradeRow[] = Array.from({ length: ROWS }, (_, i) => ({ ts: 1.7e12 + i, id: String(i + 1), price: 100 + i, amount: 1, side: 'buy', received: 1.7e12 + i }));

/** The file's bytes with its footer rewritten by `edit` (the column data untouched). */
function withFooter(bytes: Uint8Array, edit: (m: FileMetaData) => FileMetaData): Uint8Array {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const footerLength = new DataView(buffer).getUint32(buffer.byteLength - 8, true);
  const body = new Uint8Array(buffer, 0, buffer.byteLength - 8 - footerLength);
  const writer = new ByteWriter();
  // hyparquet-writer types the footer with its own (older) copy of hyparquet's types: the same shape for these files.
  writeMetadata(writer, edit(parquetMetadata(buffer)) as unknown as Parameters<typeof writeMetadata>[1]);
  const footer = new Uint8Array(writer.getBuffer());
  const out = new Uint8Array(body.length + footer.length + 8);
  out.set(body);
  out.set(footer, body.length);
  new DataView(out.buffer).setUint32(body.length + footer.length, footer.length, true);
  out.set(new TextEncoder().encode('PAR1'), out.length - 4);
  return out;
}

describe('recorded Parquet files with a footer that lies', () => {
  let dir: string;
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-footer-'))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  async function read(bytes: Uint8Array): Promise<{ rows: number; problems: string[] }> {
    const file = path.join(dir, 'part.parquet');
    await fs.writeFile(file, bytes);
    const problems: string[] = [];
    const rows = await readPart(file, 'trades', (m) => problems.push(m));
    return { rows: rows.length, problems };
  }

  const original = encodeBatch({ kind: 'trades', market, rows: trades });

  it('an honest footer, rewritten as it was, reads every row (the rewriting itself changes nothing)', async () => {
    assert.equal(parquetMetadata(original.slice().buffer).row_groups.length, 2);
    assert.deepEqual(await read(withFooter(original, (m) => m)), { rows: ROWS, problems: [] });
  });

  it('a file row count above its row groups’ is skipped, naming both, without reading that many rows', async () => {
    const { rows, problems } = await read(withFooter(original, (m) => ({ ...m, num_rows: 3_000_000n })));
    assert.equal(rows, 0);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /skipped the recorded file .*part\.parquet: .*footer says 3000000 rows, but its row groups hold 1500/);
  });

  it('a row count below its row groups’ is skipped and named, not read short', async () => {
    const { rows, problems } = await read(withFooter(original, (m) => ({ ...m, num_rows: 1200n })));
    assert.equal(rows, 0);
    assert.match(problems[0] ?? '', /footer says 1200 rows, but its row groups hold 1500/);
  });

  it('row groups that lie with the file (3,000,000 rows claimed in all) are caught by the columns decoded', async () => {
    const lying = withFooter(original, (m) => ({ ...m, num_rows: 3_000_000n, row_groups: m.row_groups.map((g, i) => (i === 1 ? { ...g, num_rows: 3_000_000n - 1000n } : g)) }));
    const { rows, problems } = await read(lying);
    assert.equal(rows, 0);
    assert.match(problems[0] ?? '', /footer says 3000000 rows, but its column ts holds 1500/);
  });

  it('a file cut anywhere is skipped and named', async () => {
    for (const at of [4, 100, original.length / 2, original.length - 9, original.length - 1]) {
      const { rows, problems } = await read(original.subarray(0, Math.floor(at)));
      assert.equal(rows, 0, `cut at ${at}`);
      assert.match(problems[0] ?? '', /skipped the recorded file .*part\.parquet: /, `cut at ${at}`);
    }
  });
});
