/**
 * The extension and the bot load ccxt's chunk (dist/ccxt.js) with require, not a dynamic import: through Node's
 * ESM loader the 6 MB chunk is first parsed to detect its module format and then scanned for its exports, 0.3–0.4 s
 * of a cold chart's start in the extension host (a CPU profile of code-server's extension host, s14). They run it
 * from a vm.Script with V8's code cache kept on disk (ccxtLoader), which cannot run a dynamic import().
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ccxtFromModule } from '../../src/core/exchange/ccxtLoader';
import { requireWithCodeCache } from '../../src/core/util/codeCachedRequire';
import { silentLogger } from '../../src/core/util/log';
import { classifyError } from '../../src/core/streams/errorKind';
import * as ccxtSource from 'ccxt';

const dist = path.join(__dirname, '..', '..', 'dist');

describe('the ccxt chunk in the built bundles', () => {
  for (const bundle of ['extensionMain.js', 'cli.js']) {
    it(`dist/${bundle} requires it`, () => {
      const text = readFileSync(path.join(dist, bundle), 'utf8');
      assert.match(text, /require\(["']\.\/ccxt\.js["']\)/);
      assert.doesNotMatch(text, /import\(["']\.\/ccxt\.js["']\)/);
    });
  }

  it('has no dynamic import() left (its imports of node:fs, protobufjs… are requires)', () => {
    const text = readFileSync(path.join(dist, 'ccxt.js'), 'utf8');
    assert.deepEqual(text.match(/\bimport\((?=[\w"'`])/g) ?? [], []);
  });

  it("classifies ccxt's errors from the shipped (minified) chunk as from ccxt's source: a RequestTimeout is a network error, retried", () => {
    // Errors are classified by the class names along their prototype chain; minified, `RequestTimeout > qe > Je`
    // was no NetworkError, so the bot and the extension gave up on a market after one REST timeout.
    const chunk = require(path.join(dist, 'ccxt.js')) as unknown;
    const shipped = ccxtFromModule(chunk) as unknown as Record<string, unknown>;
    const source = ccxtSource as unknown as Record<string, unknown>;
    const names = Object.keys(source).filter((k) => typeof source[k] === 'function' && (source[k] as { prototype?: unknown }).prototype instanceof Error);
    assert.ok(names.length > 30, `${names.length} error classes in ccxt`);
    for (const name of names) {
      const Shipped = shipped[name] as (new (message: string) => Error) | undefined;
      assert.ok(Shipped, `${name} is exported by the chunk`);
      assert.equal(classifyError(new Shipped('x')), classifyError(new (source[name] as new (message: string) => Error)('x')), name);
    }
    assert.equal(classifyError(new (shipped.RequestTimeout as new (message: string) => Error)('x')), 'network');
  });

  it('runs from its code cache: a miss, then a hit whose ccxt builds an exchange', async function () {
    this.timeout(30_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'ccxt-code-cache-'));
    try {
      const first = requireWithCodeCache(path.join(dist, 'ccxt.js'), dir, silentLogger);
      assert.equal(first.cache, 'miss');
      assert.equal(new (ccxtFromModule(first.exports).pro.binance)().id, 'binance');
      assert.equal(await first.save(), true);
      const second = requireWithCodeCache(path.join(dist, 'ccxt.js'), dir, silentLogger);
      assert.equal(second.cache, 'hit');
      assert.equal(new (ccxtFromModule(second.exports).pro.coinbase)().id, 'coinbase');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
