import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CandleCache, parseRows } from '../../src/core/history/candleCache';
import type { CandleKey } from '../../src/core/keys';
import type { Candle } from '../../src/core/types';
import type { Logger } from '../../src/core/util/log';
import { deadPid } from '../helpers/deadPid';

const key: CandleKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
const bars = (n: number, offset = 0): Candle[] =>
  Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    return { time: i * 60_000, open: 1.5 + i, high: 2.25 + i, low: 1 + i, close: 2 + i, volume: 0.1 * (i + 1) };
  });

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
    const dead = deadPid();
    await fs.writeFile(path.join(keyDir, `1m.csv.${dead}.7.tmp`), 'time,open,high,low,close,volume\n1,2');
    await fs.writeFile(path.join(keyDir, `1m.meta.json.${dead}.8.tmp`), '{');
    await fs.writeFile(path.join(keyDir, `1m.csv.${process.ppid}.3.tmp`), 'a write in progress elsewhere');
    const fresh = new CandleCache(dir, log);
    assert.deepEqual(await fresh.load(key), bars(3));
    assert.deepEqual((await fs.readdir(keyDir)).sort(), ['1m.csv', `1m.csv.${process.ppid}.3.tmp`, '1m.meta.json']);
  });

  it('parseRows names the problem', () => {
    assert.match(parseRows('time,open,high,low,close,volume\n1,2,3\n') as string, /line 2 is not six numbers/);
    assert.match(parseRows('nope\n') as string, /unexpected header/);
    assert.match(parseRows('time,open,high,low,close,volume\n1,1,1,1,1,1\n2,1,1') as string, /truncated/);
  });

  it('a row no exchange could have sent is damage, named by its line and field: a page refuses a chart snapshot holding it', async () => {
    const header = 'time,open,high,low,close,volume\n';
    const cases: Array<[row: string, named: RegExp]> = [
      ['60000,0,1,0,1,1', /line 3 is not a bar \(open 0 is not a positive number\)/],
      ['60000,-5,1,-5,1,1', /line 3 is not a bar \(open -5 is not a positive number\)/],
      ['60000,1,1e13,1,1,1', /line 3 is not a bar \(high 10000000000000 is above 1000000000000\)/],
      ['60000,1,1,1,1,-1', /line 3 is not a bar \(volume -1 is not a non-negative number\)/],
      ['-60000,1,1,1,1,1', /line 3 is not a bar \(time -60000 is not a time in ms\)/],
      ['60000.5,1,1,1,1,1', /line 3 is not a bar \(time 60000.5 is not a time in ms\)/],
      ['60000,1,1,1,1,', /line 3 is not six numbers/],
    ];
    for (const [row, named] of cases) assert.match(String(parseRows(`${header}0,1,1,1,1,1\n${row}\n`)), named, row);

    const log = capture();
    const cache = new CandleCache(dir, log);
    await cache.save(key, bars(10));
    const file = cache.paths(key).rows;
    const lines = (await fs.readFile(file, 'utf8')).split('\n');
    lines[9] = '480000,0,9.25,0,9,0.9'; // the 9th bar, its open and low zero
    await fs.writeFile(file, lines.join('\n'));
    assert.equal(await cache.loadFrom(key, 0), undefined, 'the whole read names the damage');
    assert.match(log.warnings.join('\n'), /corrupt \(line 10 is not a bar \(open 0 is not a positive number\)\); discarding/);
    await assert.rejects(fs.access(file), 'the damaged file is removed: its bars come from the exchange again');
  });

  it('parseRows puts rows out of order in order, the later of two at one time winning (two windows appended the same bars)', () => {
    assert.deepEqual(parseRows('time,open,high,low,close,volume\n1,1,1,1,1,1\n2,1,1,1,1,1\n2,5,5,5,5,5\n1,9,9,9,9,9\n'), [
      { time: 1, open: 9, high: 9, low: 9, close: 9, volume: 9 },
      { time: 2, open: 5, high: 5, low: 5, close: 5, volume: 5 },
    ]);
  });

  describe('appends and reads from the end (a file of months of bars is not read or written whole as a bar closes)', () => {
    const inode = async (cache: CandleCache) => (await fs.stat(cache.paths(key).rows)).ino;
    /** Whether `merge` rewrote the file (a new one renamed in) rather than appending to it. */
    const rewrote = async (cache: CandleCache, merge: () => Promise<void>) => {
      const before = await inode(cache);
      await merge();
      return (await inode(cache)) !== before;
    };

    it('bars newer than every row are appended to the same file, and the metadata follows', async () => {
      const cache = new CandleCache(dir, capture());
      await cache.save(key, bars(10));
      assert.equal(await rewrote(cache, () => cache.merge(key, bars(3, 10)).then(() => cache.merge(key, bars(1, 13)))), false, 'appended, not rewritten');
      assert.deepEqual(await cache.load(key), bars(14));
      const meta = await cache.readMeta(key);
      assert.deepEqual([meta?.count, meta?.first, meta?.last, meta?.bytes], [14, 0, 13 * 60_000, (await fs.stat(cache.paths(key).rows)).size]);
    });

    it('an append cut short (a crash in the middle of it) is cut back to the metadata’s size: the bars before it are kept, and appends go on', async () => {
      const log = capture();
      const cache = new CandleCache(dir, log);
      await cache.save(key, bars(10));
      await cache.merge(key, bars(2, 10));
      const file = cache.paths(key).rows;
      const whole = (await fs.stat(file)).size;
      await fs.appendFile(file, '720000,1.5,2'); // the next bar's row, cut
      assert.deepEqual(await cache.loadFrom(key, 0), bars(12));
      assert.equal((await fs.stat(file)).size, whole, 'cut back');
      assert.equal(log.warnings.length, 0, 'not damage');
      assert.equal(await rewrote(cache, () => cache.merge(key, bars(1, 12))), false, 'appended again');
      assert.deepEqual(await cache.load(key), bars(13));
    });

    it('a bar at or before the last row (a revision) rewrites the file, the new bar winning', async () => {
      const cache = new CandleCache(dir, capture());
      await cache.save(key, bars(10));
      const revised = { ...bars(1, 9)[0]!, close: 99 };
      assert.equal(await rewrote(cache, () => cache.merge(key, [revised, ...bars(1, 10)])), true);
      assert.deepEqual(await cache.load(key), [...bars(9), revised, ...bars(1, 10)]);
    });

    it('another window’s write since the metadata (the size differs) makes a rewrite that loses nothing of either', async () => {
      const cache = new CandleCache(dir, capture());
      await cache.save(key, bars(5));
      const other = bars(1, 5)[0]!;
      await fs.appendFile(cache.paths(key).rows, `${other.time},${other.open},${other.high},${other.low},${other.close},${other.volume}\n`);
      assert.equal(await rewrote(cache, () => cache.merge(key, bars(1, 6))), true, 'rewritten');
      assert.deepEqual(await cache.load(key), bars(7));
    });

    it('two windows appending the same bars at once: each bar is read once, and the next rewrite leaves it once', async () => {
      const cache = new CandleCache(dir, capture());
      await cache.save(key, bars(5));
      const rows = await fs.readFile(cache.paths(key).rows, 'utf8');
      const tail = rows.split('\n').slice(-3).join('\n'); // the last two rows, and the final newline
      await fs.appendFile(cache.paths(key).rows, tail);
      assert.deepEqual(await cache.load(key), bars(5));
      await cache.merge(key, bars(1, 5));
      assert.deepEqual(await cache.load(key), bars(6));
      assert.equal((await fs.readFile(cache.paths(key).rows, 'utf8')).split('\n').length, 8, 'header, six rows, the final newline');
    });

    it('past its bound by a tenth the file is rewritten to the newest maxRows', async () => {
      const cache = new CandleCache(dir, capture());
      await cache.merge(key, bars(100), 100);
      await cache.merge(key, bars(10, 100), 100);
      assert.equal((await cache.load(key))?.length, 110, 'within a tenth: appended');
      await cache.merge(key, bars(1, 110), 100);
      assert.deepEqual((await cache.load(key))?.map((c) => c.time), bars(100, 11).map((c) => c.time));
    });

    it('the newest bars are read from the file’s end: a damaged row far before them is not read; a range reaching it is', async () => {
      const log = capture();
      const cache = new CandleCache(dir, log);
      const all = bars(4_000); // ≈ 170 kB: more than the first read from the end (64 kB), which holds the newest 500 rows
      await cache.save(key, all);
      const file = cache.paths(key).rows;
      const text = await fs.readFile(file, 'utf8');
      assert.ok(text.length > 2 * 64 * 1024, `a file (${text.length} bytes) that the first read from its end does not reach the start of`);
      const second = text.indexOf('\n') + 1;
      await fs.writeFile(file, `${text.slice(0, second)}x${text.slice(second + 1)}`); // row 1 damaged, size kept
      const from = all[3_500]!.time;
      assert.deepEqual(await cache.loadFrom(key, from), all.slice(3_500));
      assert.equal(log.warnings.length, 0);
      assert.equal(await cache.loadFrom(key, 0), undefined, 'the whole file read: its damage found');
      assert.match(log.warnings.join('\n'), /corrupt.*line 2 is not six numbers/);
    });

    it('a small file is read whole; a range before every row gives nothing', async () => {
      const cache = new CandleCache(dir, capture());
      await cache.save(key, bars(10, 100));
      assert.deepEqual(await cache.loadFrom(key, 105 * 60_000), bars(5, 105));
      assert.deepEqual(await cache.loadFrom(key, 0), bars(10, 100));
      assert.deepEqual(await cache.loadFrom({ ...key, timeframe: '5m' }, 0), undefined, 'nothing cached');
    });
  });
});
