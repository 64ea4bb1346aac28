// No file imports itself round about: cycles hide initialisation order and tie layers together (type imports count).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { importCycles, importGraph } from './importGraph';

const root = path.resolve(__dirname, '../../..');

describe('import cycles', () => {
  it('finds a cycle through type-only imports and a self-import, and none in a chain', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ]);
    assert.deepEqual(importCycles(graph), [['a.ts', 'b.ts', 'c.ts'], ['e.ts']]);
    assert.deepEqual(importCycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]])), []);
  });

  it('counts type-only imports and imports across layers', () => {
    const graph = importGraph(root, ['src']);
    assert.ok(graph.get(path.join('src', 'core', 'alerts', 'eval', 'evaluatorGroup.ts'))?.includes(path.join('src', 'core', 'alerts', 'eval', 'reading.ts')));
    assert.ok(graph.get(path.join('src', 'extension', 'panels', 'chartPanel.ts'))?.includes(path.join('src', 'shared', 'protocol', 'index.ts')));
  });

  it('has none in src, test, bench and scripts', () => {
    const cycles = importCycles(importGraph(root, ['src', 'test', 'bench', 'scripts']));
    assert.deepEqual(cycles, [], `files importing each other: ${cycles.map((c) => c.join(' ↔ ')).join('; ')}`);
  });
});
