import * as assert from 'node:assert/strict';
import { parseCommand } from '../../../src/cli/args';

describe('tradesuite-alerts arguments: --help and --version', () => {
  it('asks for the usage or the version, needing no --config', () => {
    assert.deepEqual(parseCommand(['--help']), { kind: 'help' });
    assert.deepEqual(parseCommand(['-h']), { kind: 'help' });
    assert.deepEqual(parseCommand(['--version']), { kind: 'version' });
    assert.deepEqual(parseCommand(['--config', 'a.yaml', '--no-watch', '--help']), { kind: 'help' });
  });

  it('still reports a bad argument given before them', () => {
    assert.throws(() => parseCommand(['--metrics-port', 'x', '--help']), /--metrics-port: "x" is not a port number/);
  });
});
