/**
 * The host-side tests' fake page (test/helpers/fakeWebviewPanel.ts) takes what the real page takes: a host message the
 * page's validation drops is named, method and field, instead of passing the test that posted it.
 */
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { webviewPage } from '../../../src/extension/panels/webviewHtml';
import { pageResyncMessage, pageScriptMessage } from '../../../src/shared/pageScript';
import type { HostMessage } from '../../../src/shared/protocol';
import { fakeWebviewPanel, inlineRejects, pageRejects, receivedByPage } from '../../helpers/fakeWebviewPanel';

const ROOT = path.join(__dirname, '..', '..', '..');

const leg = (reason: string) => ({ label: 'bybit BTC/USDT:USDT', status: 'down', reason });
const domUpdate = (reason: string) => ({
  method: 'dom/update',
  params: { market: { exchange: 'aggregate', symbol: 'BTC-USD (agg)' }, rows: [], lastPrice: null, tickSize: 0.01, multiple: 1, multiples: [1], legs: [leg(reason)] },
});
const shown = { method: 'panel/shown', params: {} };

describe('the fake page validates what the host posts, as the real page does', () => {
  it('names the method and the field of a message the page would drop', () => {
    assert.deepEqual(pageRejects(domUpdate('reconnecting (7): refused')), []);
    const [error, ...more] = pageRejects(domUpdate('x'.repeat(501)));
    assert.equal(more.length, 0);
    assert.match(error ?? '', /dom\/update.*params\.legs\[0\]\.reason/);
  });

  it('checks each message of a batch, and the batch of an early resync, on its own', () => {
    const batch = { method: 'panel/batch', params: { messages: [shown, domUpdate('x'.repeat(501)), shown] } };
    const errors = pageRejects(batch);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0] ?? '', /dom\/update.*params\.legs\[0\]\.reason/);
    const early = pageRejects(JSON.parse(JSON.stringify(pageResyncMessage(3, batch))));
    assert.equal(early.length, 1, early.join('\n'));
    assert.match(early[0] ?? '', /page\/resync batch: .*dom\/update.*params\.legs\[0\]\.reason/);
    assert.deepEqual(pageRejects(pageResyncMessage(3, { method: 'panel/batch', params: { messages: [shown] } })), []);
  });

  it("receivedByPage throws naming what the page would drop; the bundle is not the panel's message", () => {
    assert.deepEqual(receivedByPage([{ method: 'panel/batch', params: { messages: [shown] } }]), [shown]);
    assert.throws(() => receivedByPage([shown, { method: 'panel/batch', params: { messages: [domUpdate('x'.repeat(501))] } }]), /the page would drop a host message: .*dom\/update.*params\.legs\[0\]\.reason/);
  });

  it('a valid post is kept and counted; the bundle is not checked as a panel message', async () => {
    const fake = fakeWebviewPanel({ keep: true });
    assert.equal(await fake.panel.webview.postMessage(pageScriptMessage('/* bundle */')), true);
    assert.equal(await fake.panel.webview.postMessage(domUpdate('refused')), true);
    assert.deepEqual(fake.invalid, []);
    assert.equal(fake.posts.count, 1);
    assert.deepEqual(receivedByPage(fake.messages), [domUpdate('refused')]);
  });

  it("checks the message a page's HTML carries for its first paint, as the page does", () => {
    const page = (message: object) => webviewPage(fakeWebviewPanel({ unchecked: true }).panel.webview as unknown as vscode.Webview, vscode.Uri.file(ROOT), 'dom', 'agg', message as HostMessage).html;
    assert.deepEqual(inlineRejects(page(domUpdate('refused'))), []);
    const errors = inlineRejects(page(domUpdate('x'.repeat(501))));
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0] ?? '', /^inline: .*dom\/update.*params\.legs\[0\]\.reason/);
  });
});
