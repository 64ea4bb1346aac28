import * as vscode from 'vscode';

/** The command, with its arguments, that a click on a tree row stands for. */
export interface RowOpen {
  readonly command: string;
  readonly arguments: readonly unknown[];
}

/** How long after the tree changed a click waits for the row it selected (the redrawn rows are back within a few ms). */
export const ROW_REDRAW_WAIT_MS = 1_000;

/** What a tree's `onDidChangeTreeData` carries: the nodes redrawn, or nothing for the whole tree. */
export type TreeChange<T> = T | readonly T[] | undefined | null | void;

/**
 * Registers `id` as a row's click command, without arguments: it runs what `opens` says for the view's selected row.
 * VS Code keeps a tree item command's arguments on the extension host under an id that it drops when the row is
 * redrawn, and the workbench learns the new id a moment later; a click in that moment failed with "Actual command not
 * found" (≈ 1 click in 200 on a Markets row, which its price redraws every second). The click selects the row first,
 * and VS Code sends the selection to the extension host before the command. A click with nothing selected waits for
 * the selection only within `redrawWaitMs` of a change of `treeChanged` (the provider's `onDidChangeTreeData`) that
 * makes VS Code fetch rows again (fetchesRowsAgain); otherwise (a row's price redrawn, the command run from the
 * keyboard or the palette) it returns at once.
 */
export function registerRowClick<T>(id: string, view: vscode.TreeView<T>, opens: (node: T) => RowOpen | undefined, treeChanged: vscode.Event<TreeChange<T>>, hasChildren: (node: T) => boolean, redrawWaitMs = ROW_REDRAW_WAIT_MS): vscode.Disposable {
  let changedAt = -Infinity;
  const changes = treeChanged((change) => {
    if (fetchesRowsAgain(change, hasChildren)) changedAt = Date.now();
  });
  const command = vscode.commands.registerCommand(id, async () => {
    const node = view.selection[0] ?? (await selectionAfterRedraw(view, () => changedAt + redrawWaitMs));
    const open = node === undefined ? undefined : opens(node);
    return open ? vscode.commands.executeCommand(open.command, ...open.arguments) : undefined;
  });
  return {
    dispose: () => {
      changes.dispose();
      command.dispose();
    },
  };
}

/**
 * Whether a tree change makes VS Code fetch rows again, so that for a moment the selection names no element: the whole
 * tree, or a node with children (the extension host forgets them until they are fetched). A redrawn leaf keeps its
 * handle and element (its item is only asked again), so the live prices' redraws of the Markets rows do not count.
 */
export function fetchesRowsAgain<T>(change: TreeChange<T>, hasChildren: (node: T) => boolean): boolean {
  if (change === undefined || change === null) return true;
  return isNodeList(change) ? change.some(hasChildren) : hasChildren(change);
}

const isNodeList = <T>(change: T | readonly T[]): change is readonly T[] => Array.isArray(change);

/**
 * The selected row once the tree has it again. While VS Code fetches a node's children again (a refresh), it keeps
 * the selection by the rows' handles but cannot name their elements until the new children are in, so `selection` is
 * empty then (a click on the Recordings row just after its size changed opened nothing, seen in CI). No event says the
 * rows are back, and the selection's handles did not change, so it is looked at again every 20 ms, until `until()` (a
 * while after the tree last changed; a change meanwhile puts it later).
 */
async function selectionAfterRedraw<T>(view: vscode.TreeView<T>, until: () => number): Promise<T | undefined> {
  while (Date.now() < until()) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const node = view.selection[0];
    if (node !== undefined) return node;
  }
  return undefined;
}
