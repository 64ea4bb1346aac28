/**
 * A page kept while its panel is hidden gives up its canvases' pixels (`panel/hidden`) and takes them back, at the
 * newest size of their box, as it is shown (`panel/shown`, posted before the resync).
 */
import * as assert from 'node:assert/strict';
import { ConnectionState } from '../../../src/webviews/shared/connection';
import { CanvasRelease, pageShown, ShownSize } from '../../../src/webviews/shared/keptPageShown';
import { handlePanelMessage } from '../../../src/webviews/shared/latestPerBatch';
import { Store } from '../../../src/webviews/shared/store';

interface Size {
  readonly width: number;
  readonly height: number;
}
const NONE: Size = { width: 0, height: 0 };

function sized(box: Size) {
  const applied: Size[] = [];
  return { applied, size: new ShownSize<Size>(box, NONE, (s) => applied.push(s)) };
}

describe('webviews/shared ShownSize: a kept page’s canvases while it is hidden', () => {
  it('hidden, the canvases are sized to nothing; shown, to their box again', () => {
    const { applied, size } = sized({ width: 800, height: 600 });
    size.hide();
    assert.deepEqual(size.current, NONE);
    size.show();
    assert.deepEqual(applied, [NONE, { width: 800, height: 600 }]);
    assert.deepEqual(size.current, { width: 800, height: 600 });
  });

  it('a box resized while hidden is not applied then (it would give the pixels back), but as the page is shown', () => {
    const { applied, size } = sized({ width: 800, height: 600 });
    size.hide();
    size.resized({ width: 1000, height: 700 });
    size.resized({ width: 1200, height: 640 });
    assert.deepEqual(applied, [NONE]);
    size.show();
    assert.deepEqual(applied, [NONE, { width: 1200, height: 640 }]);
  });

  it('shown, a resize is applied at once, as before; a second hide or show changes nothing', () => {
    const { applied, size } = sized({ width: 800, height: 600 });
    size.show();
    size.resized({ width: 900, height: 600 });
    size.hide();
    size.hide();
    size.show();
    size.show();
    assert.deepEqual(applied, [{ width: 900, height: 600 }, NONE, { width: 900, height: 600 }]);
  });

  it('follows a store of whether the page is shown, from the state it holds, until stopped', () => {
    const shown = new Store(false);
    const { applied, size } = sized({ width: 800, height: 600 });
    const stop = size.follow(shown);
    assert.deepEqual(applied, [NONE], 'made while hidden: freed at once');
    shown.set(true);
    stop();
    shown.set(false);
    assert.deepEqual(applied, [NONE, { width: 800, height: 600 }], 'stopped: a later hide is not followed');
  });
});

describe('webviews/shared handlePanelMessage: panel/hidden and panel/shown', () => {
  afterEach(() => pageShown.set(true));

  it('panel/hidden says the page is not shown (and stops the badge’s clock); panel/shown says it is again', () => {
    const connection = new ConnectionState();
    const sinks = { connection, onError: () => undefined };
    const seen: boolean[] = [];
    const stop = pageShown.subscribe(() => seen.push(pageShown.get()));
    assert.equal(handlePanelMessage({ method: 'panel/hidden', params: { freeCanvasesAfterMs: 0 } }, sinks), true);
    assert.equal(connection.held, true);
    assert.equal(handlePanelMessage({ method: 'panel/shown', params: {} }, sinks), true);
    stop();
    assert.deepEqual(seen, [false, true]);
  });
});

describe('webviews/shared CanvasRelease: a hidden page keeps its pixels a while', () => {
  const timers = () => {
    const pending = new Map<number, () => void>();
    let next = 0;
    return {
      pending,
      set: (run: () => void, _ms: number) => {
        pending.set(++next, run);
        return next;
      },
      clear: (handle: unknown) => void pending.delete(handle as number),
      fire: () => [...pending.values()].forEach((run) => run()),
    };
  };

  it('hidden, the pixels go only when the time is up; shown before that, nothing was freed and the timer is gone', () => {
    const shown = new Store(true);
    const t = timers();
    const release = new CanvasRelease(shown, t);
    release.hidden(60_000);
    assert.equal(shown.get(), true, 'kept while the time runs');
    release.shown();
    assert.equal(t.pending.size, 0, 'the timer cleared');
    assert.equal(shown.get(), true);
    release.hidden(60_000);
    t.fire();
    assert.equal(shown.get(), false, 'freed once the time is up');
    release.shown();
    assert.equal(shown.get(), true, 'shown: the canvases sized again');
  });

  it('0 frees at once; a second hide starts its time again and leaves one timer', () => {
    const shown = new Store(true);
    const t = timers();
    const release = new CanvasRelease(shown, t);
    release.hidden(0);
    assert.equal(shown.get(), false);
    assert.equal(t.pending.size, 0);
    release.shown();
    release.hidden(1_000);
    release.hidden(1_000);
    assert.equal(t.pending.size, 1);
  });
});
