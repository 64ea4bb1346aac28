/**
 * VS Code's side of a panel page loaded in plain Chromium (e2e, benchmarks): `acquireVsCodeApi` recording what the
 * page posts in `window.__posts`, the webview state VS Code kept, and the page's bundle (shared/pageScript.ts)
 * delivered as `delivery` says:
 * - `held`: as VS Code hands over a message posted before the page loaded, in a `load` handler registered after the
 *   page's own;
 * - `asked`: only when the page asks (the held message was lost);
 * - `none`: never (the page as it is until its bundle runs).
 */
import { pageScriptMessage } from '../../src/shared/pageScript';

export type BundleDelivery = 'held' | 'asked' | 'none';

/**
 * The font variables VS Code's workbench gives a webview (its webview theme data: `vscode-font-family` and the
 * rest), as in Chromium on Linux where the e2e's code-server runs: the UI font stack for Linux, the default editor font
 * (editor.fontFamily unset). aggregateScenario checks them against a webview of the real workbench. Without them a page
 * outside VS Code drew its text in the browser's default serif font, while its canvases used the theme's fallback.
 */
export const WORKBENCH_WEBVIEW_FONTS: Readonly<Record<string, string>> = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-weight': 'normal',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': "'Droid Sans Mono', monospace",
  '--vscode-editor-font-weight': 'normal',
  '--vscode-editor-font-size': '14px',
};

/**
 * A page's HTML as VS Code serves it in a webview, as far as its fonts go: VS Code writes its theme variables into
 * the `<html>` element's style before the page's first script runs (a preview paints before any frame), so here too.
 */
export function withWorkbenchFonts(html: string): string {
  const style = Object.entries(WORKBENCH_WEBVIEW_FONTS)
    .map(([name, value]) => `${name}: ${value};`)
    .join(' ')
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;');
  const tag = /<html\b([^>]*)>/i.exec(html);
  if (!tag) throw new Error('the page has no <html> element');
  if (/\sstyle=/i.test(tag[1] ?? '')) throw new Error('the page styles its <html> element itself');
  return html.replace(tag[0], `<html${tag[1] ?? ''} style="${style}">`);
}

/** A script for `page.addInitScript`. */
export function vscodeApiStub(opts: { state?: unknown; delivery: BundleDelivery; bundle: string }): string {
  return `
window.__posts = [];
let __state = ${JSON.stringify(opts.state ?? null)};
const __bundle = ${JSON.stringify(opts.delivery === 'none' ? null : pageScriptMessage(opts.bundle))};
window.acquireVsCodeApi = () => ({
  postMessage: (m) => {
    window.__posts.push(m);
    if (m && m.method === 'webview/script' && __bundle) window.postMessage(__bundle, '*');
  },
  getState: () => __state ?? undefined,
  setState: (s) => (__state = s),
});
if (${JSON.stringify(opts.delivery)} === 'held') document.addEventListener('DOMContentLoaded', () => window.addEventListener('load', () => window.postMessage(__bundle, '*')));
`;
}
