import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import * as path from 'node:path';

export interface ActivationResult {
  name: string;
  runs: number;
  medianRequireMs: number;
  medianActivateMs: number;
  medianTotalMs: number;
  ccxtLoadedAtActivation: boolean;
  extensionBundleKiB: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** require(dist/extension.js) + activate() in fresh processes with a stub vscode: the extension's own activation cost. */
export function benchActivation(runs = 9): ActivationResult {
  const bundle = path.join(__dirname, '..', 'dist', 'extension.js');
  const samples = Array.from({ length: runs }, () => JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'activateProbe.cjs'), bundle], { encoding: 'utf8' })) as { requireMs: number; activateMs: number; ccxtLoaded: boolean });
  return {
    name: 'extension-activation',
    runs,
    medianRequireMs: round(median(samples.map((s) => s.requireMs))),
    medianActivateMs: round(median(samples.map((s) => s.activateMs))),
    medianTotalMs: round(median(samples.map((s) => s.requireMs + s.activateMs))),
    ccxtLoadedAtActivation: samples.some((s) => s.ccxtLoaded),
    extensionBundleKiB: Math.round(statSync(bundle).size / 1024),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
