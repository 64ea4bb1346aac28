/** ClickHouse's trades put in recorded order by the reader (time, then insertion), however the server's blocks come. */
import * as assert from 'node:assert/strict';
import { tradeColumnsFromNative, TRADE_NATIVE_COLUMNS } from '../../../src/core/record/clickHouseTradeColumns';
import { ClickHouseAnswerError } from '../../../src/core/record/nativeBlocks';
import { orderOfRuns } from '../../../src/core/record/runMerge';
import type { Trade } from '../../../src/core/types';

interface Row {
  readonly ts: number;
  readonly ins: number;
  readonly id: string;
  readonly price: number;
  readonly amount: number;
  readonly side: 'buy' | 'sell';
}

function varUInt(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}
const text = (s: string): Buffer => Buffer.concat([varUInt(Buffer.byteLength(s)), Buffer.from(s)]);

/** A String column: each value's length as a varUInt, then its bytes; written into one buffer (a Buffer per value and a concat of thousands made most of this file's time). */
function texts(values: readonly string[]): Buffer {
  const out = Buffer.alloc(values.reduce((n, s) => n + 10 + Buffer.byteLength(s), 0));
  let at = 0;
  for (const s of values) {
    let n = Buffer.byteLength(s);
    do {
      out[at++] = (n % 128) | (n >= 128 ? 0x80 : 0);
      n = Math.floor(n / 128);
    } while (n > 0);
    at += out.write(s, at);
  }
  return out.subarray(0, at);
}

/** One Native block of the trades query's columns, as clickhouse-server writes it. */
function block(rows: readonly Row[]): Buffer {
  const n = rows.length;
  const int64 = (values: number[]) => {
    const b = Buffer.alloc(8 * n);
    values.forEach((v, i) => b.writeBigInt64LE(BigInt(v), 8 * i));
    return b;
  };
  const float64 = (values: number[]) => {
    const b = Buffer.alloc(8 * n);
    values.forEach((v, i) => b.writeDoubleLE(v, 8 * i));
    return b;
  };
  const columns: Buffer[] = [
    int64(rows.map((r) => r.ts)),
    int64(rows.map((r) => r.ins)),
    texts(rows.map((r) => r.id)),
    float64(rows.map((r) => r.price)),
    float64(rows.map((r) => r.amount)),
    Buffer.from(rows.map((r) => (r.side === 'buy' ? 1 : 2))),
  ];
  return Buffer.concat([varUInt(TRADE_NATIVE_COLUMNS.length), varUInt(n), ...TRADE_NATIVE_COLUMNS.flatMap((c, i) => [text(c.name), text(c.type), columns[i] as Buffer])]);
}

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const read = (blocks: readonly Row[][], problems: string[] = []) => tradeColumnsFromNative(chunked(Buffer.concat(blocks.map(block)), 997), 'the trades of x', (m) => problems.push(m));
const asTrades = (rows: readonly Row[]): Trade[] => rows.map((r) => ({ id: r.id, timestamp: r.ts, price: r.price, amount: r.amount, side: r.side }));
const recordedOrder = (rows: readonly Row[]): Row[] => [...rows].sort((a, b) => a.ts - b.ts || a.ins - b.ins);

/** A recording: several prints per ms at times, `ins` increasing as written, in `batches` inserts. */
function recording(n: number, from: number, firstIns: number, idOf: (i: number) => string = (i) => String(5_000_000_000 + i)): Row[] {
  return Array.from({ length: n }, (_, i) => ({ ts: from + Math.floor(i / 3), ins: firstIns + i, id: idOf(i), price: 100 + ((i * 7) % 13) * 0.5, amount: 0.001 * (1 + (i % 11)), side: i % 4 === 0 ? 'sell' : 'buy' }));
}

/** Cuts rows into blocks of `size` and deals them out like two reading threads would: runs interleaved. */
function interleaved(rows: readonly Row[], size: number): Row[][] {
  const blocks: Row[][] = [];
  for (let i = 0; i < rows.length; i += size) blocks.push(rows.slice(i, i + size));
  const half = Math.ceil(blocks.length / 2);
  const out: Row[][] = [];
  for (let i = 0; i < half; i++) out.push(...[blocks[i], blocks[half + i]].filter((b): b is Row[] => b !== undefined));
  return out;
}

