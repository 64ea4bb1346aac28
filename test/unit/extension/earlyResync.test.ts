/**
 * A panel shown again posts its page's resync before the bundle, so the page does not wait for its ready's round trip
 * (PanelSync, shared/pageScript.ts); the ready that names it is not answered with a second one.
 */
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Logger } from '../../../src/core/util/log';
import { PanelHost } from '../../../src/extension/panels/panelHost';
import { PanelSync } from '../../../src/extension/panels/panelSync';
import { PAGE_RESYNC, pageResyncMessage, pageResyncOf } from '../../../src/shared/pageScript';
import type { HostMessage } from '../../../src/shared/protocol';
import { eachTestPageAssets } from '../../helpers/builtPageAssets';
import { fakeWebviewPanel, type FakePanel } from '../../helpers/fakeWebviewPanel';

const snapshot = (price: number): HostMessage => ({ method: 'book/update', params: { market: { exchange: 'binance', symbol: 'BTC/USDT' }, bids: [[price, 1]], asks: [[price + 1, 1]], levels: 20 } });
const live: HostMessage = { method: 'panel/connection', params: { status: 'live' } };

describe('the early resync of a page shown again', () => {
  const assets = eachTestPageAssets('orderbook', 'bookBundle();');

  const warnings: string[] = [];
  const log: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} };
  const ready = (fake: FakePanel, early?: number) => fake.fromPage({ method: 'webview/ready', params: { kind: 'orderbook', ...(early === undefined ? {} : { early }) } });
  const posted = (fake: FakePanel) => fake.messages as Array<{ method: string; params: { token?: number; batch?: { params: { messages: HostMessage[] } }; messages?: HostMessage[] } }>;

  /** A book panel whose resync sends its newest snapshot; `price` is what it holds now. */
  const bookHost = (fake: FakePanel) => {
    const waits: Array<{ count: number; done: () => void }> = [];
    const state = {
      price: 100,
      resyncs: 0,
      /** Settles once the panel has resynced `count` times (a ready inside 250 ms of another is answered at its end). */
      until: (count: number) => new Promise<void>((done) => (state.resyncs >= count ? done() : waits.push({ count, done }))),
    };
    const host: PanelHost = new PanelHost(fake.panel, 'orderbook', vscode.Uri.file(assets.root()), log, {
      resync: () => {
        state.resyncs++;
        host.send(snapshot(state.price));
        for (const w of waits.splice(0)) if (state.resyncs >= w.count) w.done();
        else waits.push(w);
      },
      onMessage: () => undefined,
      onDispose: () => undefined,
    });
    return { host, state };
  };

  it('is posted before the bundle, holds the snapshot and the badge, and the ready naming it gets no second one', () => {
    const fake = fakeWebviewPanel({ keep: true });
    const { host, state } = bookHost(fake);
    ready(fake);
    host.send(live);
    host.coalescer.flush();
    assert.equal(state.resyncs, 1);

    fake.setVisible(false);
    state.price = 200;
    host.send(snapshot(200)); // to a hidden page: lost, as VS Code would lose it
    fake.setVisible(true);
    assert.deepEqual(fake.sequence.slice(-2), [PAGE_RESYNC, 'page/script'], 'the resync goes before the bundle: the loader keeps it only if it came first');
    const early = posted(fake).at(-1)!;
    assert.equal(early.method, PAGE_RESYNC);
    assert.deepEqual(early.params.batch?.params.messages, [snapshot(200), live], "the panel's newest data, then the badge");
    assert.equal(state.resyncs, 2);

    host.send(snapshot(201)); // after the resync: the loader keeps it for the bundle, in order
    host.coalescer.flush();
    ready(fake, early.params.token);
    assert.equal(state.resyncs, 2, 'the page has the early resync and what followed it: no second snapshot');
    host.coalescer.flush();
    assert.deepEqual(posted(fake).at(-1)?.params.messages, [snapshot(201)]);
    assert.deepEqual(host.startup.early, { posted: 1, taken: 1, lost: 0 });
    host.dispose();
  });

  it('a ready naming an older early resync, none, or the same one twice gets the full resync', async () => {
    const fake = fakeWebviewPanel({ keep: true });
    const { host, state } = bookHost(fake);
    ready(fake);
    const tokens: number[] = [];
    for (let i = 0; i < 2; i++) {
      fake.setVisible(false);
      fake.setVisible(true);
      tokens.push(posted(fake).at(-1)!.params.token!);
    }
    assert.equal(new Set(tokens).size, 2, 'each early resync has its own token');
    const before = state.resyncs;
    ready(fake, tokens[0]); // the page of the first showing, gone since: it did not get the newest
    await state.until(before + 1);
    ready(fake, tokens[1]);
    assert.equal(state.resyncs, before + 1, 'the newest one taken');
    ready(fake, tokens[1]); // a second ready naming it (a page reloaded by other means): answered
    await state.until(before + 2);
    ready(fake);
    await state.until(before + 3);
    host.dispose();
  });

  it('when VS Code did not deliver it, or a post after it, the ready gets the full resync', async () => {
    for (const lose of ['the early resync', 'a post after it'] as const) {
      const fake = fakeWebviewPanel({ keep: true });
      const post = fake.panel.webview.postMessage.bind(fake.panel.webview);
      let refuse = false;
      (fake.panel.webview as { postMessage: (m: unknown) => Thenable<boolean> }).postMessage = (m) => {
        const early = pageResyncOf(m) !== undefined;
        const answer = post(m);
        return refuse && (lose === 'the early resync' ? early : !early && (m as { method?: string }).method === 'panel/batch') ? Promise.resolve(false) : answer;
      };
      const { host, state } = bookHost(fake);
      ready(fake);
      host.coalescer.flush();
      fake.setVisible(false);
      refuse = true;
      fake.setVisible(true);
      host.send(snapshot(300));
      host.coalescer.flush();
      await new Promise((resolve) => setImmediate(resolve));
      const token = posted(fake).find((m) => m.method === PAGE_RESYNC)!.params.token;
      ready(fake, token);
      await state.until(3); // the first ready's, the early one's, this one's
      if (lose === 'the early resync') assert.equal(host.startup.early?.lost, 1);
      host.dispose();
    }
  });

  it('a page that never loaded (a panel restored in a tab not shown) gets its first resync at its ready, none early', () => {
    const fake = fakeWebviewPanel({ keep: true });
    (fake.panel as { visible: boolean }).visible = false;
    const { host, state } = bookHost(fake);
    fake.setVisible(true);
    assert.ok(!fake.sequence.includes(PAGE_RESYNC), fake.sequence.join());
    assert.equal(state.resyncs, 0);
    ready(fake);
    assert.equal(state.resyncs, 1);
    assert.equal(host.startup.early, undefined);
    host.dispose();
  });

  it('a ready whose token is not a positive integer is dropped with a warning naming it', () => {
    const fake = fakeWebviewPanel({ keep: true });
    const { host, state } = bookHost(fake);
    warnings.length = 0;
    for (const early of [0, 1.5, '1']) fake.fromPage({ method: 'webview/ready', params: { kind: 'orderbook', early } });
    assert.equal(state.resyncs, 0);
    assert.equal(warnings.length, 3);
    assert.match(warnings[0]!, /early, when sent, a positive integer/);
    host.dispose();
  });

  it('a page that says ready in a loop gets a snapshot at most once per 250 ms, the newest at the end', async () => {
    const fake = fakeWebviewPanel({ keep: true });
    const { host, state } = bookHost(fake);
    for (let i = 0; i < 50; i++) ready(fake);
    assert.equal(state.resyncs, 1);
    state.price = 400;
    await state.until(2);
    host.coalescer.flush();
    assert.deepEqual(posted(fake).at(-1)?.params.messages?.[0], snapshot(400));
    assert.equal(state.resyncs, 2);
    host.dispose();
  });

  it('a page’s log lines, and the host’s lines about its bad messages, are at most 30 per 10 s', () => {
    const fake = fakeWebviewPanel();
    const { host } = bookHost(fake);
    warnings.length = 0;
    for (let i = 0; i < 40; i++) fake.fromPage({ method: 'webview/log', params: { level: 'warn', message: `line ${i}` } });
    for (let i = 0; i < 40; i++) fake.fromPage({ method: 'webview/nonsense', params: {} });
    assert.equal(warnings.length, 30);
    assert.match(warnings[0]!, /orderbook panel ".*": webview: line 0/);
    host.dispose();
  });

  it('the message: a token and a batch, or nothing', () => {
    assert.deepEqual(pageResyncOf(pageResyncMessage(3, { method: 'panel/batch', params: { messages: [] } })), { token: 3, batch: { method: 'panel/batch', params: { messages: [] } } });
    for (const bad of [null, { method: PAGE_RESYNC }, { method: PAGE_RESYNC, params: { token: 0, batch: {} } }, { method: PAGE_RESYNC, params: { token: 2 } }, { method: 'page/script', params: { token: 1, batch: {} } }])
      assert.equal(pageResyncOf(bad), undefined, JSON.stringify(bad));
  });
});

describe('PanelSync with early resyncs', () => {
  it('a lost post ends the open early resync: its ready is answered', () => {
    let resyncs = 0;
    const sync = new PanelSync(() => resyncs++);
    sync.readyReceived();
    const token = sync.earlyPosted();
    sync.postLost();
    assert.equal(sync.readyReceived(token), true);
    assert.equal(resyncs, 2);
    const next = sync.earlyPosted();
    assert.equal(sync.readyReceived(next), false);
    assert.equal(resyncs, 2);
  });
});
