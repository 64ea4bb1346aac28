/** A table's columns fitted to its pane (columnFit.ts), and the line that says which are hidden. */
import type { RefObject } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';
import { fitColumns } from './columnFit';
import { hiddenHint, type ColumnLayout } from './columnLayouts';

const NONE: readonly string[] = [];

/**
 * Fits the table under `root` (its lists: `lists`, its numbers: `cells`) to its width; returns the columns its layout
 * hides. Fitted anew when `layouts` change (an aggregate's legs come).
 */
export function useColumnFit(root: RefObject<HTMLElement>, lists: string, cells: string, templateVar: string, layouts: readonly ColumnLayout[]): readonly string[] {
  const [hidden, setHidden] = useState<readonly string[]>(NONE);
  useLayoutEffect(() => {
    const el = root.current;
    if (!el) return;
    const fitting = fitColumns({ root: el, templateVar, lists: [...el.querySelectorAll<HTMLElement>(lists)], cells, layouts, onLayout: (l) => setHidden(l.hidden.length > 0 ? l.hidden : NONE) });
    return () => fitting.dispose();
  }, [root, lists, cells, templateVar, layouts]);
  return hidden;
}

/** Over the table: which columns its narrow pane hides (none: nothing shown). */
export function HiddenColumnsHint({ hidden }: { hidden: readonly string[] }) {
  const words = hiddenHint(hidden);
  return words ? (
    <div class="fit-hint muted" title={words}>
      {words}
    </div>
  ) : null;
}
