/**
 * Bench `footprint`'s ingest runs bundled and minified as the extension ships, in a child process, not through tsx,
 * whose per-module export getters sit on every call between our files.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { FootprintIngestResult } from './footprintIngest';

/** `runs` runs of benchFootprintIngest in one process running bench/footprintIngestProbe.ts bundled. */
export async function benchFootprintIngestBundled(runs: number): Promise<FootprintIngestResult[]> {
  const outfile = path.join(mkdtempSync(path.join(os.tmpdir(), 'ts-bench-footprint-')), 'probe.js');
  await build({ entryPoints: [path.join(__dirname, 'footprintIngestProbe.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, outfile, logLevel: 'warning' });
  const { stdout } = await promisify(execFile)(process.execPath, [outfile, String(runs)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as FootprintIngestResult[];
}
