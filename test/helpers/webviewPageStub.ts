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
