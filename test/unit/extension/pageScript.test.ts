/**
 * A page's bundle posted after its HTML (shared/pageScript.ts): the host posts it once the HTML is set and again
 * whenever the page asks; the page runs it once, when it has come and the page allows it.
 */
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../../src/core/util/log';
import { PanelHost } from '../../../src/extension/panels/panelHost';
import { isPageLoaderMessage, MAX_PAGE_SCRIPT_CHARS, PAGE_PROBE, pageScriptMessage, pageScriptText } from '../../../src/shared/pageScript';
import { BundleGate } from '../../../src/webviews/shared/bundleGate';
import { eachTestPageAssets } from '../../helpers/builtPageAssets';
import { fakeWebviewPanel } from '../../helpers/fakeWebviewPanel';

describe('a page’s bundle posted after its HTML', () => {
  const assets = eachTestPageAssets('dom', 'domBundle();');

  const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
  const hostFor = (warnings: string[] = []) => {
    const fake = fakeWebviewPanel();
    const htmlWhenPosted: string[] = [];
    const post = fake.panel.webview.postMessage.bind(fake.panel.webview);
    (fake.panel.webview as { postMessage: (m: unknown) => Thenable<boolean> }).postMessage = (m) => {
      htmlWhenPosted.push(fake.panel.webview.html);
      return post(m);
    };
    const log: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} };
    const host = new PanelHost(fake.panel, 'dom', vscode.Uri.file(assets.root()), log, { resync: () => undefined, onMessage: () => undefined, onDispose: () => undefined });
    return { fake, host, htmlWhenPosted };
  };

  it('the host posts the bundle right after setting the HTML, which holds only the loader', () => {
    const { fake, host, htmlWhenPosted } = hostFor();
    assert.deepEqual(fake.scripts, ['domBundle();']);
    assert.ok(htmlWhenPosted[0]?.includes('load();'), 'the HTML was set before the bundle was posted');
    assert.ok(!fake.panel.webview.html.includes('domBundle'), 'the bundle is not in the HTML');
    assert.equal(fake.posts.count, 0, 'nothing of the panel’s protocol went before the page said ready');
    host.dispose();
  });

  it('posts it again when the panel is shown again (its page loads again), not on other view state changes', () => {
    const { fake, host } = hostFor();
    fake.setVisible(true); // e.g. focus moved to another group: the page is not reloaded
    assert.equal(fake.scripts.length, 1);
    fake.setVisible(false);
    assert.equal(fake.scripts.length, 1, 'nothing to a hidden panel');
    fake.setVisible(true);
    assert.deepEqual(fake.scripts, ['domBundle();', 'domBundle();']);
    fake.setVisible(true);
    assert.equal(fake.scripts.length, 2);
    host.dispose();
  });

  it('posts it again when the page asks (the message was lost), and counts the asks', () => {
    const { fake, host } = hostFor();
    fake.fromPage({ method: 'webview/script', params: { kind: 'dom' } });
    assert.deepEqual(fake.scripts, ['domBundle();', 'domBundle();']);
    assert.equal(host.startup.scriptRequests, 1);
    host.dispose();
  });

  it('a page asking in a loop is answered at most once per 250 ms, once more at the end, and named once in the log', async () => {
    const warnings: string[] = [];
    const { fake, host } = hostFor(warnings);
    const posted = new Promise<void>((resolve) => {
      const post = fake.panel.webview.postMessage.bind(fake.panel.webview);
      (fake.panel.webview as { postMessage: (m: unknown) => Thenable<boolean> }).postMessage = (m) => {
        const answer = post(m);
        if (fake.scripts.length === 3) resolve();
        return answer;
      };
    });
    for (let i = 0; i < 50; i++) fake.fromPage({ method: 'webview/script', params: { kind: 'dom' } });
    assert.equal(fake.scripts.length, 2, 'the first ask answered at once, the rest wait for the interval');
    await posted;
    assert.equal(fake.scripts.length, 3, 'the asks inside the interval answered once, at its end');
    assert.equal(host.startup.scriptRequests, 50);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /dom panel ".*": its page asked for its bundle 20 times more than once per 250 ms/);
    host.dispose();
  });

  it('counts the posts VS Code did not deliver or refused, as dropped (the page asks again), and goes on', async () => {
    const fake = fakeWebviewPanel();
    const answers = [Promise.resolve(false), Promise.reject(new Error('Webview is disposed')), Promise.resolve(true)];
    (fake.panel.webview as { postMessage: (m: unknown) => Thenable<boolean> }).postMessage = () => answers.shift() ?? Promise.resolve(true);
    const host = new PanelHost(fake.panel, 'dom', vscode.Uri.file(assets.root()), silent, { resync: () => undefined, onMessage: () => undefined, onDispose: () => undefined });
    fake.fromPage({ method: 'webview/script', params: { kind: 'dom' } });
    fake.fromPage({ method: 'webview/script', params: { kind: 'dom' } });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(host.startup.scriptPostsDropped, 2);
    assert.equal(host.startup.scriptRequests, 2);
    host.dispose();
  });

  it('drops a malformed ask with a warning naming it, and posts nothing for it', () => {
    const warnings: string[] = [];
    const { fake, host } = hostFor(warnings);
    fake.fromPage({ method: 'webview/script', params: { kind: 'spreadsheet' } });
    assert.equal(fake.scripts.length, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /webview\/script: kind must be chart, orderbook, dom, tape or heatmap/);
    host.dispose();
  });

  it('posts no bundle for a page that carries or links its own', () => {
    rmSync(path.join(assets.root(), 'dist', 'webviews', 'pageLoader.js'));
    const { fake, host } = hostFor();
    assert.deepEqual(fake.scripts, []);
    assert.match(fake.panel.webview.html, /domBundle\(\);/);
    fake.fromPage({ method: 'webview/script', params: { kind: 'dom' } });
    assert.deepEqual(fake.scripts, [], 'an ask with nothing to post is answered with nothing');
    host.dispose();
  });

  it('the page takes only a well-formed bundle message; the loader’s own messages are kept from the panel’s handler', () => {
    assert.equal(pageScriptText(pageScriptMessage('run();')), 'run();');
    for (const bad of [null, 'page/script', { method: 'page/script' }, { method: 'page/script', params: { text: 3 } }, { method: 'page/script', params: { text: '' } }, { method: 'chart/snapshot', params: { text: 'x' } }])
      assert.equal(pageScriptText(bad), undefined, JSON.stringify(bad));
    assert.equal(pageScriptText(pageScriptMessage('x'.repeat(MAX_PAGE_SCRIPT_CHARS + 1))), undefined, 'too long');
    assert.ok(isPageLoaderMessage(pageScriptMessage('run();')));
    assert.ok(isPageLoaderMessage({ method: PAGE_PROBE, params: { token: 'a' } }));
    assert.ok(!isPageLoaderMessage({ method: 'chart/snapshot', params: {} }));
    assert.ok(!isPageLoaderMessage(undefined));
  });

  describe('BundleGate', () => {
    it('runs the bundle once, when both its text has come and the page allows it, in either order', () => {
      for (const order of [['received', 'allow'], ['allow', 'received']] as const) {
        const ran: string[] = [];
        const gate = new BundleGate((t) => ran.push(t));
        assert.ok(gate.awaited);
        for (const step of order) {
          assert.deepEqual(ran, [], `nothing before both (${order.join(' then ')})`);
          if (step === 'received') gate.received('a();');
          else gate.allow();
        }
        assert.deepEqual(ran, ['a();']);
        assert.ok(!gate.awaited);
        gate.received('b();');
        gate.allow();
        assert.deepEqual(ran, ['a();'], 'a second copy (posted again on an ask) is not run');
      }
    });

    it('a text that came while the page held it back is no longer awaited: the page does not ask again', () => {
      const gate = new BundleGate(() => undefined);
      gate.received('a();');
      assert.ok(!gate.awaited);
    });
  });
});
