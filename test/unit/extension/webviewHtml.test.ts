/**
 * A panel's page carries its built script and style in its HTML (no round trip through VS Code's webview service
 * worker before its script runs), allowed by the CSP's nonce; a file that cannot sit in an element unchanged is
 * linked as before.
 */
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { inlinableAsset } from '../../../src/extension/panels/webviewAssets';
import { webviewHtml } from '../../../src/extension/panels/webviewHtml';
import type { HostMessage } from '../../../src/shared/protocol';
import { DEFERRED_BUNDLE_ID } from '../../../src/shared/pagePreview';
import { INLINE_MESSAGES_ID } from '../../../src/shared/util/inlineJson';
import { fakeWebviewPanel } from '../../helpers/fakeWebviewPanel';

describe('a panel page’s HTML', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'ts-webview-html-'));
    mkdirSync(path.join(root, 'dist', 'webviews'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const write = (name: string, text: string) => writeFileSync(path.join(root, 'dist', 'webviews', name), text);
  const html = (kind: 'chart' | 'dom' | 'tape') => webviewHtml(fakeWebviewPanel().panel.webview as unknown as vscode.Webview, vscode.Uri.file(root), kind, 'BTC/USDT <1m>');
  const nonceOf = (page: string) => {
    const nonce = /script-src 'nonce-([^']+)'/.exec(page)?.[1];
    assert.ok(nonce, 'the CSP names a script nonce');
    assert.match(page, new RegExp(`style-src [^;]*'nonce-${nonce.replace(/[+/=]/g, '\\$&')}'`), 'and the same nonce for styles');
    return nonce;
  };

  it('holds the built script and style by nonce, and links nothing', () => {
    write('chart.js', 'document.body.dataset.ran="yes";if(1<2){}');
    write('chart.css', 'body{margin:0}');
    const page = html('chart');
    const nonce = nonceOf(page);
    assert.ok(page.includes(`<script nonce="${nonce}">document.body.dataset.ran="yes";if(1<2){}</script>`), page);
    assert.ok(page.includes(`<style nonce="${nonce}">body{margin:0}</style>`), page);
    assert.doesNotMatch(page, /<script[^>]* src=|<link /);
    assert.match(page, /<title>BTC\/USDT &#60;1m&#62;<\/title>/);
  });

  it('names the market on the body (escaped), so the toolbar says which before any data; nothing without one', () => {
    write('dom.js', '');
    write('dom.css', '');
    const webview = fakeWebviewPanel().panel.webview as unknown as vscode.Webview;
    const page = webviewHtml(webview, vscode.Uri.file(root), 'dom', 'title', undefined, { exchange: 'binance', symbol: 'A"B/<USDT>' });
    assert.match(page, /<body data-kind="dom" data-exchange="binance" data-symbol="A&#34;B\/&#60;USDT&#62;">/);
    assert.match(html('dom'), /<body data-kind="dom">/);
  });

  it('links a script or style that would end or bend its element, or refers to files beside it', () => {
    write('dom.js', 'const s="</SCRIPT>";');
    write('dom.css', '.a{background:url(x.png)}');
    write('tape.js', 'const c="<!--";');
    write('tape.css', '@import "other.css";');
    for (const kind of ['dom', 'tape'] as const) {
      const page = html(kind);
      const nonce = nonceOf(page);
      assert.ok(page.includes(`<script nonce="${nonce}" src="${vscode.Uri.file(path.join(root, 'dist', 'webviews', `${kind}.js`)).toString()}"></script>`), page);
      assert.ok(page.includes(`<link rel="stylesheet" href="${vscode.Uri.file(path.join(root, 'dist', 'webviews', `${kind}.css`)).toString()}">`), page);
    }
  });

  it('links a file it cannot read; reads a file again only once it has changed (a rebuild under watch)', () => {
    const missing = path.join(root, 'dist', 'webviews', 'none.js');
    assert.equal(inlinableAsset(missing, 'script'), undefined);
    const file = path.join(root, 'dist', 'webviews', 'once.js');
    const at = new Date('2026-12-01T10:00:00Z');
    writeFileSync(file, 'first');
    utimesSync(file, at, at);
    assert.equal(inlinableAsset(file, 'script'), 'first');
    // Same size and time: taken as unchanged, so the file is not read again (the text held is served).
    writeFileSync(file, 'FIRST');
    utimesSync(file, at, at);
    assert.equal(inlinableAsset(file, 'script'), 'first', 'not read again while its time and size hold');
    writeFileSync(file, 'rebuilt');
    assert.equal(inlinableAsset(file, 'script'), 'rebuilt', 'a rebuilt file is read again');
    rmSync(file);
    assert.equal(inlinableAsset(file, 'script'), undefined, 'a file gone is linked (and its load fails visibly)');
  });

  describe('a chart carrying cached bars (its preview)', () => {
    const bars = { method: 'chart/snapshot', params: { candles: [] } } as unknown as HostMessage;
    const chartWith = (inline?: HostMessage) => webviewHtml(fakeWebviewPanel().panel.webview as unknown as vscode.Webview, vscode.Uri.file(root), 'chart', 'c', inline);

    it('holds the bundle as text, then the preview painter by nonce, which runs it', () => {
      write('chart.js', 'bundle();');
      write('chart.css', '');
      write('chartPreview.js', 'preview();');
      const page = chartWith(bars);
      const nonce = nonceOf(page);
      const bundleAt = page.indexOf(`<script type="text/plain" id="${DEFERRED_BUNDLE_ID}">bundle();</script>`);
      const previewAt = page.indexOf(`<script nonce="${nonce}">preview();</script>`);
      assert.ok(bundleAt > 0 && previewAt > bundleAt, page);
      assert.ok(page.indexOf(`id="${INLINE_MESSAGES_ID}"`) < bundleAt, 'the bars come before both');
      assert.doesNotMatch(page, /<script nonce="[^"]+">bundle\(\);/, 'the bundle is not run as it is parsed');
    });

    it('runs the bundle as it is when there are no bars, no painter, or a bundle that must be linked', () => {
      write('chart.js', 'bundle();');
      write('chart.css', '');
      assert.match(chartWith(bars), /<script nonce="[^"]+">bundle\(\);<\/script>/, 'no painter built');
      write('chartPreview.js', 'preview();');
      const none = chartWith();
      assert.match(none, /<script nonce="[^"]+">bundle\(\);<\/script>/);
      assert.ok(!none.includes('preview();'), 'no bars: no painter');
      write('chart.js', 'const s="</script>";');
      const linked = chartWith(bars);
      assert.match(linked, /<script nonce="[^"]+" src="[^"]+chart\.js"><\/script>/);
      assert.ok(!linked.includes('preview();'), 'a linked bundle cannot be deferred by the painter');
    });
  });
});
