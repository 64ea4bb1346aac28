import * as vscode from 'vscode';

/** The command, with its arguments, that a click on a tree row stands for. */
export interface RowOpen {
  readonly command: string;
  readonly arguments: readonly unknown[];
}

/** How long after the tree changed a click waits for the row it selected (the redrawn rows are back within a few ms). */
export const ROW_REDRAW_WAIT_MS = 1_000;

/**
 * Registers `id` as a row's click command, without arguments: it runs what `opens` says for the view's selected row.
 * VS Code keeps a tree item command's arguments on the extension host under an id that it drops when the row is
 * redrawn, and the workbench learns the new id a moment later; a click in that moment failed with "Actual command not
 * found" (≈ 1 click in 200 on a Markets row, which its price redraws every second). The click selects the row first,
 * and VS Code sends the selection to the extension host before the command. `treeChanged` is the tree provider's
 * `onDidChangeTreeData`: only a click within `redrawWaitMs` of it waits for the selection (a click with nothing selected
 * otherwise, the command run from the keyboard or the palette, returns at once).
 */
export function registerRowClick<T>(id: string, view: vscode.TreeView<T>, opens: (node: T) => RowOpen | undefined, treeChanged: vscode.Event<unknown>, redrawWaitMs = ROW_REDRAW_WAIT_MS): vscode.Disposable {
  let changedAt = -Infinity;
  const changes = treeChanged(() => (changedAt = Date.now()));
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
