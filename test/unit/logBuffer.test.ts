import * as assert from 'node:assert/strict';
import { logBuffer, type Logger } from '../../src/core/util/log';

describe('logBuffer: the lines of a start, before the output channel exists', () => {
  const recorder = () => {
    const lines: string[] = [];
    const log: Logger = { debug: (m) => lines.push(`debug ${m}`), info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
    return { lines, log };
  };

  it('keeps the lines until attached, writes them in order at their level, then every later line as it comes', () => {
    const buffer = logBuffer();
    buffer.debug('loaded');
    buffer.warn('no cache');
    const target = recorder();
    buffer.attach(target.log);
    assert.deepEqual(target.lines, ['debug loaded', 'warn no cache']);
    buffer.error('later');
    assert.deepEqual(target.lines, ['debug loaded', 'warn no cache', 'error later']);
  });

  it('keeps at most 100 lines, the newest', () => {
    const buffer = logBuffer();
    for (let i = 0; i < 150; i++) buffer.info(String(i));
    const target = recorder();
    buffer.attach(target.log);
    assert.equal(target.lines.length, 100);
    assert.equal(target.lines[0], 'info 50');
  });
});
