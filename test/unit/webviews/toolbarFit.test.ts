/**
 * fitToolbar on a toolbar laid out by a model (no browser here): what is cut follows the classes it sets; it refits on
 * a resize, a change of the items' text and fonts loading, and dispose() ends all three.
 */
import * as assert from 'node:assert/strict';
import { fitToolbar } from '../../../src/webviews/shared/toolbarFit';
import { fakeLayoutGlobals } from '../../helpers/fakeLayoutGlobals';

/** A class list of a fake element. */
class Classes {
  readonly names = new Set<string>();
  add(...n: string[]): void {
    for (const x of n) this.names.add(x);
  }
  remove(...n: string[]): void {
    for (const x of n) this.names.delete(x);
  }
  contains(n: string): boolean {
    return this.names.has(n);
  }
}

interface FakeItem {
  readonly name: string;
  readonly classList: Classes;
  readonly selector: 'note' | 'cuttable' | 'select';
  /** How wide it wants to be, given the toolbar's classes and its own. */
  readonly wants: () => number;
  scrollWidth: number;
  clientWidth: number;
  getClientRects(): { length: number };
}

/**
 * A toolbar of `room` px: the exchange note (60 px), the footprint's note (90), the badge's text (200, or its word,
 * 70, once the toolbar says fit-word), a button (80, or 30 with fit-short). The notes shrink first (their rank), then
 * the badge, then the button, as common.css ranks them; with `select`, an optional select (110 px, its text in its
 * shadow DOM), shrunk last.
 */
function fakeToolbar(room: { px: number }, withSelect = false) {
  const classList = new Classes();
  const note = (name: string, px: number): FakeItem => {
    const classes = new Classes();
    return { name, classList: classes, selector: 'note', wants: () => (classes.contains('fit-hidden') ? 0 : px), scrollWidth: 0, clientWidth: 0, getClientRects: () => ({ length: classes.contains('fit-hidden') ? 0 : 1 }) };
  };
  const exchange = note('exchange', 60);
  const depth = note('depth', 90);
  const badge: FakeItem = { name: 'badge', classList: new Classes(), selector: 'cuttable', wants: () => (classList.contains('fit-word') ? 0 : 200), scrollWidth: 0, clientWidth: 0, getClientRects: () => ({ length: classList.contains('fit-word') ? 0 : 1 }) };
  const button: FakeItem = { name: 'button', classList: new Classes(), selector: 'cuttable', wants: () => (classList.contains('fit-short') ? 30 : 80), scrollWidth: 0, clientWidth: 0, getClientRects: () => ({ length: 1 }) };
  const word = 70;
  const selectClasses = new Classes();
  const select: FakeItem & { shadowRoot: { querySelector: () => FakeItem } } = {
    name: 'select',
    classList: selectClasses,
    selector: 'select',
    wants: () => (selectClasses.contains('fit-hidden') ? 0 : 110),
    scrollWidth: 0,
    clientWidth: 0,
    getClientRects: () => ({ length: selectClasses.contains('fit-hidden') ? 0 : 1 }),
    shadowRoot: { querySelector: () => select },
  };
  const selects = withSelect ? [select] : [];
  const items = [exchange, depth, badge, button, ...selects];
  /** Lays the items out: the shortage is taken from the notes, then the badge, then the button. */
  const layout = () => {
    let short = items.reduce((s, i) => s + i.wants(), 0) + (classList.contains('fit-word') ? word : 0) - room.px;
    for (const group of [[exchange, depth], [badge], [button], selects]) {
      for (const i of group) {
        i.scrollWidth = i.wants();
        const give = Math.max(0, Math.min(i.wants(), short));
        i.clientWidth = i.wants() - give;
        short -= give;
      }
    }
  };
  let reads = 0;
  const element = {
    classList,
    querySelectorAll: (selector: string) => {
      layout();
      reads++;
      if (selector === '.toolbar-note') return [exchange, depth];
      if (selector === '.fit-optional' || selector === 'vscode-single-select') return selects;
      return items.filter((i) => i.selector !== 'select');
    },
  };
  const shown = () => items.filter((i) => i.getClientRects().length > 0 && (i.selector !== 'note' || i.wants() > 0)).map((i) => `${i.name}${i.name === 'button' && classList.contains('fit-short') ? ' (short)' : ''}`).concat(classList.contains('fit-word') ? ['badge word'] : []);
  return { element: element as unknown as HTMLElement, shown, reads: () => reads };
}

describe('webviews/shared fitToolbar', () => {
  const fake = fakeLayoutGlobals();
  const { observers, fontListeners } = fake;
  beforeEach(fake.install);
  afterEach(fake.restore);
  /** Resizes the toolbar to each width in turn and checks what it shows there. */
  const shownAt = (room: { px: number }, bar: ReturnType<typeof fakeToolbar>, steps: ReadonlyArray<readonly [number, readonly string[]]>) => {
    const resized = observers.find((o) => o.kind === 'resize')!;
    for (const [px, want] of steps) {
      room.px = px;
      resized.fire();
      assert.deepEqual(bar.shown(), want, `at ${px} px`);
    }
  };

  it('gives up the rightmost note first, then the other, then the badge its word, then the buttons their short labels; a note comes back beside the word', () => {
    const room = { px: 1000 };
    const bar = fakeToolbar(room);
    const fitting = fitToolbar(bar.element);
    try {
      assert.deepEqual(bar.shown(), ['exchange', 'depth', 'badge', 'button'], 'all fit');
      shownAt(room, bar, [
        [400, ['exchange', 'badge', 'button']],
        [300, ['badge', 'button']],
        [220, ['exchange', 'button', 'badge word']],
        [150, ['button', 'badge word']],
        [100, ['button (short)', 'badge word']],
        [1000, ['exchange', 'depth', 'badge', 'button']],
      ]);
    } finally {
      fitting.dispose();
    }
  });

  it('hides an optional select whole (its text cut in its shadow DOM read "big…") once the badge says its word and the buttons their short labels, and shows it again where it fits', () => {
    const room = { px: 1000 };
    const bar = fakeToolbar(room, true);
    const fitting = fitToolbar(bar.element);
    try {
      shownAt(room, bar, [
        [1000, ['exchange', 'depth', 'badge', 'button', 'select']],
        [250, ['button (short)', 'select', 'badge word']],
        [150, ['button', 'badge word']],
        [1000, ['exchange', 'depth', 'badge', 'button', 'select']],
      ]);
    } finally {
      fitting.dispose();
    }
  });

  it('refits on a resize, on a change of its items or text, and when fonts load; dispose() ends all three', () => {
    const bar = fakeToolbar({ px: 1000 });
    const fitting = fitToolbar(bar.element);
    assert.deepEqual(observers.map((o) => [o.kind, o.connected]), [['resize', true], ['mutation', true]]);
    assert.equal(fontListeners.size, 1);
    const before = bar.reads();
    for (const o of observers) o.fire();
    for (const f of fontListeners) f();
    assert.ok(bar.reads() >= before + 3, 'each of the three fitted it again');
    fitting.dispose();
    assert.deepEqual(observers.map((o) => o.connected), [false, false]);
    assert.equal(fontListeners.size, 0);
  });
});
