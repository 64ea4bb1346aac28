import * as vscode from 'vscode';

/** The command, with its arguments, that a click on a tree row stands for. */
export interface RowOpen {
  readonly command: string;
  readonly arguments: readonly unknown[];
}

/**
 * Registers `id` as a row's click command, without arguments: it runs what `opens` says for the view's selected row.
 * VS Code keeps a tree item command's arguments on the extension host under an id that it drops when the row is
 * redrawn, and the workbench learns the new id a moment later; a click in that moment failed with "Actual command not
 * found" (≈ 1 click in 200 on a Markets row, which its price redraws every second). The click selects the row first,
 * and VS Code sends the selection to the extension host before the command.
 */
export function registerRowClick<T>(id: string, view: vscode.TreeView<T>, opens: (node: T) => RowOpen | undefined): vscode.Disposable {
  return vscode.commands.registerCommand(id, () => {
    const node = view.selection[0];
    const open = node === undefined ? undefined : opens(node);
    return open ? vscode.commands.executeCommand(open.command, ...open.arguments) : undefined;
  });
}
