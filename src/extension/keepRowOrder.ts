import type * as vscode from 'vscode';

/**
 * Keeps a QuickPick's rows in the order they are given while the user types. VS Code otherwise re-sorts the rows
 * that match by where the typed text starts in their label, then alphabetically, undoing an order ranked by the
 * extension (Find Market… put a delisted LINK/BNB first). `sortByLabel` is the proposed API quickPickSortByLabel,
 * which @types/vscode does not declare; the extension host's setter passes it on without checking the proposal.
 */
export function keepRowOrder<T extends vscode.QuickPickItem>(qp: vscode.QuickPick<T>): void {
  (qp as vscode.QuickPick<T> & { sortByLabel: boolean }).sortByLabel = false;
}
