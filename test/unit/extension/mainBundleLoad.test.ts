/**
 * dist/extension.js (entry.ts) runs the extension's bundle with V8's code cache: compiling the 0.9 MB bundle was most
 * of each window's activation. The cache's path must never cost the extension: if it fails the bundle is required
 * plainly, and a bundle that cannot load says which file.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadMain } from '../../../src/extension/entry';
import type { Logger } from '../../../src/core/util/log';

describe("the extension's entry: its bundle loaded with V8's code cache", () => {
  let dir: string;
  let file: string;
  let cacheDir: string;
  let warnings: string[];
  let log: Logger;
  /** The entry's own require, as VS Code's extension host sees it: every request it is asked for. */
  let requested: string[];
  let entryRequire: NodeJS.Require;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'main-bundle-'));
    file = path.join(dir, 'extensionMain.js');
    cacheDir = path.join(dir, 'code');
    writeFileSync(path.join(dir, 'vscode-stand-in.js'), 'module.exports = { marker: "the entry\'s vscode" };\n');
    warnings = [];
    log = { debug: () => undefined, info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
    requested = [];
    const real = createRequire(path.join(dir, 'extension.js'));
    entryRequire = Object.assign((id: string): unknown => {
      requested.push(id);
      return real(id);
    }, real);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const bundle = (head = '') =>
    writeFileSync(file, [head, "const api = require('./vscode-stand-in.js');", 'exports.activate = () => api.marker;', 'exports.deactivate = async () => undefined;'].join('\n'));

  it("runs from the code cache after the first load, its require('vscode') through the entry's own require", async () => {
    bundle();
    const first = loadMain(file, cacheDir, log, entryRequire);
    assert.ok(first.cached);
    assert.equal(first.cached.cache, 'miss');
    assert.equal(await first.cached.save(), true);
    const second = loadMain(file, cacheDir, log, entryRequire);
    assert.equal(second.cached?.cache, 'hit');
    assert.equal(second.main.activate.call(undefined, {} as never), "the entry's vscode");
    assert.deepEqual(requested, ['./vscode-stand-in.js', './vscode-stand-in.js']);
    assert.deepEqual(warnings, []);
  });

  it('a bundle the code cache cannot run is required plainly, and the log says why', () => {
    // A hashbang line: Node's require skips it, but inside the function the cache's path wraps the code in it is a syntax error.
    bundle('#!/usr/bin/env node');
    const loaded = loadMain(file, cacheDir, log, entryRequire);
    assert.equal(loaded.cached, undefined);
    assert.equal(loaded.main.activate.call(undefined, {} as never), "the entry's vscode");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^extensionMain\.js did not load with its code cache \(SyntaxError: .*\): loaded without it$/);
  });

  it('a missing bundle: the error names the file', () => {
    assert.throws(() => loadMain(file, cacheDir, log, entryRequire), (err: Error) => err.message.startsWith(`the extension's bundle ${file} did not load: `) && /Cannot find module/.test(err.message));
  });

  it("a file that is not the extension's bundle: the error names it", () => {
    writeFileSync(file, 'exports.activate = () => undefined;\n');
    assert.throws(() => loadMain(file, cacheDir, log, entryRequire), { message: `the extension's bundle ${file} exports no activate() and deactivate()` });
  });

  it('a bundle that throws while it loads: the error names the file, and its own error is the cause', () => {
    writeFileSync(file, 'throw new Error("broken at load");\n');
    assert.throws(
      () => loadMain(file, cacheDir, log, entryRequire),
      (err: Error) => err.message === `the extension's bundle ${file} did not load: Error: broken at load` && (err.cause as Error).message === 'broken at load',
    );
  });
  it('a bundle that throws while it loads ran once: it is not required again without the cache', () => {
    const runs = '__mainBundleRuns';
    (globalThis as Record<string, unknown>)[runs] = 0;
    writeFileSync(file, `globalThis.${runs}++;\nthrow new Error("broken at load");\n`);
    try {
      assert.throws(() => loadMain(file, cacheDir, log, entryRequire), /did not load: Error: broken at load/);
      assert.equal((globalThis as Record<string, unknown>)[runs], 1, 'its top-level code ran once');
      assert.deepEqual(warnings, [], 'not taken for a code cache failure');
    } finally {
      delete (globalThis as Record<string, unknown>)[runs];
    }
  });
});
