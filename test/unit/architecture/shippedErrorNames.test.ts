// In the shipped (minified) bundles an error keeps its class's name: an error's text is `<name>: <message>`, and
// `userMessage` strips only names that end in "Error", so a minified name reached users ("Qo: Unknown symbol …" in
// the Alerts view, "Jo: DOGE/USDT on binance is not trading" in the log).
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { errorMessage, userMessage } from '../../../src/core/util/log';

const root = path.resolve(__dirname, '../../..');

/** `export class X extends …Error` in src/core, src/cli and src/extension: the errors the extension and the bot raise. */
function exportedErrorClasses(): Array<{ file: string; name: string }> {
  const found: Array<{ file: string; name: string }> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) walk(file);
      else if (file.endsWith('.ts')) {
        for (const m of readFileSync(file, 'utf8').matchAll(/^export class (\w+) extends (\w*Error)\b/gm)) found.push({ file, name: m[1]! });
      }
    }
  };
  for (const dir of ['core', 'cli', 'extension']) walk(path.join(root, 'src', dir));
  return found;
}

async function bundleAsShipped(classes: ReadonlyArray<{ file: string; name: string }>, keepNames?: boolean): Promise<Record<string, unknown>> {
  const { nodeOptions } = await import(path.join(root, 'scripts', 'esbuildOptions.mjs'));
  const options = (nodeOptions as (production: boolean) => esbuild.BuildOptions)(true);
  const contents = classes.map((c) => `export { ${c.name} } from ${JSON.stringify(c.file)};`).join('\n');
  const out = await esbuild.build({ ...options, ...(keepNames === undefined ? {} : { keepNames }), stdin: { contents, resolveDir: root, loader: 'ts' }, write: false, logLevel: 'silent' });
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', 'require', out.outputFiles[0]!.text)(module, module.exports, require);
  return module.exports;
}

describe('error names in the shipped bundles', () => {
  const classes = exportedErrorClasses();

  it('finds the error classes (TradeSuiteError and the ones in other folders)', () => {
    const names = classes.map((c) => c.name);
    for (const name of ['TradeSuiteError', 'UnknownSymbolError', 'MarketNotTradingError', 'RestPausedError', 'ClickHouseError']) assert.ok(names.includes(name), name);
  });

  it('every error class keeps its name when minified as shipped, so a user never reads a minified one', async function () {
    this.timeout(60_000);
    const shipped = await bundleAsShipped(classes);
    for (const { name } of classes) assert.equal((shipped[name] as { name: string }).name, name, `${name} in the shipped bundle`);
    const { UnknownSymbolError } = shipped as { UnknownSymbolError: new (exchange: string, symbol: string, suggestions: string[]) => Error };
    const err = new UnknownSymbolError('binance', 'NOPE/USDT', []);
    assert.match(errorMessage(err), /^UnknownSymbolError: Unknown symbol "NOPE\/USDT" on binance/);
    assert.match(userMessage(err), /^Unknown symbol "NOPE\/USDT" on binance/);
  });

  it('(the check can fail: minified without keepNames, the names are lost)', async function () {
    this.timeout(60_000);
    const minified = await bundleAsShipped(classes, false);
    assert.ok(classes.some(({ name }) => (minified[name] as { name: string }).name !== name));
  });
});
