/**
 * A panel's page is untrusted: whatever it posts, before its ready, between good messages or after the panel closed,
 * the host drops what is malformed with a log line naming the method and the field, hands its handlers only valid
 * messages, keeps serving the page, and after dispose hears nothing at all.
 */
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Logger } from '../../../src/core/util/log';
import { PanelHost } from '../../../src/extension/panels/panelHost';
import type { HostMessage, WebviewMessage } from '../../../src/shared/protocol';
import { eachTestPageAssets } from '../../helpers/builtPageAssets';
import { fakeWebviewPanel, receivedByPage, type FakePanel } from '../../helpers/fakeWebviewPanel';

const book: HostMessage = { method: 'book/update', params: { market: { exchange: 'binance', symbol: 'BTC/USDT' }, bids: [[100, 1]], asks: [[101, 1]], levels: 20 } };

/** What a hostile or broken page may post. */
const HOSTILE: readonly unknown[] = [
  null,
  'book/setLevels',
  [{ method: 'book/setLevels', params: { levels: 20 } }],
  { method: 'book/setLevels' },
  { method: 'book/setLevels', params: { levels: NaN } },
  { method: 'book/setLevels', params: { levels: -0 } },
  { method: 'book/setLevels', params: { levels: 1e300 } },
  { method: 'book/setLevels', params: { levels: '20' } },
  { method: 'book/setLevels', params: JSON.parse('{"__proto__": {"levels": 20}}') as unknown },
  { method: 'chart/loadOlderBars', params: { requestId: 1, before: 1e300, count: 10 } },
  { method: 'chart/loadOlderBars', params: { requestId: 2 ** 60, before: 0, count: 10 } },
  { method: 'webview/rendered', params: { kind: 'orderbook', items: -1 } },
  { method: 'tape/setFilter', params: { minSize: Infinity, highlightSize: 0 } },
  { method: 'webview/log', params: { level: 'error', message: 'x'.repeat(1_000_000) } },
  { method: '__proto__', params: {} },
  { method: 'constructor', params: {} },
  { method: 'x'.repeat(1_000_000), params: {} },
];

describe('a panel host facing a hostile page', () => {
  const assets = eachTestPageAssets('orderbook', 'bookBundle();');

  function bookHost(fake: FakePanel) {
    const lines: string[] = [];
    const log: Logger = { debug() {}, info() {}, warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const handled: WebviewMessage[] = [];
    const host: PanelHost = new PanelHost(fake.panel, 'orderbook', vscode.Uri.file(assets.root()), log, {
      resync: () => host.send(book),
      onMessage: (m) => handled.push(m),
      onDispose: () => undefined,
    });
    return { host, lines, handled };
  }

  it('drops each malformed message with a line naming it, before and after ready, and serves the good ones between', () => {
    const fake = fakeWebviewPanel({ keep: true });
    const { host, lines, handled } = bookHost(fake);
    try {
      for (const m of HOSTILE) fake.fromPage(m);
      fake.fromPage({ method: 'book/setLevels', params: { levels: 50 } });
      assert.deepEqual(handled, [{ method: 'book/setLevels', params: { levels: 50 } }], 'asked before its ready: served');

      fake.fromPage({ method: 'webview/ready', params: { kind: 'orderbook' } });
      const afterReady = HOSTILE.slice(4, 7);
      for (const m of afterReady) fake.fromPage(m);
      fake.fromPage({ method: 'book/setLevels', params: { levels: 10 } });
      assert.deepEqual(handled.at(-1), { method: 'book/setLevels', params: { levels: 10 } });
      assert.equal(handled.length, 2, 'nothing malformed reached the panel');
      host.coalescer.flush();
      assert.ok(receivedByPage(fake.messages).some((m) => m.method === 'book/update'), 'the page still gets its data');

      assert.equal(lines.length, HOSTILE.length + afterReady.length, 'one line per dropped message (at most 30 in 10 s: pageAsks.ts)');
      const named = (re: RegExp) => assert.ok(lines.some((l) => re.test(l)), `a line matches ${String(re)}:\n${lines.join('\n')}`);
      named(/orderbook panel "": dropped a message: book\/setLevels: .*\(params\.levels: expected a whole number ≥ 5 ≤ 100, got NaN\)/);
      named(/dropped a message: book\/setLevels: .*got -0\)/);
      named(/dropped a message: chart\/loadOlderBars: .*\(params\.before: expected a number ≥ 0 ≤ 8640000000000000, got 1e\+300\)/);
      named(/dropped a message: chart\/loadOlderBars: .*\(params\.requestId: /);
      named(/dropped a message: webview\/rendered: .*\(params\.items: expected a whole number ≥ 0/);
      named(/dropped a message: unknown method "__proto__"/);
      named(/dropped a message: not a \{method, params\} message/);
      assert.ok(lines.every((l) => l.length < 600), 'no line repeats a huge value');
    } finally {
      host.dispose();
    }
  });

  it('after the panel closed, nothing a page posts reaches the panel or the log, and nothing throws', () => {
    const fake = fakeWebviewPanel({ keep: true });
    const { host, lines, handled } = bookHost(fake);
    fake.fromPage({ method: 'webview/ready', params: { kind: 'orderbook' } });
    fake.panel.dispose();
    assert.ok(host.isDisposed);
    for (const m of [...HOSTILE, { method: 'book/setLevels', params: { levels: 50 } }, { method: 'webview/ready', params: { kind: 'orderbook' } }]) fake.fromPage(m);
    assert.deepEqual(handled, []);
    assert.deepEqual(lines, []);
  });
});
