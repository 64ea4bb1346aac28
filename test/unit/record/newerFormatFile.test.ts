/** A recorded file a newer TradeSuite wrote (a later store format in its footer) is named and skipped, never misread. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeBatch } from '../../../src/core/record/parquetStore';
import { readPart } from '../../../src/core/record/recordReader';
import type { TradeRow } from '../../../src/core/record/recordTypes';
import { FORMAT_KEY } from '../../../src/core/record/storeFormat';

const market = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const trades: TradeRow[] = [1, 2, 3].map((i) => ({ ts: 1.7e12 + i, id: String(i), price: 100 + i, amount: 1, side: 'buy', received: 1.7e12 + i }));

describe('a recorded file of a newer store format', () => {
  let dir: string;
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-format-'))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  const write = async (name: string, format?: string) => {
    const file = path.join(dir, name);
    await fs.writeFile(file, encodeBatch({ kind: 'trades', market, rows: trades }, format === undefined ? [] : [{ key: FORMAT_KEY, value: format }]));
    return file;
  };

  it('is skipped with a message naming the file and both formats; a file of this format reads as written', async () => {
    const problems: string[] = [];
    const newer = await write('newer.parquet', '2');
    assert.deepEqual(await readPart(newer, 'trades', (m) => problems.push(m)), []);
    assert.deepEqual(problems, [`skipped the recorded file ${newer}: Error: it is in format "2" of the record store, and this TradeSuite reads format 1: a newer TradeSuite wrote it`]);
    const current = await write('current.parquet');
    assert.deepEqual((await readPart(current, 'trades', (m) => problems.push(m))).map((t) => t.id), ['1', '2', '3']);
    assert.equal(problems.length, 1);
  });
});
