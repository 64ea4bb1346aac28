// The esbuild options of the shipped bundles, shared by esbuild.mjs and the tests that check what minifying keeps.

/**
 * Node bundles (the extension, the bot, the workers). `keepNames`: minified class names would reach users, since an
 * error's name is its class's (`TradeSuiteError`: `new.target.name`) and messages are `<name>: <text>`
 * ("Qo: Unknown symbol …" in the Alerts view); the cost is one `__name` call per class and named function, at load.
 * @param {boolean} production
 * @returns {import('esbuild').BuildOptions}
 */
export const nodeOptions = (production) => ({
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  keepNames: true,
  // Only mexc and dydx load protobufjs, lazily inside a try/catch.
  external: ['vscode', 'protobufjs', 'protobufjs/*'],
  logLevel: 'warning',
});

/**
 * @param {boolean} production
 * @returns {import('esbuild').BuildOptions}
 */
export const webviewOptions = (production) => ({
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  sourcemap: production ? false : 'inline',
  minify: production,
  logLevel: 'warning',
});
