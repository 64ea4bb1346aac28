// Builds every bundle: the extension (node/cjs, vscode external), ccxt as its own lazily-required chunk, the
// exchange emulator, and the webviews (browser/iife).
import { readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { generateCcxtExchanges } from './scripts/gen-ccxt-exchanges.mjs';
import { nodeOptions, webviewOptions } from './scripts/esbuildOptions.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * The extension never parses ccxt at activation: `import('ccxt')` becomes `require('./ccxt.js')`, a separate file.
 * A require, not a dynamic import: Node's ESM loader would first parse the 6 MB chunk to detect its module format
 * and then scan it for exports (0.3–0.4 s of a cold chart's start in the extension host).
 */
const ccxtAsChunk = chunksPlugin(['ccxt']);
const requireChunks = { plugins: [ccxtAsChunk], supported: { 'dynamic-import': false } };
/**
 * The extension activates in every window: the yaml parser and Parquet's reader and writer (0.24 MB) are files of
 * their own too, required on first use (src/core/util/lazily.ts), not compiled at activation.
 */
const lazyChunks = ['yaml', 'hyparquet', 'hyparquet-writer'];
const extensionChunks = { plugins: [chunksPlugin(['ccxt', ...lazyChunks])], supported: { 'dynamic-import': false } };

/** @param {string[]} packages each required from `./<package>.js` beside the bundle instead of bundled */
function chunksPlugin(packages) {
  return {
    name: 'packages-as-chunks',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^(${packages.join('|')})$`) }, (args) => (args.kind === 'entry-point' ? undefined : { path: `./${args.path}.js`, external: true }));
    },
  };
}

const node = nodeOptions(production);
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
/** The markets cache records which ccxt parsed its markets (src/core/exchange/ccxtVersion.ts). */
const ccxtVersion = JSON.stringify(JSON.parse(readFileSync('node_modules/ccxt/package.json', 'utf8')).version);
const webview = webviewOptions(production);

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  // extension.js (what VS Code requires) is a small entry that runs extensionMain.js with V8's code cache (entry.ts).
  { ...node, entryPoints: { extension: 'src/extension/entry.ts', extensionMain: 'src/extension/extension.ts' }, outdir: 'dist', ...extensionChunks, define: { TRADESUITE_CCXT_VERSION: ccxtVersion } },
  // The extension's lazily required packages; the writer's own imports of the reader come from its chunk.
  { ...node, entryPoints: Object.fromEntries(lazyChunks.map((p) => [p, p])), outdir: 'dist', plugins: [chunksPlugin(['hyparquet'])] },
  // No dynamic import() left in it: the chunk runs from a vm.Script (for its code cache), which cannot run one.
  // Always minified (6 MB); names kept, since errors are classified by the class names along their prototype chain
  // (errorKind.ts: a minified `RequestTimeout > qe > Je` is no NetworkError, and was never retried).
  { ...node, entryPoints: { ccxt: 'src/core/exchange/ccxtEntry.ts' }, outdir: 'dist', sourcemap: false, minify: true, supported: { 'dynamic-import': false } },
  { ...node, entryPoints: { emulator: 'src/emulator/main.ts' }, outdir: 'dist' },
  // Large alerts.yaml files are parsed in this worker, off the extension host's (and the bot's) main thread.
  { ...node, entryPoints: { alertsConfigWorker: 'src/core/alerts/config/alertsConfigWorker.ts' }, outdir: 'dist' },
  // The headless alert bot: `tradesuite-alerts` (package.json "bin"); shares dist/ccxt.js with the extension.
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', ...requireChunks, define: { TRADESUITE_VERSION: JSON.stringify(version), TRADESUITE_CCXT_VERSION: ccxtVersion } },
  // The mocha suite that runs inside the extension host, and its *.e2e.ts files (mocha is bundled in).
  {
    ...node,
    entryPoints: ['test/e2e/suite/index.ts', 'test/e2e/**/*.e2e.ts'],
    outbase: 'test/e2e',
    outdir: 'out/e2e',
    logOverride: { 'require-resolve-not-external': 'silent' },
  },
  { ...webview, entryPoints: { chart: 'src/webviews/chart/main.tsx', chartPreview: 'src/webviews/chartPreview/main.ts', pageLoader: 'src/webviews/pageLoader/main.ts', orderbook: 'src/webviews/orderbook/main.tsx', dom: 'src/webviews/dom/main.tsx', tape: 'src/webviews/tape/main.tsx', heatmap: 'src/webviews/heatmap/main.tsx' }, outdir: 'dist/webviews' },
];

// `--e2e-only`: just the e2e suite (after `npm run package` has built the production bundles).
if (process.argv.includes('--e2e-only')) builds.splice(0, builds.length, ...builds.filter((b) => String(b.outdir).startsWith('out/')));

await generateCcxtExchanges();
if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
