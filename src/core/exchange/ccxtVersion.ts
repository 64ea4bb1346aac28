/** The version of ccxt this build runs: esbuild.mjs writes it into the bundles (`define`); from source, the installed package's. */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

declare const TRADESUITE_CCXT_VERSION: string | undefined;

let installed: string | undefined;

export function ccxtVersion(): string {
  if (typeof TRADESUITE_CCXT_VERSION === 'string') return TRADESUITE_CCXT_VERSION;
  return (installed ??= installedVersion());
}

/** ccxt's package.json is not among its exports: found from its entry point, up. */
function installedVersion(): string {
  try {
    let dir = path.dirname(require.resolve('ccxt'));
    for (let up = 0; up < 4; up++, dir = path.dirname(dir)) {
      const file = path.join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'ccxt' && typeof pkg.version === 'string') return pkg.version;
    }
  } catch {
    // not installed beside these sources: 'unknown', which no cache file written by a build matches
  }
  return 'unknown';
}
