import type * as vscode from 'vscode';

const KEY = 'tradesuite.markets.expanded';

/**
 * Which Markets tree nodes (by TreeItem id) the user has expanded, kept in the workspace state so a window reload
 * brings the tree back as it was: VS Code itself does not restore the expansion of an extension's tree.
 */
export class TreeExpansion {
  private readonly expanded: Set<string>;

  constructor(
    private readonly memento: vscode.Memento,
    defaults: readonly string[],
  ) {
    const saved = memento.get<unknown>(KEY);
    this.expanded = new Set(Array.isArray(saved) ? saved.filter((x): x is string => typeof x === 'string').slice(0, 1000) : defaults);
  }

  has(id: string): boolean {
    return this.expanded.has(id);
  }

  set(id: string, expanded: boolean): void {
    if (expanded === this.expanded.has(id)) return;
    if (expanded) this.expanded.add(id);
    else this.expanded.delete(id);
    void this.memento.update(KEY, [...this.expanded]);
  }
}
