/**
 * Bench `record` runs bundled and minified as the extension ships, in a child process, not through tsx: the recorder
 * adds calls between our files, each of which tsx's per-module export getters made dearer, so tsx overstated it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { EMULATOR_ENTRY_ENV } from './emulatorProcess';
import type { RecorderOverheadResult } from './recorderOverhead';

export async function benchRecorderOverheadBundled(rate = 1000, seconds = 6, rounds = 5): Promise<RecorderOverheadResult> {
  const outfile = path.join(mkdtempSync(path.join(os.tmpdir(), 'ts-bench-record-')), 'probe.js');
  await build({ entryPoints: [path.join(__dirname, 'recorderOverheadProbe.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, external: ['protobufjs', 'protobufjs/*'], outfile, logLevel: 'warning' });
  const env = { ...process.env, [EMULATOR_ENTRY_ENV]: path.join(__dirname, '..', 'dist', 'emulator.js') };
  const { stdout } = await promisify(execFile)(process.execPath, [outfile, String(rate), String(seconds), String(rounds)], { env, maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as RecorderOverheadResult;
}
