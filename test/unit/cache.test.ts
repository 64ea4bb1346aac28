import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CandleCache, parseRows } from '../../src/core/history/candleCache';
import type { CandleKey } from '../../src/core/keys';
import type { Candle } from '../../src/core/types';
import type { Logger } from '../../src/core/util/log';

const key: CandleKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
const bars = (n: number, offset = 0): Candle[] =>
  Array.from({ length: n }, (_, i) => ({ time: (i + offset) * 60_000, open: 1.5 + i, high: 2.25 + i, low: 1 + i, close: 2 + i, volume: 0.1 * (i + 1) }));

function capture(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
}

describe('CandleCache', () => {
  let dir: string;
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-cache-'))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('reads back exactly what it wrote, with metadata kept apart from the rows', async () => {
    const cache = new CandleCache(dir, capture());
    const data = bars(50);
    await cache.save(key, data);
    assert.deepEqual(await cache.load(key), data);
    const meta = await cache.readMeta(key);
    assert.equal(meta?.count, 50);
    assert.equal(meta?.symbol, 'BTC/USDT');
    const rows = await fs.readFile(cache.paths(key).rows, 'utf8');
    assert.ok(!rows.includes('BTC'), 'rows hold no metadata');
  });

  it('serialises concurrent merges of one key: no update is lost', async () => {
    const cache = new CandleCache(dir, capture());
    await Promise.all(Array.from({ length: 20 }, (_, i) => cache.merge(key, bars(1, i))));
    const got = await cache.load(key);
    assert.deepEqual(got?.map((c) => c.time), Array.from({ length: 20 }, (_, i) => i * 60_000));
  });

  it('discards a truncated file with a warning and reports a miss', async () => {
    const log = capture();
    const cache = new CandleCache(dir, log);
    await cache.save(key, bars(10));
    const file = cache.paths(key).rows;
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.slice(0, text.length - 7));
    assert.equal(await cache.load(key), undefined);
    assert.match(log.warnings.join('\n'), /corrupt.*truncated/);
    await assert.rejects(fs.access(file), 'the corrupt file is removed');
  });

  it('tells from its metadata whether the rows may hold a bar in a range; missing or malformed metadata says maybe', async () => {
    const cache = new CandleCache(dir, capture());
    assert.equal(await cache.mayHold(key, 0, 60_000), true, 'nothing written: maybe (the read finds nothing)');
    await cache.save(key, bars(10, 100)); // minutes 100..109
    assert.equal(await cache.mayHold(key, 0, 100 * 60_000), false, 'a range before every row');
    assert.equal(await cache.mayHold(key, 110 * 60_000, 200 * 60_000), false, 'a range after every row');
    assert.equal(await cache.mayHold(key, 50 * 60_000, 101 * 60_000), true, 'a range reaching the first row');
    assert.equal(await cache.mayHold(key, 109 * 60_000, 200 * 60_000), true, 'a range holding the last row');
    await fs.writeFile(cache.paths(key).meta, '{"version":1,"first":"x"}');
    assert.equal(await cache.mayHold(key, 0, 100 * 60_000), true, 'malformed metadata is not trusted');
    await fs.writeFile(cache.paths(key).meta, 'not json');
    assert.equal(await cache.mayHold(key, 0, 100 * 60_000), true);
  });

  it('leaves no temp files behind', async () => {
    const cache = new CandleCache(dir, capture());
    await Promise.all([cache.save(key, bars(3)), cache.save(key, bars(4))]);
    const files = await fs.readdir(cache.paths(key).dir);
    assert.deepEqual(files.sort(), ['1m.csv', '1m.meta.json']);
  });

  it('removes temp files left by a write that was killed (issue 10, defect 9), keeping those of running processes', async () => {
    const log = capture();
    const cache = new CandleCache(dir, log);
    await cache.save(key, bars(3));
    const { dir: keyDir } = cache.paths(key);
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = await new Promise<number>((resolve) => child.once('exit', () => resolve(child.pid!)));
    await fs.writeFile(path.join(keyDir, `1m.csv.${deadPid}.7.tmp`), 'time,open,high,low,close,volume\n1,2');
    await fs.writeFile(path.join(keyDir, `1m.meta.json.${deadPid}.8.tmp`), '{');
    await fs.writeFile(path.join(keyDir, `1m.csv.${process.ppid}.3.tmp`), 'a write in progress elsewhere');
    const fresh = new CandleCache(dir, log);
    assert.deepEqual(await fresh.load(key), bars(3));
    assert.deepEqual((await fs.readdir(keyDir)).sort(), ['1m.csv', `1m.csv.${process.ppid}.3.tmp`, '1m.meta.json']);
  });

  it('parseRows names the problem', () => {
    assert.match(parseRows('time,open,high,low,close,volume\n1,2,3\n') as string, /line 2 is not six numbers/);
    assert.match(parseRows('nope\n') as string, /unexpected header/);
    assert.match(parseRows('time,open,high,low,close,volume\n2,1,1,1,1,1\n1,1,1,1,1,1\n') as string, /out of order/);
  });
});
