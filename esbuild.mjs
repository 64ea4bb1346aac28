// Builds every bundle: the extension (node/cjs, vscode external), the CLI bot, the emulator and the webviews.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const nodeCommon = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  // Only mexc and dydx load protobufjs, lazily inside a try/catch.
  external: ['vscode', 'protobufjs', 'protobufjs/*'],
  logLevel: 'warning',
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  { ...nodeCommon, entryPoints: { emulator: 'src/emulator/main.ts' }, outdir: 'dist' },
];

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
