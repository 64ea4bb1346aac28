// The layer rules of eslint.config.mjs stay on: probe files (never written to disk) that break them are reported.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const root = path.resolve(__dirname, '../../..');

describe('lint rules', function () {
  this.timeout(60_000);
  // The probes skip the rules that need the TypeScript program (building one over the project takes seconds).
  const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

  /** The rule ids reported for `code` as if it were the file at `file`. */
  async function reported(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
    assert.ok(result, 'ESLint returned no result');
    return result.messages.map((m) => m.ruleId ?? m.message);
  }

  it('keeps vscode out of the engine, the CLI and the emulator', async () => {
    assert.deepEqual(await reported('src/core/probe.ts', "import 'vscode';\n"), ['no-restricted-imports']);
    assert.deepEqual(await reported('src/core/hub/probe.ts', "import * as vscode from 'vscode';\nexport const w = vscode.window;\n"), ['no-restricted-imports']);
    assert.deepEqual(await reported('src/cli/probe.ts', "import 'vscode';\n"), ['no-restricted-imports']);
    assert.deepEqual(await reported('src/emulator/probe.ts', "import 'vscode';\n"), ['no-restricted-imports']);
  });

  it('keeps Node built-ins and the engine out of the webviews', async () => {
    assert.deepEqual(await reported('src/webviews/chart/probe.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n"), ['no-restricted-imports']);
    assert.deepEqual(await reported('src/webviews/shared/probe.ts', "import * as path from 'path';\nexport const p = path;\n"), ['no-restricted-imports']);
    assert.deepEqual(await reported('src/webviews/chart/probe.ts', "import type { Candle } from '../../core/types';\nexport type C = Candle;\n"), ['import-x/no-restricted-paths']);
  });

  it('keeps the protocol neutral: it imports no layer, no Node and no vscode, and the host never imports a webview', async () => {
    assert.deepEqual(await reported('src/shared/protocol/probe.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n"), ['no-restricted-imports']);
    assert.deepEqual(await reported('src/shared/protocol/probe.ts', "import 'vscode';\n"), ['no-restricted-imports']);
    for (const target of ['../../core/types', '../../webviews/chart/barStore', '../../extension/panels/frameCoalescer']) {
      assert.deepEqual(await reported('src/shared/protocol/probe.ts', `import * as m from '${target}';\nexport const x = m;\n`), ['import-x/no-restricted-paths'], target);
    }
    assert.deepEqual(await reported('src/extension/panels/probe.ts', "import * as m from '../../webviews/chart/barStore';\nexport const x = m;\n"), ['import-x/no-restricted-paths']);
    assert.deepEqual(await reported('src/cli/probe.ts', "import * as m from '../shared/protocol';\nexport const x = m;\n"), ['import-x/no-restricted-paths']);
    assert.deepEqual(await reported('src/webviews/chart/probe.ts', "import type { HostMessage } from '../../shared/protocol';\nexport type H = HostMessage;\n"), []);
    assert.deepEqual(await reported('src/core/hub/probe.ts', "import { Emitter } from '../../shared/util/emitter';\nexport const e = Emitter;\n"), [], 'the engine uses the shared event primitive');
  });

  it('keeps each layer to what it may import', async () => {
    const upward: Array<[string, string]> = [
      ['src/core/probe.ts', '../extension/extension'],
      ['src/core/alerts/probe.ts', '../../shared/protocol'],
      ['src/core/probe.ts', '../cli/main'],
      ['src/extension/probe.ts', '../emulator/emulator'],
      ['src/extension/probe.ts', '../cli/main'],
      ['src/cli/probe.ts', '../emulator/emulator'],
      ['src/cli/probe.ts', '../extension/extension'],
      ['src/emulator/probe.ts', '../core/types'],
      ['src/core/probe.ts', '../../test/helpers/fakeClient'],
    ];
    for (const [file, target] of upward) {
      assert.deepEqual(await reported(file, `import * as m from '${target}';\nexport const x = m;\n`), ['import-x/no-restricted-paths'], `${file} → ${target}`);
    }
  });

  it('lets each layer import what it may', async () => {
    const allowed = "import * as vscode from 'vscode';\nimport type { Candle } from '../../core/types';\nimport type { HostMessage } from '../../shared/protocol';\nexport type T = [typeof vscode, Candle, HostMessage];\n";
    assert.deepEqual(await reported('src/extension/panels/probe.ts', allowed), []);
    assert.deepEqual(await reported('src/cli/probe.ts', "import { readFileSync } from 'node:fs';\nimport { MarketHub } from '../core/hub/marketHub';\nexport const x = [readFileSync, MarketHub];\n"), []);
    assert.deepEqual(await reported('src/emulator/probe.ts', "import { endpointUrls } from '../core/exchange/endpointOverrides';\nexport const u = endpointUrls;\n"), []);
    assert.deepEqual(await reported('test/unit/probe.test.ts', "import { Emulator } from '../../src/emulator/emulator';\nimport 'vscode';\nexport const e = Emulator;\n"), []);
  });

  it('forbids new non-null assertions in shipped code, and keeps the type-aware rules on', async () => {
    assert.deepEqual(await reported('src/core/probe.ts', 'export const first = [1][0]!;\n'), ['@typescript-eslint/no-non-null-assertion']);
    const typed = await new ESLint({ cwd: root }).calculateConfigForFile(path.join(root, 'src/core/hub/marketHub.ts'));
    for (const rule of ['@typescript-eslint/no-floating-promises', '@typescript-eslint/switch-exhaustiveness-check', '@typescript-eslint/no-non-null-assertion']) {
      assert.equal(typed.rules?.[rule]?.[0], 2, `${rule} is not an error in src/core`);
    }
    const inTests = await new ESLint({ cwd: root }).calculateConfigForFile(path.join(root, 'test/unit/marketHub.test.ts'));
    assert.equal(inTests.rules?.['@typescript-eslint/no-floating-promises']?.[0], 2, 'no-floating-promises is not an error in tests');
  });
});
