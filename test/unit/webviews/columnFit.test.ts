/**
 * fitColumns on a table laid out by a model (no browser here): the layout shown is the first with no cell of a row in
 * view cut; it is chosen again on a change of width (not of height), and when new rows cut a cell (in the next
 * frame); dispose() ends the observers, the frame and the fonts' listener.
 */
import * as assert from 'node:assert/strict';
import { fitColumns } from '../../../src/webviews/shared/columnFit';
import type { ColumnLayout } from '../../../src/webviews/shared/columnLayouts';
import { fakeLayoutGlobals } from '../../helpers/fakeLayoutGlobals';

const LAYOUTS: readonly ColumnLayout[] = [
  { classes: [], template: undefined, hidden: [] },
  { classes: ['fit-no-value'], template: 'a b', hidden: ['Value'] },
  { classes: ['fit-no-value', 'fit-tight'], template: 'a b', hidden: ['Value'] },
];

/**
 * A table `room.px` wide of 100 rows 18 px high in a 90 px viewport (rows 0–5 in view): its amount column is the
 * room less 120 px (the value's column) unless fit-no-value, plus 10 px with fit-tight; row i's amount is `amounts[i]` px.
 */
function fakeTable(room: { px: number }, amounts: number[]) {
  const classes = new Set<string>();
  const style = new Map<string, string>();
  let reads = 0;
  const column = () => room.px - (classes.has('fit-no-value') ? 0 : 120) + (classes.has('fit-tight') ? 10 : 0);
  const rows = amounts.map((_, i) => ({
    offsetHeight: 18,
    querySelectorAll: () => {
      reads++;
      return [{ getClientRects: () => ({ length: 1 }), get scrollWidth() { return amounts[i] ?? 0; }, get clientWidth() { return Math.min(amounts[i] ?? 0, column()); } }];
    },
  }));
  const list = { children: rows, scrollTop: 0, clientHeight: 90 };
  const root = {
    classList: { toggle: (c: string, on: boolean) => void (on ? classes.add(c) : classes.delete(c)) },
    style: { setProperty: (k: string, v: string) => void style.set(k, v), removeProperty: (k: string) => void style.delete(k) },
  };
  return { root: root as unknown as HTMLElement, list: list as unknown as HTMLElement, classes, style, reads: () => reads };
}

describe('webviews/shared fitColumns', () => {
  const fake = fakeLayoutGlobals();
  const { observers, fontListeners, frames, runFrames } = fake;
  beforeEach(fake.install);
  afterEach(fake.restore);

  it('shows the first layout with no amount in view cut, at each width, and says which columns it hides', () => {
    const room = { px: 300 };
    const table = fakeTable(room, Array.from({ length: 100 }, (_, i) => (i === 50 ? 500 : 150)));
    const told: string[][] = [];
    const fitting = fitColumns({ root: table.root, templateVar: '--cols', lists: [table.list], cells: '.num', layouts: LAYOUTS, onLayout: (l) => told.push([...l.hidden]) });
    try {
      assert.deepEqual([...table.classes], [], '180 px for 150: all fit (row 50, 500 px, is not in view)');
      assert.equal(table.style.get('--cols'), undefined);
      const resized = observers.find((o) => o.kind === 'resize')!;
      const width = (px: number) => {
        room.px = px;
        resized.fire([{ contentRect: { width: px } }]);
      };
      width(200);
      assert.deepEqual([...table.classes].sort(), ['fit-cols', 'fit-no-value']);
      assert.equal(table.style.get('--cols'), 'a b');
      width(145);
      assert.deepEqual([...table.classes].sort(), ['fit-cols', 'fit-no-value', 'fit-tight']);
      width(400);
      assert.deepEqual([...table.classes], []);
      assert.deepEqual(told, [[], ['Value'], ['Value'], []]);
    } finally {
      fitting.dispose();
    }
  });

  it('a height change refits nothing; new rows that cut an amount make it more compact in the next frame, never fuller', () => {
    const room = { px: 300 };
    const amounts = Array.from({ length: 100 }, () => 150);
    const table = fakeTable(room, amounts);
    const fitting = fitColumns({ root: table.root, templateVar: '--cols', lists: [table.list], cells: '.num', layouts: LAYOUTS, onLayout: () => undefined });
    try {
      const resized = observers.find((o) => o.kind === 'resize')!;
      const mutated = observers.find((o) => o.kind === 'mutation')!;
      resized.fire([{ contentRect: { width: 300 } }]);
      const before = table.reads();
      resized.fire([{ contentRect: { width: 300 } }]);
      assert.equal(table.reads(), before, 'the same width: not read again');
      amounts[2] = 250; // a longer amount in view
      mutated.fire([]);
      mutated.fire([]);
      assert.equal(frames.size, 1, 'one frame for the changes of a batch');
      assert.deepEqual([...table.classes], [], 'nothing changed before the frame');
      runFrames();
      assert.deepEqual([...table.classes].sort(), ['fit-cols', 'fit-no-value']);
      amounts[2] = 150;
      mutated.fire([]);
      runFrames();
      assert.deepEqual([...table.classes].sort(), ['fit-cols', 'fit-no-value'], 'kept until the width changes: no column coming and going by the tick');
    } finally {
      fitting.dispose();
    }
  });

  it('dispose() ends both observers, the frame asked for and the fonts listener', () => {
    const table = fakeTable({ px: 300 }, [150]);
    const fitting = fitColumns({ root: table.root, templateVar: '--cols', lists: [table.list], cells: '.num', layouts: LAYOUTS, onLayout: () => undefined });
    assert.deepEqual(observers.map((o) => o.connected), [true, true]);
    assert.equal(fontListeners.size, 1);
    observers.find((o) => o.kind === 'mutation')!.fire([]);
    assert.equal(frames.size, 1);
    fitting.dispose();
    assert.deepEqual(observers.map((o) => o.connected), [false, false]);
    assert.equal(fontListeners.size, 0);
    assert.equal(frames.size, 0);
  });
});
