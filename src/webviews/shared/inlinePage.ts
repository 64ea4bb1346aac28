/**
 * Whether a page uses the data in its HTML (webviewHtml's `inline`). The HTML is set once per panel per extension
 * host: a page loaded again from it (the panel shown after being hidden) would paint data that is old by then, while
 * a page restored after a window reload has HTML the new host just set. Each HTML names itself (`data-page`, random);
 * the page keeps the name of the one it used in the webview state, which VS Code keeps across both. Pure.
 */
export type InlineUse = 'absent' | 'stale' | 'used';

export function inlineUse(text: string | null | undefined, page: string | undefined, usedBefore: unknown): InlineUse {
  if (!text) return 'absent';
  return page === undefined || page === '' || page === usedBefore ? 'stale' : 'used';
}
