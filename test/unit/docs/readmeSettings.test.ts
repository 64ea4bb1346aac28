/**
 * The README documents every setting (key and default, as package.json declares them) and every command of the
 * palette: a setting added without its row, or a default changed in one place only, fails here.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

interface Manifest {
  contributes: {
    configuration: { properties: Record<string, { default?: unknown }> } | Array<{ properties: Record<string, { default?: unknown }> }>;
    commands: Array<{ command: string; title: string }>;
  };
}

const root = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const configurations = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
const settings = Object.assign({}, ...configurations.map((c) => c.properties)) as Record<string, { default?: unknown }>;

describe("the README's settings and commands", () => {
  it('has a row for every setting, with the default package.json declares', () => {
    const wrong: string[] = [];
    for (const [key, schema] of Object.entries(settings)) {
      const row = new RegExp(`^\\| \`${key.replace(/\./g, '\\.')}\` \\| \`([^\`]*)\` \\|`, 'm').exec(readme);
      if (row?.[1] === undefined) {
        wrong.push(`${key}: no row`);
        continue;
      }
      let documented: unknown;
      try {
        documented = JSON.parse(row[1]);
      } catch {
        wrong.push(`${key}: its default \`${row[1]}\` is not JSON`);
        continue;
      }
      if (JSON.stringify(documented) !== JSON.stringify(schema.default)) wrong.push(`${key}: README ${row[1]}, package.json ${JSON.stringify(schema.default)}`);
    }
    assert.deepEqual(wrong, []);
    assert.ok(Object.keys(settings).length > 20, 'the settings were read from package.json');
  });

  it('names every command of the palette by its title (the debug command aside)', () => {
    const titles = manifest.contributes.commands.filter((c) => !c.command.startsWith('tradesuite.debug.')).map((c) => c.title.replace(/^(Enable|Disable) /, 'Enable / Disable '));
    assert.deepEqual(titles.filter((t) => !readme.includes(t)), []);
  });
});
