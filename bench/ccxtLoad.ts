/**
 * ccxt's load in a fresh process (issue 13: it is on a new window's first chart): the production chunk (dist/ccxt.js)
 * through `requireWithCodeCache` with a cache written by an earlier process, against a plain `require` of the same
 * file, interleaved, each load in its own Node process (the probe's own clock around the load only).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median } from './panelHostCpu';

const PROBE = path.join(__dirname, 'ccxtLoadProbe.ts');
const PLAIN_PROBE = `
const started = performance.now();
let x = require(process.argv[1]);
const loadMs = performance.now() - started;
while (!x.pro && x.default) x = x.default;
const exchangeStarted = performance.now();
new x.pro.binance();
const firstExchangeMs = performance.now() - exchangeStarted;
process.stdout.write(JSON.stringify({ loadMs: Math.round(loadMs), firstExchangeMs: Math.round(firstExchangeMs), cache: 'none', cacheBytes: 0 }));
`;

export interface CcxtLoadResult {
  rounds: number;
  /** Medians, ms: the load, and then a first exchange built (code compiled lazily on first use). */
  plain: { loadMs: number; firstExchangeMs: number };
  cached: { loadMs: number; firstExchangeMs: number };
  /** cached ÷ plain of load + first exchange. */
  ratio: number;
  cacheKiB: number;
}

type Sample = { loadMs: number; firstExchangeMs: number; cache: string; cacheBytes: number };

export function benchCcxtLoad(rounds = 9): CcxtLoadResult {
  const chunk = path.join(__dirname, '..', 'dist', 'ccxt.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-ccxt-code-'));
  // The plain load runs without tsx, whose require hook would inspect the 6 MB file on its way.
  const probe = (mode: 'plain' | 'cached'): Sample =>
    JSON.parse(execFileSync(process.execPath, mode === 'plain' ? ['-e', PLAIN_PROBE, chunk] : ['--import', 'tsx', PROBE, chunk, dir], { encoding: 'utf8' })) as Sample;
  try {
    const writer = probe('cached');
    if (writer.cache !== 'miss') throw new Error(`the first cached load found a cache (${writer.cache}) in a new directory`);
    const plain: Sample[] = [];
    const cached: Sample[] = [];
    for (let i = 0; i < rounds; i++) {
      plain.push(probe('plain'));
      const c = probe('cached');
      if (c.cache !== 'hit') throw new Error(`round ${i + 1}: the code cache was not used (${c.cache})`);
      cached.push(c);
    }
    const summary = (xs: Sample[]) => ({ loadMs: median(xs.map((x) => x.loadMs)), firstExchangeMs: median(xs.map((x) => x.firstExchangeMs)) });
    const total = (xs: Sample[]) => median(xs.map((x) => x.loadMs + x.firstExchangeMs));
    return { rounds, plain: summary(plain), cached: summary(cached), ratio: Math.round((total(cached) / total(plain)) * 100) / 100, cacheKiB: Math.round(cached[0]!.cacheBytes / 1024) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
