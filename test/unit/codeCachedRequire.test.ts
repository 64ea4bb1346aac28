import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { requireWithCodeCache } from '../../src/core/util/codeCachedRequire';
import type { Logger } from '../../src/core/util/log';
import { deadPid } from '../helpers/deadPid';

describe('requireWithCodeCache: a CommonJS file run with its V8 code cache kept on disk', () => {
  let dir: string;
  let file: string;
  let cacheDir: string;
  let warnings: string[];
  let log: Logger;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'code-cache-'));
    file = path.join(dir, 'chunk.js');
    cacheDir = path.join(dir, 'cache');
    writeFileSync(path.join(dir, 'helper.js'), 'module.exports = (x) => x * 2;\n');
    writeChunk('');
    warnings = [];
    log = { debug: () => undefined, info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A module that requires a file beside it, reads its own path and can throw from its third line. */
  function writeChunk(extra: string): void {
    writeFileSync(
      file,
      ["'use strict';", "const double = require('./helper.js');", 'function fail() { throw new Error("from line 3"); }', 'exports.double = double;', 'exports.where = [__filename, __dirname];', 'exports.fail = fail;', 'module.exports.loads = (globalThis.__chunkLoads = (globalThis.__chunkLoads ?? 0) + 1);', extra].join('\n'),
    );
  }

  type Chunk = { double: (x: number) => number; where: [string, string]; fail: () => void; loads: number };
  const load = () => requireWithCodeCache(file, cacheDir, log);
  const cacheFiles = () => readdirSync(cacheDir).filter((n) => n.endsWith('.v8cache'));

  it('runs the file as require would: its own require, __filename, __dirname and line numbers', () => {
    const chunk = load().exports as Chunk;
    assert.equal(chunk.double(21), 42);
    assert.deepEqual(chunk.where, [file, dir]);
    assert.throws(chunk.fail, (err: Error) => (err.stack ?? '').includes(`${file}:3:`));
  });

  it('a miss, then saved, then a hit that runs the module afresh; a hit writes nothing', async () => {
    const first = load();
    assert.equal(first.cache, 'miss');
    assert.equal(await first.save(), true);
    assert.equal(await first.save(), false, 'saved once');
    assert.deepEqual(cacheFiles(), [path.basename(first.cacheFile)]);
    const second = load();
    assert.equal(second.cache, 'hit');
    assert.equal((second.exports as Chunk).loads, (first.exports as Chunk).loads + 1, 'the module ran again');
    assert.equal((second.exports as Chunk).double(4), 8);
    assert.equal(await second.save(), false);
  });

  it('a damaged cache file is refused before V8 sees it, the module still loads, and the save replaces it', async () => {
    const first = load();
    await first.save();
    const bytes = readFileSync(first.cacheFile);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(first.cacheFile, bytes);
    const damaged = load();
    assert.equal(damaged.cache, 'rejected');
    assert.equal((damaged.exports as Chunk).double(5), 10);
    assert.equal(await damaged.save(), true);
    assert.equal(load().cache, 'hit');
  });

  it('a truncated or empty cache file is refused', async () => {
    const first = load();
    await first.save();
    writeFileSync(first.cacheFile, readFileSync(first.cacheFile).subarray(0, 100));
    assert.equal(load().cache, 'rejected');
    writeFileSync(first.cacheFile, '');
    assert.equal(load().cache, 'rejected');
  });

  it('a new build of the file gets its own cache, and saving it removes the old one', async () => {
    const old = load();
    await old.save();
    writeChunk('exports.version = 2;');
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    const rebuilt = load();
    assert.equal(rebuilt.cache, 'miss');
    assert.notEqual(rebuilt.cacheFile, old.cacheFile);
    assert.equal((rebuilt.exports as Chunk & { version: number }).version, 2);
    await rebuilt.save();
    assert.deepEqual(cacheFiles(), [path.basename(rebuilt.cacheFile)]);
  });

  it("a save also removes a dead writer's temp file, never a live one's", async () => {
    mkdirSync(cacheDir);
    const dead = deadPid();
    const deadTemp = `chunk.js-0123456789abcdef.v8cache.${dead}.1.tmp`;
    const liveTemp = `chunk.js-0123456789abcdef.v8cache.${process.ppid}.1.tmp`;
    const unrelated = 'other.js-0123456789abcdef.v8cache';
    for (const name of [deadTemp, liveTemp, unrelated]) writeFileSync(path.join(cacheDir, name), 'x');
    const loaded = load();
    await loaded.save();
    assert.deepEqual(readdirSync(cacheDir).sort(), [path.basename(loaded.cacheFile), liveTemp, unrelated].sort());
  });

  it('a cache directory it cannot write: logged by name, never thrown, and the module works', async () => {
    writeFileSync(cacheDir, 'a file where the directory should be');
    const loaded = load();
    assert.equal(loaded.cache, 'miss');
    assert.equal(await loaded.save(), false);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /^cannot read the code cache .*chunk\.js-[0-9a-f]{16}\.v8cache: .*ENOTDIR/);
    assert.match(warnings[1]!, /^cannot save the code cache of chunk\.js in .*cache: /);
    assert.equal((loaded.exports as Chunk).double(1), 2);
  });
});
