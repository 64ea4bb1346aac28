// What users read of an error: the message without an error class name.
import * as assert from 'node:assert/strict';
import { UnknownSymbolError } from '../../src/core/errors';
import { userMessage } from '../../src/core/util/log';

describe('userMessage', () => {
  it('drops an error class name, keeps a name that says something, and shows non-errors as they are', () => {
    assert.equal(userMessage(new Error('boom')), 'boom');
    assert.equal(userMessage(Object.assign(new Error('x is unknown'), { name: 'UnknownSymbolError' })), 'x is unknown');
    assert.equal(userMessage(Object.assign(new Error('timed out after 10 s'), { name: 'RequestTimeout' })), 'RequestTimeout: timed out after 10 s');
    assert.equal(userMessage('plain text'), 'plain text');
    assert.equal(userMessage(new UnknownSymbolError('binance', 'NOPE/USDT', [])), 'Unknown symbol "NOPE/USDT" on binance. The exchange lists no such market.');
  });
});
