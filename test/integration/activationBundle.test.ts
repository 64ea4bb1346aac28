/**
 * The extension activates in every window (onStartupFinished), so its activation cost is paid in each: dist/extension.js
 * is a small entry that runs the bundle (dist/extensionMain.js) from V8's code cache, written after the first window,
 * and activation loads no lazily required chunk. Runs the built bundle with the activation benchmark's probe (a stub
 * vscode, a fresh process per start) and reads the bundle's text.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { probeActivation } from '../../bench/activation';

const dist = path.join(__dirname, '..', '..', 'dist');

describe('activation of the built extension', () => {
  let storage: string;
  beforeEach(() => (storage = mkdtempSync(path.join(tmpdir(), 'activation-bundle-'))));
  afterEach(() => rmSync(storage, { recursive: true, force: true }));

  it('what VS Code requires is a small entry; the bundle is beside it', () => {
    assert.ok(statSync(path.join(dist, 'extension.js')).size < 16 * 1024, `${statSync(path.join(dist, 'extension.js')).size} bytes`);
    assert.ok(statSync(path.join(dist, 'extensionMain.js')).size > 256 * 1024);
  });

  it('the first start writes the code cache (at deactivation at the latest), the next start runs from it', () => {
    const first = probeActivation(path.join(dist, 'extension.js'), storage);
    assert.equal(first.codeCache, false);
    assert.deepEqual(readdirSync(path.join(storage, 'code')).map((n) => n.replace(/-[0-9a-f]{16}\./, '-<key>.')), ['extensionMain.js-<key>.v8cache']);
    const second = probeActivation(path.join(dist, 'extension.js'), storage);
    assert.equal(second.codeCache, true);
  });

  it('ccxt, the yaml parser and Parquet are chunks of their own beside the bundle, and activation requires none of them', () => {
    const main = readFileSync(path.join(dist, 'extensionMain.js'), 'utf8');
    for (const chunk of ['ccxt.js', 'yaml.js', 'hyparquet.js', 'hyparquet-writer.js']) {
      assert.ok(existsSync(path.join(dist, chunk)), chunk);
      assert.ok(main.includes(`require("./${chunk}")`), `the bundle requires ./${chunk}`);
    }
    // Their functions' and classes' names, which the bundle's keepNames would set where they are defined.
    assert.doesNotMatch(main, /, ?"(YAMLParseError|parquetMetadata|parquetWriteBuffer)"\)/, 'yaml and hyparquet are not bundled in');
    const started = probeActivation(path.join(dist, 'extension.js'), storage);
    assert.equal(started.ccxtLoaded, false);
    assert.deepEqual(started.required, ['extension.js']);
  });

  it('the .vsix ships every file the entry and the bundle require beside them (.vscodeignore)', () => {
    const shipped = new Set(readFileSync(path.join(dist, '..', '.vscodeignore'), 'utf8').split('\n').filter((l) => l.startsWith('!dist/')).map((l) => l.slice('!dist/'.length)));
    const required = (file: string) => [...readFileSync(path.join(dist, file), 'utf8').matchAll(/require\("\.\/([\w-]+\.js)"\)/g)].map((m) => m[1]!);
    const files = new Set(['extension.js']);
    for (const file of files) for (const next of file === 'extension.js' ? ['extensionMain.js'] : required(file)) files.add(next);
    assert.ok(files.has('hyparquet.js') && files.has('yaml.js'), [...files].join(', '));
    for (const file of files) assert.ok(shipped.has(file), `${file} is in .vscodeignore's list`);
  });
});
