/**
 * Keeps a table's numbers whole in a narrow pane: of its layouts (columnLayouts.ts, fullest first) the first with no
 * cell cut in the rows in view is shown, by classes and a grid template (a CSS variable) on the table's root. Chosen
 * again when the root's width changes and when fonts load; when new rows cut a cell (a longer amount), the next
 * frame chooses again. Between widths a layout only gets more compact, so a column does not come and go by the tick.
 */
import { toDisposable, type Disposable } from '../../shared/util/disposable';
import { chooseLayout, rowsInView, type ColumnLayout } from './columnLayouts';

export interface ColumnFitPlan {
  /** The table's root: it takes the layouts' classes and template. */
  readonly root: HTMLElement;
  /** The CSS variable its grids read their columns from (with the class `fit-cols`, while a layout sets one). */
  readonly templateVar: string;
  /** The scrolling lists of fixed-height rows whose rows in view are read. */
  readonly lists: readonly HTMLElement[];
  /** The cells of a row never cut (its numbers). */
  readonly cells: string;
  readonly layouts: readonly ColumnLayout[];
  /** Told the layout shown, when it changes (the hint of the columns hidden). */
  readonly onLayout: (layout: ColumnLayout) => void;
}

export function fitColumns(plan: ColumnFitPlan): Disposable {
  const { root, layouts } = plan;
  const classes = [...new Set(layouts.flatMap((l) => l.classes))];
  let shown = -1;
  const apply = (index: number) => {
    const layout = layouts[index];
    if (!layout) return;
    for (const c of classes) root.classList.toggle(c, layout.classes.includes(c));
    root.classList.toggle('fit-cols', layout.template !== undefined);
    if (layout.template === undefined) root.style.removeProperty(plan.templateVar);
    else root.style.setProperty(plan.templateVar, layout.template);
  };
  const fit = () => {
    const index = chooseLayout(layouts.length, (i) => {
      apply(i);
      return cutInView(plan.lists, plan.cells);
    });
    apply(index);
    const layout = layouts[index];
    if (index !== shown && layout) {
      shown = index;
      plan.onLayout(layout);
    }
  };
  let width = -1;
  const resized = new ResizeObserver((entries) => {
    const now = entries.at(-1)?.contentRect.width ?? -1;
    if (now === width) return; // a height change (the hint's line, the replay bar) changes no column's width
    width = now;
    fit();
  });
  resized.observe(root);
  let frame = 0;
  const check = () => {
    frame = 0;
    if (shown < layouts.length - 1 && cutInView(plan.lists, plan.cells)) fit();
  };
  // Our own changes are the root's classes and style: not observed here, no loop.
  const changed = new MutationObserver(() => {
    if (frame === 0) frame = requestAnimationFrame(check);
  });
  for (const list of plan.lists) changed.observe(list, { childList: true, characterData: true, subtree: true });
  document.fonts.addEventListener('loadingdone', fit);
  fit();
  return toDisposable(() => {
    resized.disconnect();
    changed.disconnect();
    if (frame !== 0) cancelAnimationFrame(frame);
    document.fonts.removeEventListener('loadingdone', fit);
  });
}

/** Whether a cell of a row in view of the lists is shown narrower than its content. Reads the rows in view only. */
function cutInView(lists: readonly HTMLElement[], cells: string): boolean {
  for (const list of lists) {
    const rows = list.children;
    const rowHeight = (rows[0] as HTMLElement | undefined)?.offsetHeight ?? 0;
    const { first, end } = rowsInView(list.scrollTop, list.clientHeight, rowHeight, rows.length);
    for (let i = first; i < end; i++) {
      for (const cell of rows[i]?.querySelectorAll<HTMLElement>(cells) ?? []) {
        if (cell.getClientRects().length > 0 && cell.scrollWidth > cell.clientWidth) return true;
      }
    }
  }
  return false;
}
