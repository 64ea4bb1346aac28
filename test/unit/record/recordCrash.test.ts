import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ParquetStore } from '../../../src/core/record/parquetStore';
import { readRecorded } from '../../../src/core/record/recordReader';
import { partitionDir } from '../../../src/core/record/storeLayout';
import { tempDirPerTest } from '../../helpers/tempDirPerTest';

const market = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const CHILD = path.resolve('test/helpers/recordCrashChild.ts');

describe('recording: crash safety (a real child process killed with SIGKILL)', function () {
  this.timeout(60_000);
  const scratch = tempDirPerTest('ts-crash-');

  it('loses at most the batches not yet reported stored, and every stored file reads whole', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, scratch.path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let reported = 0;
    let writes = 0;
    await new Promise<void>((resolve, reject) => {
      child.on('exit', () => reject(new Error('the child ended before it was killed')));
      let rest = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          const m = /^stored (\d+)$/.exec(line);
          if (!m) continue;
          reported = Number(m[1]);
          // Killed while it keeps writing: past 20 files, the next write is under way or about to be.
          if (++writes === 20) {
            child.kill('SIGKILL');
            resolve();
          }
        }
      });
    });
    assert.equal(await exited, 'SIGKILL');

    const problems: string[] = [];
    const ids: number[] = [];
    for await (const e of readRecorded(scratch.path, { market, from: 0, until: Number.MAX_SAFE_INTEGER, onProblem: (m) => problems.push(m) })) {
      if (e.kind === 'trades') ids.push(Number(e.row.id));
    }
    assert.deepEqual(problems, [], 'no stored file is corrupt');
    assert.ok(ids.length >= reported, `everything reported stored is there (${ids.length} ≥ ${reported})`);
    assert.deepEqual(ids, Array.from({ length: ids.length }, (_, i) => i + 1), 'from the first trade on, no hole and no duplicate');
    assert.ok(ids.length - reported <= 2 * 5000, `at most the batches in flight are beyond what was reported (${ids.length - reported})`);

    // A new store sweeps what the killed write left behind.
    const dir = partitionDir(scratch.path, 'trades', market, 1_764_400_000_000);
    const store = new ParquetStore(scratch.path);
    await store.write({ kind: 'trades', market, rows: [{ ts: 1_764_400_000_000 + ids.length + 1, id: String(ids.length + 1), price: 1, amount: 1, side: 'buy', received: 0 }] });
    await store.close();
    assert.deepEqual((await fs.readdir(dir)).filter((n) => n.endsWith('.tmp')), []);
  });
});
