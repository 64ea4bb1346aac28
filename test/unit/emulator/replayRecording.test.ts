/** The replay's recording loader (untrusted files: every error names the file and row) and its clock. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadRecording } from '../../../src/emulator';
import { ReplayClock } from '../../../src/emulator/replay/replayClock';

const T0 = Date.parse('2019-10-11T00:00:00Z');
const agg = (a: number, T: number, p = '0.00141342', q = '23.00000000', m = true) => ({ a, p, q, f: a + 100, l: a + 100, T, m, M: true });

describe('replay recording loader', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-replay-'));
  });
  afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

  const write = (name: string, rows: unknown): Promise<void> => {
    const text = JSON.stringify(rows);
    return fs.writeFile(path.join(dir, name), name.endsWith('.gz') ? gzipSync(text) : text);
  };

  it('reads bare aggTrades rows and ccxt trades alike, gzipped or not, and infers tick and step', async () => {
    await write('ABC_ETH-trades.json.gz', [agg(1, T0 + 5, '0.00141340', '2.50000000'), { info: agg(2, T0 + 5, '0.0014135', '10', false), price: 0.0014135 }]);
    await write('ABC_ETH-1m.json', [[T0, 0.0014134, 0.0014135, 0.0014134, 0.0014135, 12.5]]);
    const r = await loadRecording(dir);
    assert.equal(r.symbol, 'ABC/ETH');
    assert.equal(r.spec.pricePrecision, 7);
    assert.equal(r.spec.amountPrecision, 1);
    assert.deepEqual(r.trades.map((t) => [t.id, t.timestamp, t.price, t.amount, t.side, t.firstTradeId]), [
      [1, T0 + 5, 0.0014134, 2.5, 'sell', 101],
      [2, T0 + 5, 0.0014135, 10, 'buy', 102],
    ]);
    assert.deepEqual(r.officialKlines('1m'), [[T0, 0.0014134, 0.0014135, 0.0014134, 0.0014135, 12.5]]);
    assert.equal(r.officialKlines('5m'), undefined);
    assert.deepEqual([r.start, r.end], [T0, T0 + 5]);
  });

  it('names the folder when there is no trades file, and refuses two markets in one folder', async () => {
    await assert.rejects(loadRecording(dir), new RegExp(`${dir} has no trades file`));
    await write('ABC_ETH-trades.json', [agg(1, T0)]);
    await write('XYZ_ETH-1m.json', []);
    await assert.rejects(loadRecording(dir), /two markets \(ABC_ETH and XYZ_ETH\)/);
  });

  it('names the file and row of a trade out of order or with a bad field', async () => {
    await write('ABC_ETH-trades.json', [agg(1, T0 + 10), agg(2, T0 + 9)]);
    await assert.rejects(loadRecording(dir), /ABC_ETH-trades\.json \[1\]: trades must be in recorded order/);
    await write('ABC_ETH-trades.json', [agg(1, T0), { ...agg(2, T0), p: 'NaN' }]);
    await assert.rejects(loadRecording(dir), /ABC_ETH-trades\.json \[1\]: p must be a positive decimal, got "NaN"/);
    await write('ABC_ETH-trades.json', [agg(1, T0), { ...agg(2, T0), m: 'yes' }]);
    await assert.rejects(loadRecording(dir), /\[1\]: m \(is the buyer the maker\) must be true or false/);
  });

  it('names the file and row of a bad kline', async () => {
    await write('ABC_ETH-trades.json', [agg(1, T0)]);
    await write('ABC_ETH-5m.json', [[T0 + 60_000, 1, 1, 1, 1, 0]]);
    await assert.rejects(loadRecording(dir), /ABC_ETH-5m\.json \[0\]: openTime \d+ is not the open of a 5m kline/);
    await write('ABC_ETH-5m.json', [[T0, 0.0014134, 0.0014133, 0.0014134, 0.0014134, 1]]);
    await assert.rejects(loadRecording(dir), /\[0\]: low 0.0014134 and high 0.0014133 do not bracket/);
    await write('ABC_ETH-5m.json', [[T0, 0.001413421, 0.001413421, 0.001413421, 0.001413421, 1]]);
    await assert.rejects(loadRecording(dir), /\[0\]: price 0.001413421 is finer than the recorded tick 1e-8/);
  });

  it('refuses a corrupt gzip file and a file that is not JSON', async () => {
    await fs.writeFile(path.join(dir, 'ABC_ETH-trades.json.gz'), 'not gzip');
    await assert.rejects(loadRecording(dir), /ABC_ETH-trades\.json\.gz is not a readable gzip file/);
    await fs.rm(path.join(dir, 'ABC_ETH-trades.json.gz'));
    await fs.writeFile(path.join(dir, 'ABC_ETH-trades.json'), '[{');
    await assert.rejects(loadRecording(dir), /ABC_ETH-trades\.json is not valid JSON/);
  });
});

describe('replay clock', () => {
  let wall = 0;
  const clock = (paused = false, speed = 60) => new ReplayClock(1_000_000, 2_000_000, speed, paused, () => wall);
  beforeEach(() => (wall = 500));

  it('runs speed × wall time from the start and stops at the end', () => {
    const c = clock();
    assert.equal(c.now(), 1_000_000);
    wall += 1000;
    assert.equal(c.now(), 1_060_000);
    assert.equal(c.wallDelayUntil(1_120_000), 1000);
    wall += 1_000_000;
    assert.equal(c.now(), 2_000_000);
    assert.equal(c.finished, true);
  });

  it('pauses, resumes, changes speed and moves forward without jumps', () => {
    const c = clock();
    wall += 100;
    c.pause();
    wall += 10_000;
    assert.equal(c.now(), 1_006_000);
    assert.equal(c.wallDelayUntil(1_006_001), Infinity);
    c.resume();
    c.setSpeed(1000);
    wall += 10;
    assert.equal(c.now(), 1_016_000);
    c.advanceTo(1_500_000);
    assert.equal(c.now(), 1_500_000);
    assert.throws(() => c.advanceTo(1_400_000), /only move the clock forward/);
    assert.throws(() => c.setSpeed(0), /speed must be a number above 0/);
  });
});
