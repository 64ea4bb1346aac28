/** One-line error reporting and the bounded grace for deliveries in flight. */
import * as assert from 'node:assert/strict';
import { MAX_LINE_CHARS, oneLine, oneLineLogger } from '../../../src/cli/exit';
import { InFlightDeliveries } from '../../../src/cli/notifiers/inFlight';
import { captureLogger } from './helpers';

describe('bot output: one line per error', () => {
  it('folds line breaks and cuts a very long text, saying how much was cut', () => {
    assert.equal(oneLine('HTTP 502:\n<html>\n  <body>bad gateway</body>\n</html>'), 'HTTP 502: <html> <body>bad gateway</body> </html>');
    const minified = `TypeError: x is undefined ${'a=b;'.repeat(50_000)}`;
    const line = oneLine(minified);
    assert.equal(line.length < MAX_LINE_CHARS + 40, true);
    assert.match(line, /… \(199\d{3} more characters\)$/);
  });

  it('the bot logger writes every message as one line', () => {
    const log = captureLogger();
    oneLineLogger(log).error('first\nsecond');
    assert.equal(log.lines.length, 1);
    assert.match(log.lines[0] ?? '', /first second/);
  });
});

describe('deliveries in flight', () => {
  it('settle waits for deliveries that finish within the grace', async () => {
    const inFlight = new InFlightDeliveries();
    let finish!: () => void;
    inFlight.track(new Promise<void>((resolve) => (finish = resolve)));
    inFlight.track(Promise.reject(new Error('failed deliveries count as settled')));
    const settled = inFlight.settle(60_000);
    finish();
    assert.equal(await settled, 0);
    assert.equal(inFlight.size, 0);
  });

  it('settle gives up after the grace and reports what is still under way', async () => {
    const inFlight = new InFlightDeliveries();
    inFlight.track(new Promise<void>(() => undefined));
    assert.equal(await inFlight.settle(5), 1);
  });
});
