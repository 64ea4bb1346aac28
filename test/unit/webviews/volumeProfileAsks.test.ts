/** The chart page's volume profile mode: the user's ask is shown at once; the host's setting wins once every ask is answered. */
import * as assert from 'node:assert/strict';
import type { VolumeProfileMode } from '../../../src/shared/protocol';
import { VolumeProfileAsks } from '../../../src/webviews/chart/volumeProfileAsks';

function asks() {
  const shown: string[] = [];
  const a = new VolumeProfileAsks((mode: VolumeProfileMode, confirmed: boolean) => shown.push(`${mode}${confirmed ? ' (saved)' : ''}`));
  return { a, shown };
}

describe('VolumeProfileAsks', () => {
  it('shows an ask at once, and the host’s mode once it is answered', () => {
    const { a, shown } = asks();
    a.fromHost('visible');
    a.ask('session');
    a.fromHost('session', 1);
    assert.deepEqual(shown, ['visible (saved)', 'session', 'session (saved)']);
  });

  it('two quick asks: the setting’s change for the first (and a snapshot) does not undo the second', () => {
    const { a, shown } = asks();
    a.ask('session');
    a.ask('visible');
    a.fromHost('session'); // the setting changed for the first ask
    a.fromHost('session', 1); // the first ask's answer
    a.fromHost('session'); // a snapshot (another timeframe) sent before the second write
    assert.deepEqual(shown, ['session', 'visible'], 'the page keeps what the user last asked for');
    a.fromHost('visible', 1);
    assert.deepEqual(shown.at(-1), 'visible (saved)');
  });

  it('a failed write: the answer carries the setting unchanged, and the page shows it', () => {
    const { a, shown } = asks();
    a.ask('session');
    a.fromHost('visible', 1);
    assert.deepEqual(shown, ['session', 'visible (saved)']);
  });

  it('answers merged in one frame count for each ask', () => {
    const { a, shown } = asks();
    a.ask('session');
    a.ask('visible');
    a.fromHost('visible', 2);
    assert.deepEqual(shown.at(-1), 'visible (saved)');
    a.fromHost('session'); // changed elsewhere (the command, settings.json)
    assert.deepEqual(shown.at(-1), 'session (saved)');
  });
});
