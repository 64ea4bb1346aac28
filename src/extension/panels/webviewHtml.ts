import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { HostMessage, MarketRef, PanelKind } from '../../shared/protocol';
import { DEFERRED_BUNDLE_ID } from '../../shared/pagePreview';
import { INLINE_MESSAGES_ID, inlineJson } from '../../shared/util/inlineJson';
import { inlinableAsset } from './webviewAssets';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    // Only built assets may load; retainContextWhenHidden stays off (the panel resyncs when shown instead).
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * The page for one panel: strict CSP, its built script and style in the HTML by nonce (linked when they cannot be:
 * webviewAssets.ts), no other code. `inline`: a message the page handles as it starts, before any is posted (a
 * chart's cached bars), as JSON in an element that is never run; its `data-page` names this HTML, so a page loaded
 * from it again (shown after being hidden) knows the data is old (inlinePage.ts). `market`: named on the body, so the
 * toolbar says which market before (or without) any data, e.g. one whose market check failed.
 * A chart carrying bars gets its preview painter first and its bundle as text that the painter runs after the first
 * frame (shared/pagePreview.ts), when both can be inlined.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, kind: PanelKind, title: string, inline?: HostMessage, market?: MarketRef): string {
  const nonce = randomBytes(16).toString('base64');
  const file = (name: string) => vscode.Uri.joinPath(extensionUri, 'dist', 'webviews', name);
  const asset = (name: string) => webview.asWebviewUri(file(name)).toString();
  const script = inlinableAsset(file(`${kind}.js`).fsPath, 'script');
  const style = inlinableAsset(file(`${kind}.css`).fsPath, 'style');
  const preview = kind === 'chart' && inline !== undefined && script !== undefined ? inlinableAsset(file('chartPreview.js').fsPath, 'script') : undefined;
  const scripts = () => {
    if (script === undefined) return `<script nonce="${nonce}" src="${asset(`${kind}.js`)}"></script>`;
    if (preview === undefined) return `<script nonce="${nonce}">${script}</script>`;
    // The bundle's text first: the painter runs it at once when it paints nothing, so it must be in the page by then.
    return `<script type="text/plain" id="${DEFERRED_BUNDLE_ID}">${script}</script>\n<script nonce="${nonce}">${preview}</script>`;
  };
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
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
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
