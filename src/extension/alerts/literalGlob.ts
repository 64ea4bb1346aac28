/**
 * A file name as a glob pattern matching only itself: VS Code's globs give `*`, `?`, `[…]` and `{…}` a meaning, so a
 * rules file named `alerts[1].yaml` would otherwise be watched as a pattern that never matches its own name.
 */
export function literalGlob(name: string): string {
  return name.replace(/[*?[\]{}]/g, (c) => `[${c}]`);
}
