/**
 * The order book and the DOM while the exchange is away (real ccxt, Binance emulator, the extension's panels on a
 * plain-Node webview stand-in): the badge they get says since when the book they hold is stale (the moment the stream
 * left live, the same through every attempt), and it reads live again only in the post that brings the fresh book:
 * the emulator's book after the outage is wider, so a live badge beside the held book would be seen. (The stream's
 * live state comes a turn before its first book, which the frame coalescing mostly hides: that order is made certain
 * by ConnectionTracker's liveWithData, tested in panelPlumbing.test.ts.)
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { silentLogger } from '../../src/core/util/log';
import type { EngineHost } from '../../src/extension/engineHost';
import { DomPanel } from '../../src/extension/panels/domPanel';
import { OrderBookPanel } from '../../src/extension/panels/orderBookPanel';
import type { PanelContext, TradePanel } from '../../src/extension/panels/panelContext';
import { readSettings } from '../../src/extension/settings';
import type { ConnectionInfo, HostMessage } from '../../src/shared/protocol';
import { Rig } from '../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../helpers/fakeWebviewPanel';

const BTC = 'BTC/USDT';

/** Each post the page got, as the list of messages it carried (a batch's, or the one). */
const posts = (fake: FakePanel, from = 0): ReadonlyArray<readonly HostMessage[]> => (fake.messages.slice(from) as HostMessage[]).map((m) => (m.method === 'panel/batch' ? m.params.messages : [m]));
const badges = (messages: readonly HostMessage[]): ConnectionInfo[] => messages.flatMap((m) => (m.method === 'panel/connection' ? [m.params] : []));
const lastBadge = (fake: FakePanel) => badges(receivedByPage(fake.messages)).at(-1);

describe('the order book and the DOM while the exchange is away: stale since the drop, live only with the fresh book (real ccxt, emulator)', function () {
  this.timeout(120_000);
  let rig: Rig | undefined;
  const panels: TradePanel[] = [];
  after(async () => {
    for (const p of panels.splice(0)) p.panel.dispose();
    await rig?.close();
  });

  it('book and DOM: downSince at the drop, kept through the attempts; live again in the post that holds the fresh book', async () => {
    rig = await Rig.start({ seed: 4, tradesPerSecond: 20, historyMinutes: 10 }, { historyBars: 20 });
    const settings = readSettings().settings;
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: rig.hub } as unknown as EngineHost, log: silentLogger, settings: () => settings };
    const book = fakeWebviewPanel({ keep: true });
    const dom = fakeWebviewPanel({ keep: true });
    panels.push(new OrderBookPanel(book.panel, { kind: 'orderbook', exchange: 'binance', symbol: BTC }, ctx));
    panels.push(new DomPanel(dom.panel, { kind: 'dom', exchange: 'binance', symbol: BTC }, ctx));
    book.fromPage({ method: 'webview/ready', params: { kind: 'orderbook' } });
    dom.fromPage({ method: 'webview/ready', params: { kind: 'dom' } });
    for (const [name, fake] of [['book', book], ['dom', dom]] as const) await pageUntil(`${name}: live`, () => lastBadge(fake)?.status === 'live', 30_000);
    const marks = { book: book.messages.length, dom: dom.messages.length };

    const before = Date.now();
    await rig.emulator.stop();
    const after = Date.now();
    try {
      for (const [name, fake] of [['book', book], ['dom', dom]] as const) {
        await pageUntil(`${name}: reconnecting`, () => lastBadge(fake)?.status === 'reconnecting', 30_000);
        const down = lastBadge(fake)!;
        assert.ok(down.downSince !== undefined && down.downSince >= before && down.downSince <= after + 1_000, `${name}: down since the drop (${down.downSince}, stopped within ${before}..${after})`);
      }
      // Attempts while the exchange is away: each says the same time.
      await pageUntil('a second attempt', () => badges(receivedByPage(book.messages.slice(marks.book))).some((b) => b.status === 'reconnecting' && (b.attempt ?? 0) >= 2), 30_000);
      rig.emulator.setSpread(BTC, 40);
    } finally {
      // The wider spread comes with the book's next step: the panels' fresh book (REST) waits for it, however late the
      // step runs. Served before it (under load), the fresh book was still the narrow one, read below as the held one.
      const emulator = rig.emulator;
      const release = emulator.holdRest('/api/v3/depth');
      const stepped = new Promise<void>((resolve) => {
        const onBook = (symbol: string): void => {
          if (symbol !== BTC) return;
          emulator.off('book', onBook);
          resolve();
        };
        emulator.on('book', onBook);
      });
      await emulator.restart();
      await stepped;
      release();
    }
    for (const [name, fake] of [['book', book], ['dom', dom]] as const) await pageUntil(`${name}: live again`, () => lastBadge(fake)?.status === 'live', 60_000);
    const top = rig.emulator.orderBook(BTC, 1);
    const wide = top.asks[0]![0] - top.bids[0]![0];

    for (const [name, fake, mark] of [['book', book, marks.book], ['dom', dom, marks.dom]] as const) {
      const sent = posts(fake, mark);
      const downs = sent.flatMap(badges).filter((b) => b.status !== 'live');
      assert.ok(downs.length >= 2, `${name}: ${downs.length} badges while down`);
      assert.equal(new Set(downs.map((b) => b.downSince)).size, 1, `${name}: one downSince through every attempt: ${JSON.stringify(downs)}`);
      const liveAt = sent.findIndex((p) => badges(p).some((b) => b.status === 'live'));
      const post = sent[liveAt]!;
      if (name === 'book') {
        const update = post.find((m) => m.method === 'book/update');
        assert.ok(update?.method === 'book/update', `book: the live badge came without a book (${post.map((m) => m.method).join(', ')})`);
        const spread = update.params.asks[0]![0] - update.params.bids[0]![0];
        assert.ok(spread >= wide / 2, `book: live beside a book of spread ${spread}, the fresh one's is ${wide}: the held book`);
      } else {
        assert.ok(post.some((m) => m.method === 'dom/update'), `dom: the live badge came without its ladder (${post.map((m) => m.method).join(', ')})`);
      }
      assert.equal(badges(post).find((b) => b.status === 'live')?.downSince, undefined, `${name}: live is current`);
    }
    rig.emulator.setSpread(BTC, 0);
  });
});
