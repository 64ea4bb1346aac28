/**
 * A panel's page carries its built style and a small loader in its HTML, allowed by the CSP's nonce, and gets its
 * bundle posted after it (no round trip through VS Code's webview service worker before its script runs, and a small
 * HTML for VS Code to pass along); a file that cannot sit in an element unchanged is linked as before.
 */
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { inlinableAsset } from '../../../src/extension/panels/webviewAssets';
import { webviewPage } from '../../../src/extension/panels/webviewHtml';
import type { HostMessage } from '../../../src/shared/protocol';
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
  const pageOf = (kind: 'chart' | 'dom' | 'tape') => webviewPage(fakeWebviewPanel().panel.webview as unknown as vscode.Webview, vscode.Uri.file(root), kind, 'BTC/USDT <1m>');
  const html = (kind: 'chart' | 'dom' | 'tape') => pageOf(kind).html;
  const nonceOf = (page: string) => {
    const nonce = /script-src 'nonce-([^']+)'/.exec(page)?.[1];
    assert.ok(nonce, 'the CSP names a script nonce');
    assert.match(page, new RegExp(`style-src [^;]*'nonce-${nonce.replace(/[+/=]/g, '\\$&')}'`), 'and the same nonce for styles');
    return nonce;
  };

  it('holds the built style and the page loader by nonce, posts the bundle after it, and links nothing', () => {
    write('chart.js', 'document.body.dataset.ran="yes";if(1<2){}');
    write('chart.css', 'body{margin:0}');
    write('pageLoader.js', 'load();');
    const { html: page, postedScript } = pageOf('chart');
    const nonce = nonceOf(page);
    assert.ok(page.includes(`<script nonce="${nonce}">load();</script>`), page);
    assert.equal(postedScript, 'document.body.dataset.ran="yes";if(1<2){}');
    assert.ok(!page.includes('dataset.ran'), 'the bundle is not in the HTML');
    assert.ok(page.includes(`<style nonce="${nonce}">body{margin:0}</style>`), page);
    assert.doesNotMatch(page, /<script[^>]* src=|<link /);
    assert.match(page, /<title>BTC\/USDT &#60;1m&#62;<\/title>/);
  });

  it('carries the bundle itself, posting nothing, when there is no loader built', () => {
    write('tape.js', 'bundle();');
    write('tape.css', '');
    const page = pageOf('tape');
    assert.match(page.html, /<script nonce="[^"]+">bundle\(\);<\/script>/);
    assert.equal(page.postedScript, undefined);
  });

  it('names the market on the body (escaped), so the toolbar says which before any data; nothing without one', () => {
    write('dom.js', '');
    write('dom.css', '');
    const webview = fakeWebviewPanel().panel.webview as unknown as vscode.Webview;
    const page = webviewPage(webview, vscode.Uri.file(root), 'dom', 'title', undefined, { exchange: 'binance', symbol: 'A"B/<USDT>' }).html;
    assert.match(page, /<body data-kind="dom" data-exchange="binance" data-symbol="A&#34;B\/&#60;USDT&#62;">/);
    assert.match(html('dom'), /<body data-kind="dom">/);
  });

  it('links a script or style that would end or bend its element, or refers to files beside it', () => {
    write('dom.js', 'const s="</SCRIPT>";');
    write('dom.css', '.a{background:url(x.png)}');
    write('tape.js', 'const c="<!--";');
    write('tape.css', '@import "other.css";');
    write('pageLoader.js', 'load();');
    for (const kind of ['dom', 'tape'] as const) {
      assert.equal(pageOf(kind).postedScript, undefined, 'a linked bundle is not posted');
      const page = html(kind);
      assert.ok(!page.includes('load();'), 'nor loaded by the loader');
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
    const chartWith = (inline?: HostMessage) => webviewPage(fakeWebviewPanel().panel.webview as unknown as vscode.Webview, vscode.Uri.file(root), 'chart', 'c', inline);

    it('holds the preview painter by nonce after the bars, and posts the bundle, which the painter runs', () => {
      write('chart.js', 'bundle();');
      write('chart.css', '');
      write('chartPreview.js', 'preview();');
      write('pageLoader.js', 'load();');
      const { html: page, postedScript } = chartWith(bars);
      const nonce = nonceOf(page);
      const previewAt = page.indexOf(`<script nonce="${nonce}">preview();</script>`);
      assert.ok(previewAt > page.indexOf(`id="${INLINE_MESSAGES_ID}"`), page);
      assert.ok(!page.includes('load();') && !page.includes('bundle();'), 'no other script in the HTML');
      assert.equal(postedScript, 'bundle();');
    });

    it('loads the bundle with the plain loader when there are no bars; carries it when a bundle must be linked', () => {
      write('chart.js', 'bundle();');
      write('chart.css', '');
      write('chartPreview.js', 'preview();');
      write('pageLoader.js', 'load();');
      const none = chartWith();
      assert.match(none.html, /<script nonce="[^"]+">load\(\);<\/script>/);
      assert.ok(!none.html.includes('preview();'), 'no bars: no painter');
      assert.equal(none.postedScript, 'bundle();');
      write('chart.js', 'const s="</script>";');
      const linked = chartWith(bars);
      assert.match(linked.html, /<script nonce="[^"]+" src="[^"]+chart\.js"><\/script>/);
      assert.ok(!linked.html.includes('preview();'), 'a linked bundle cannot be run by the painter');
      assert.equal(linked.postedScript, undefined);
    });
  });
});
