import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** One activation in a fresh process (activateProbe.cjs). */
export interface ActivationSample {
  requireMs: number;
  activateMs: number;
  ccxtLoaded: boolean;
  /** The bundle's code cache was in the storage before the start. */
  codeCache: boolean;
  /** The files activation required by a path (the lazily required chunks must not be among them). */
  required: string[];
}

export interface ActivationMedians {
  medianRequireMs: number;
  medianActivateMs: number;
  medianTotalMs: number;
}

export interface ActivationBuild {
  bundle: string;
  /** The first window after an install or update: no code cache yet. */
  first: ActivationMedians;
  /** Every later window: the code cache the first wrote. */
  cached: ActivationMedians;
  ccxtLoadedAtActivation: boolean;
  requiredAtActivation: string[];
  extensionBundleKiB: number;
}

export interface ActivationResult extends ActivationMedians {
  name: string;
  runs: number;
  ccxtLoadedAtActivation: boolean;
  extensionBundleKiB: number;
  /** This build, then each `others` build, taking turns run by run. */
  builds: ActivationBuild[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs the probe in a fresh Node process: require(bundle) + activate() + deactivate(), a stub vscode. */
export function probeActivation(bundle: string, storage: string): ActivationSample {
  return JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'activateProbe.cjs'), bundle, storage], { encoding: 'utf8' })) as ActivationSample;
}

/**
 * require(dist/extension.js) + activate() in fresh processes with a stub vscode: the extension's own activation cost,
 * each run twice on a new storage directory (no code cache, then the one the first wrote). `others`: the
 * extension.js of other builds (`TRADESUITE_BENCH_ACTIVATION_OTHERS`, comma-separated, e.g. an older commit's in a
 * `git worktree`), run in turn with this one so all see the same minutes of a shared machine.
 */
export function benchActivation(runs = 9, others = (process.env.TRADESUITE_BENCH_ACTIVATION_OTHERS ?? '').split(',').filter(Boolean)): ActivationResult {
  const bundles = [path.join(__dirname, '..', 'dist', 'extension.js'), ...others.map((b) => path.resolve(b))];
  const samples = bundles.map(() => ({ first: [] as ActivationSample[], cached: [] as ActivationSample[] }));
  for (let run = 0; run < runs; run++) {
    bundles.forEach((bundle, i) => {
      const storage = mkdtempSync(path.join(tmpdir(), 'ts-bench-activation-'));
      try {
        samples[i]!.first.push(probeActivation(bundle, storage));
        samples[i]!.cached.push(probeActivation(bundle, storage));
      } finally {
        rmSync(storage, { recursive: true, force: true });
      }
    });
  }
  const builds = bundles.map((bundle, i): ActivationBuild => {
    const { first, cached } = samples[i]!;
    const all = [...first, ...cached];
    return {
      bundle,
      first: medians(first),
      cached: medians(cached),
      ccxtLoadedAtActivation: all.some((s) => s.ccxtLoaded),
      requiredAtActivation: [...new Set(all.flatMap((s) => s.required))].sort(),
      extensionBundleKiB: Math.round(statSync(bundle).size / 1024),
    };
  });
  const self = builds[0]!;
  return { name: 'extension-activation', runs, ...self.cached, ccxtLoadedAtActivation: self.ccxtLoadedAtActivation, extensionBundleKiB: self.extensionBundleKiB, builds };
}

function medians(samples: readonly ActivationSample[]): ActivationMedians {
  return {
    medianRequireMs: round(median(samples.map((s) => s.requireMs))),
    medianActivateMs: round(median(samples.map((s) => s.activateMs))),
    medianTotalMs: round(median(samples.map((s) => s.requireMs + s.activateMs))),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
