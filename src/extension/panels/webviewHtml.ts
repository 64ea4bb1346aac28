import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { HostMessage, MarketRef, PanelKind } from '../../shared/protocol';
import { INLINE_MESSAGES_ID, inlineJson } from '../../shared/util/inlineJson';
import { inlinableAsset } from './webviewAssets';

/** What a panel's page may do: scripts, and only the built assets may load. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * A new panel's options. `keepHiddenPage`: its page is kept while hidden (shown again at once, brought up to date by
 * a resync: PanelHost), at the cost of its memory; otherwise it is discarded and loads again when shown. VS Code fixes
 * this when the panel is made (and keeps it through a window reload).
 */
export function newPanelOptions(extensionUri: vscode.Uri, keepHiddenPage: boolean): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { ...webviewOptions(extensionUri), retainContextWhenHidden: keepHiddenPage };
}

/** A panel's page: its HTML, and the bundle the host posts to it after setting the HTML (when not in the HTML). */
export interface WebviewPage {
  readonly html: string;
  readonly postedScript?: string;
}

/**
 * The page for one panel: strict CSP, its built script and style by nonce (linked when they cannot be inlined:
 * webviewAssets.ts), no other code. The bundle is not in the HTML but posted after it (`postedScript`,
 * shared/pageScript.ts): the HTML carries a small loader that runs it, or, for a chart carrying bars, the preview
 * painter, which paints them first (shared/pagePreview.ts). `inline`: a message the page handles as it starts,
 * before any is posted (a chart's cached bars), as JSON in an element that is never run; its `data-page` names this
 * HTML, so a page loaded from it again (shown after being hidden) knows the data is old (inlinePage.ts). `market`:
 * named on the body, so the toolbar says which market before (or without) any data, e.g. one whose market check failed.
 */
export function webviewPage(webview: vscode.Webview, extensionUri: vscode.Uri, kind: PanelKind, title: string, inline?: HostMessage, market?: MarketRef): WebviewPage {
  const nonce = randomBytes(16).toString('base64');
  const file = (name: string) => vscode.Uri.joinPath(extensionUri, 'dist', 'webviews', name);
  const asset = (name: string) => webview.asWebviewUri(file(name)).toString();
  const script = inlinableAsset(file(`${kind}.js`).fsPath, 'script');
  const style = inlinableAsset(file(`${kind}.css`).fsPath, 'style');
  const loaderName = kind === 'chart' && inline !== undefined ? 'chartPreview.js' : 'pageLoader.js';
  const loader = script === undefined ? undefined : inlinableAsset(file(loaderName).fsPath, 'script');
  const scripts = () => {
    if (script === undefined) return `<script nonce="${nonce}" src="${asset(`${kind}.js`)}"></script>`;
    return `<script nonce="${nonce}">${loader ?? script}</script>`;
  };
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${style === undefined ? `<link rel="stylesheet" href="${asset(`${kind}.css`)}">` : `<style nonce="${nonce}">${style}</style>`}
<title>${escapeHtml(title)}</title>
</head>
<body data-kind="${kind}"${market === undefined ? '' : ` data-exchange="${escapeHtml(market.exchange)}" data-symbol="${escapeHtml(market.symbol)}"`}>
<div id="app"></div>
${inline === undefined ? '' : `<script type="application/json" id="${INLINE_MESSAGES_ID}" data-page="${randomBytes(8).toString('hex')}">${inlineJson(inline)}</script>\n`}${scripts()}
</body>
</html>`;
  return loader !== undefined ? { html, postedScript: script } : { html };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