describe('ClickHouse trades: recorded order and copies, from blocks in any order', () => {
  it('orderOfRuns orders rows of many runs as a stable sort does, and says when they are in order', () => {
    let seed = 3;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (const runs of [1, 2, 3, 7, 64]) {
      const keys: number[] = [];
      for (let r = 0; r < runs; r++) {
        let k = Math.floor(rand() * 50);
        for (let i = 0, len = 1 + Math.floor(rand() * 40); i < len; i++) keys.push((k += Math.floor(rand() * 3)));
      }
      const order = orderOfRuns(keys.length, (a, b) => (keys[a] as number) < (keys[b] as number));
      const expected = keys.map((_, i) => i).sort((a, b) => (keys[a] as number) - (keys[b] as number));
      const got = order ? [...order] : keys.map((_, i) => i);
      assert.deepEqual(got, expected, `${runs} runs`);
      if (order === undefined) assert.deepEqual(keys, [...keys].sort((a, b) => a - b));
    }
  });

  it('parts read one after another, or interleaved by threads, come out in recorded order: ties by insertion', async () => {
    // Enough rows for many 997-byte chunks and blocks, and no more: the test is bound by mocha's timeout, not by its data.
    const first = recording(1200, 1_700_000_000_000, 1_700_000_000_000_000);
    const second = recording(600, 1_700_000_000_150, 1_700_000_000_100_000); // a later insert overlapping in time
    const all = recordedOrder([...first, ...second]);
    assert.deepEqual([...(await read([first.slice(0, 600), first.slice(600), second]))], asTrades(all), 'parts in turn');
    assert.deepEqual([...(await read([second, first]))], asTrades(all), 'a later part first');
    assert.deepEqual([...(await read(interleaved(all, 170)))], asTrades(all), 'blocks interleaved');
    assert.deepEqual([...(await read([all]))], asTrades(all), 'in order already');
  });

  it('a batch stored twice is kept once wherever its copy comes; two trades of one ms with different ids stay two', async () => {
    const rows = recording(1000, 1_700_000_000_000, 1_000_000);
    const copy = rows.slice(600, 700).map((r, i) => ({ ...r, ins: 9_000_000 + i }));
    const burst = Array.from({ length: 40 }, (_, i) => ({ ts: 1_700_000_000_900, ins: 2_000_000 + i, id: `b${i}`, price: 1, amount: 1, side: 'buy' as const }));
    const burstCopy = burst.slice(5, 35).map((r, i) => ({ ...r, ins: 9_500_000 + i }));
    const expected = asTrades(recordedOrder([...rows, ...burst]));
    assert.deepEqual([...(await read([copy, rows, burstCopy, burst]))], expected);
    assert.deepEqual([...(await read(interleaved(recordedOrder([...rows, ...copy, ...burst, ...burstCopy]), 300)))], expected);
  });

  it('insertion numbers beyond 2^53 order exactly; text ids after numeric ones are kept as text', async () => {
    const big = 2 ** 60;
    const rows: Row[] = [
      { ts: 10, ins: big + 4096, id: '1', price: 1, amount: 1, side: 'buy' },
      { ts: 10, ins: big, id: '2', price: 2, amount: 1, side: 'sell' },
      { ts: 11, ins: 5, id: 'x-3', price: 3, amount: 1, side: 'buy' },
    ];
    assert.deepEqual([...(await read([rows.slice(0, 1), rows.slice(1)]))].map((t) => t.id), ['2', '1', 'x-3']);
  });

  it('a value the recorder could not have written skips its row, named; a cut answer is a named error', async () => {
    const rows = recording(10, 1_700_000_000_000, 1);
    const problems: string[] = [];
    const got = await read([[...rows.slice(0, 5), { ...rows[5]!, price: Number.NaN }, { ...rows[6]!, ts: -5 }, ...rows.slice(7)]], problems);
    assert.deepEqual([...got], asTrades([...rows.slice(0, 5), ...rows.slice(7)]));
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /the trades of x: skipped row 5: column price: expected a finite number, got NaN/);
    assert.match(problems[1]!, /skipped row 6: column ts: expected epoch milliseconds/);
    const whole = block(rows);
    await assert.rejects(tradeColumnsFromNative(chunked(whole.subarray(0, whole.length - 3), 100), 'the trades of x', undefined), ClickHouseAnswerError);
  });
});
