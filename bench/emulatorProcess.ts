import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

/** Where a bundled bench (whose __dirname is a temporary folder) finds dist/emulator.js. */
export const EMULATOR_ENTRY_ENV = 'TRADESUITE_BENCH_EMULATOR';

/** The emulator in its own process, so its CPU does not count against what is being measured. */
export async function startEmulatorProcess(args: string[]): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const entry = process.env[EMULATOR_ENTRY_ENV] ?? path.join(__dirname, '..', 'dist', 'emulator.js');
  const child = spawn(process.execPath, [entry, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${out}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
  });
  child.stdout!.resume();
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, child, stop };
}
