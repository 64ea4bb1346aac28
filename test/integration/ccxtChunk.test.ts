/**
 * The extension and the bot load ccxt's chunk (dist/ccxt.js) with require, not a dynamic import: through Node's
 * ESM loader the 6 MB chunk is first parsed to detect its module format and then scanned for its exports, 0.3–0.4 s
 * of a cold chart's start in the extension host (a CPU profile of code-server's extension host, s14).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

describe('the ccxt chunk in the built bundles', () => {
  for (const bundle of ['extension.js', 'cli.js']) {
    it(`dist/${bundle} requires it`, () => {
      const text = readFileSync(path.join(__dirname, '..', '..', 'dist', bundle), 'utf8');
      assert.match(text, /require\(["']\.\/ccxt\.js["']\)/);
      assert.doesNotMatch(text, /import\(["']\.\/ccxt\.js["']\)/);
    });
  }
});
