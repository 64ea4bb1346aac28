// The lint `npm test` runs: which layer may import what, and the type-aware rules of the project's standards. The
// layers are drawn in docs/ARCHITECTURE.md; test/unit/architecture/ proves these rules stay on.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

const nodeBuiltins = [...builtinModules.filter((m) => !m.startsWith('_')), ...builtinModules.map((m) => `node:${m}`)];

/** Who may not import whom, by folder (on resolved paths, so `../../x` and `./x` are judged alike). */
const layerZones = [
  {
    target: 'src/core',
    from: ['src/extension', 'src/webviews', 'src/shared/protocol', 'src/cli', 'src/emulator'],
    message: 'The engine (src/core) serves the extension and the CLI alike: of the other layers it imports only src/shared/util.',
  },
  {
    // What every side shares — the host↔webview protocol, the event and disposable primitives — is pure TypeScript
    // that depends on nothing, so neither the engine's Node world nor the webviews' DOM can leak through it.
    target: 'src/shared',
    from: ['src/core', 'src/extension', 'src/webviews', 'src/cli', 'src/emulator'],
    message: 'src/shared is imported by every side: it imports no layer.',
  },
  {
    // A webview imports nothing from src/core, not even types: what a panel shares with the host is the protocol
    // (src/shared/protocol). A pure helper both sides need moves into that neutral contract, never the other way:
    // any engine module may use Node.
    target: 'src/webviews',
    from: ['src/core', 'src/extension', 'src/cli', 'src/emulator'],
    message: 'Webviews run in the browser and share only src/shared (the protocol, the event primitive) with the host.',
  },
  {
    target: 'src/extension',
    from: ['src/cli', 'src/emulator', 'src/webviews'],
    message: 'The extension uses the engine and the protocol (src/shared/protocol), never the CLI, the emulator (an endpoint setting points at one) or the webviews\' code.',
  },
  {
    target: 'src/cli',
    from: ['src/extension', 'src/webviews', 'src/shared/protocol', 'src/emulator'],
    message: 'The CLI uses the engine (and the shared primitives) only.',
  },
  {
    target: 'src/emulator',
    from: ['src/extension', 'src/webviews', 'src/shared', 'src/cli'],
    message: 'The emulator is a standalone server: it never imports the app.',
  },
  {
    // The one engine module the emulator reads is the URL layout that points ccxt at an endpoint, so that it can
    // tell a test which ccxt options reach it; what it serves follows the exchange's documentation, not our client.
    target: 'src/emulator',
    from: 'src/core',
    except: ['./exchange/endpointOverrides.ts'],
    message: 'The emulator follows the exchange documentation, never our client: of the engine it reads only exchange/endpointOverrides.ts.',
  },
  {
    target: 'src',
    from: ['test', 'bench', 'scripts'],
    message: 'Shipped code never imports tests, benchmarks or scripts.',
  },
];

const noVscode = { name: 'vscode', message: 'Only src/extension may use the VS Code API.' };

/** The layer rules alone: no type information needed, so a test can run them on probe files in a second. */
export const layerRules = [
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parser: tseslint.parser },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.json'] })] },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: layerZones }] },
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'src/emulator/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    files: ['src/webviews/**/*.{ts,tsx}', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'A webview reaches the host through acquireVsCodeApi (src/webviews/shared/vscode.ts).' },
            ...nodeBuiltins.map((name) => ({ name, message: 'Webviews (and the protocol they share with the host) run in the browser: no Node built-ins.' })),
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'artifacts/**', '.vscode-test/**', 'bench/results/**'] },
  ...layerRules,
  {
    files: ['src/**/*.{ts,tsx}', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    // One program over every file (tsconfig.eslint.json) costs half the CPU of one per layer; the layers' own
    // settings are checked by `tsc -b`.
    languageOptions: { parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // A control character in a pattern is a typo unless the line says it is meant (as input validation does).
      'no-control-regex': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
    },
  },
  {
    // New code proves presence (a check, or a type that cannot be undefined); the `!` that were there before this
    // rule are counted per file in eslint-suppressions.json and may only go down. Tests may assert and then use `!`.
    files: ['src/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'error' },
  },
);
