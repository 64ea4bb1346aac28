/**
 * A panel made to keep its page while hidden (setting `panels.keepHiddenPages`) is shown again without a reload: the
 * page still listens, so it gets its resync at once as ordinary messages, and neither a bundle nor an early resync.
 */
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Logger } from '../../../src/core/util/log';
import { PanelHost } from '../../../src/extension/panels/panelHost';
import { newPanelOptions } from '../../../src/extension/panels/webviewHtml';
import type { HostMessage } from '../../../src/shared/protocol';
import { eachTestPageAssets } from '../../helpers/builtPageAssets';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../../helpers/fakeWebviewPanel';

const snapshot = (price: number): HostMessage => ({ method: 'book/update', params: { market: { exchange: 'binance', symbol: 'BTC/USDT' }, bids: [[price, 1]], asks: [[price + 1, 1]], levels: 20 } });

describe('a panel that keeps its page while hidden', () => {
  const assets = eachTestPageAssets('orderbook', 'bookBundle();');
  const log: Logger = { debug() {}, info() {}, warn() {}, error() {} };
  const ready = (fake: FakePanel) => fake.fromPage({ method: 'webview/ready', params: { kind: 'orderbook' } });

  const bookHost = (fake: FakePanel) => {
    const state = { price: 100, resyncs: 0 };
    const host: PanelHost = new PanelHost(fake.panel, 'orderbook', vscode.Uri.file(assets.root()), log, {
      resync: () => {
        state.resyncs++;
        host.send(snapshot(state.price));
      },
      onMessage: () => undefined,
      onDispose: () => undefined,
    });
    return { host, state };
  };

  it('is shown again with the newest data at once, as ordinary messages: no bundle, no early resync', () => {
    const fake = fakeWebviewPanel({ keep: true, keepHiddenPage: true });
    const { host, state } = bookHost(fake);
    ready(fake);
    host.coalescer.flush();
    const scriptsBefore = fake.scripts.length;

    fake.setVisible(false);
    state.price = 200;
    host.send(snapshot(200)); // hidden: not gathered, the resync as it is shown brings it
    host.coalescer.flush();
    const whileHidden = fake.messages.length;
    fake.setVisible(true);
    host.coalescer.flush();

    assert.equal(state.resyncs, 2, 'one resync as it was shown, without waiting for a ready');
    assert.equal(fake.messages.length, whileHidden + 2, 'as it was shown: told so, then one batch');
    assert.deepEqual(receivedByPage(fake.messages.slice(whileHidden)), [{ method: 'panel/shown', params: {} }, snapshot(200)], 'told it is shown before the resync: its canvases are sized again to draw it on');
    assert.equal(fake.scripts.length, scriptsBefore, 'the kept page runs its bundle already: none posted');
    assert.ok(!fake.sequence.includes('page/resync'), 'no early resync: the page is not loading');
    assert.equal(host.startup.keptPageShown, 1);
    assert.equal(host.startup.early, undefined);
    assert.deepEqual(
      receivedByPage(fake.messages.slice(0, whileHidden)).filter((m) => m.method === 'panel/hidden'),
      [{ method: 'panel/hidden', params: { freeCanvasesAfterMs: 0 } }],
      'told once, as it was hidden, that nothing comes meanwhile (its badge stands still), and when to free its pixels (a panel that does not say: at once)',
    );
    host.dispose();
  });

  it('a kept page VS Code loads again all the same gets the resync at its ready', async () => {
    const fake = fakeWebviewPanel({ keep: true, keepHiddenPage: true });
    const { host, state } = bookHost(fake);
    ready(fake);
    fake.setVisible(false);
    fake.setVisible(true);
    assert.equal(state.resyncs, 2);
    ready(fake); // within 250 ms of the first ready: answered at the interval's end (PageAsks)
    await pageUntil('the ready of the page loaded again answered', () => state.resyncs === 3, 2_000);
    host.dispose();
  });

  it('a kept page that never loaded (restored in a tab not shown) gets its bundle as it is first shown, its resync at its ready', () => {
    const fake = fakeWebviewPanel({ keep: true, keepHiddenPage: true });
    fake.setVisible(false);
    const { host, state } = bookHost(fake);
    const scripts = fake.scripts.length;
    fake.setVisible(true);
    assert.equal(fake.scripts.length, scripts + 1, 'the bundle posted for the page loading now');
    assert.equal(state.resyncs, 0, 'nothing to resync before the page says ready');
    ready(fake);
    assert.equal(state.resyncs, 1);
    host.dispose();
  });

  it('a page not kept is shown again by an early resync and its bundle, as before', () => {
    const fake = fakeWebviewPanel({ keep: true });
    const { host } = bookHost(fake);
    ready(fake);
    fake.setVisible(false);
    fake.setVisible(true);
    assert.deepEqual(fake.sequence.slice(-2), ['page/resync', 'page/script']);
    assert.ok(!fake.sequence.includes('panel/hidden') && !fake.sequence.includes('panel/shown'), 'a page discarded while hidden is told nothing');
    assert.equal(host.startup.keptPageShown, undefined);
    host.dispose();
  });

  it("the setting becomes VS Code's retainContextWhenHidden of a new panel", () => {
    const uri = vscode.Uri.file('/ext');
    assert.equal(newPanelOptions(uri, true).retainContextWhenHidden, true);
    assert.equal(newPanelOptions(uri, false).retainContextWhenHidden, false);
    assert.equal(newPanelOptions(uri, true).enableScripts, true);
  });
});
